import type { WebSocketEvent } from '@slice/emulation';
import type { LambdaRuntime, WebSocketRouteSpec } from '../../model';
import { apiGatewayMayInvoke } from '../apigateway/state';
import type { ServedApi, WebSocketState } from './state';

/** How long before its timeout an invocation must have left the concurrency queue. */
const QUEUE_MARGIN_MS = 50;

/** What a route's integration answered: the function's payload, or why there is none. */
export type RouteOutcome =
  { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly reason: string };

/** The `execute-api` ARN of a route, the source ARN API Gateway invokes its function with. */
export const routeArn = (state: WebSocketState, api: ServedApi, stage: string, routeKey: string): string =>
  `arn:aws:execute-api:${api.spec.region}:${state.model.accountId}:${api.spec.id}/${stage}/${routeKey}`;

/**
 * Runs a route's integration with `event`: an `AWS_PROXY` integration invokes its function (which
 * must let API Gateway invoke it from the route's ARN) within the integration timeout. Other
 * integration types are not run locally.
 *
 * @example
 * ```ts
 * const outcome = await invokeRoute({ state, runtime }, api, 'dev', route, event);
 * if (!outcome.ok) log(outcome.reason);
 * ```
 */
export async function invokeRoute(
  context: { readonly state: WebSocketState; readonly runtime: LambdaRuntime },
  api: ServedApi,
  stage: string,
  route: WebSocketRouteSpec,
  event: WebSocketEvent,
): Promise<RouteOutcome> {
  const { integration } = route;
  if (!integration) return { ok: false, reason: `the route ${route.routeKey} has no integration` };
  if (integration.type !== 'AWS_PROXY')
    return { ok: false, reason: `${integration.type} integrations are not run by the local cloud` };
  const { functionId } = integration;
  if (functionId === undefined)
    return { ok: false, reason: `no loaded function ${integration.functionArn ?? integration.uri ?? ''}` };
  const sourceArn = routeArn(context.state, api, stage, route.routeKey);
  const permissions = context.state.permissions.get(functionId) ?? [];
  if (!apiGatewayMayInvoke(permissions, sourceArn, context.state.model.accountId))
    return { ok: false, reason: `no permission lets API Gateway invoke ${functionId} from ${sourceArn}` };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), integration.timeoutMs);
  });
  const maxWaitMs = Math.max(0, integration.timeoutMs - QUEUE_MARGIN_MS);
  const result = await Promise.race([context.runtime.invoke(functionId, event, { maxWaitMs }), timeout]);
  clearTimeout(timer);
  if (result === 'timeout')
    return { ok: false, reason: `no answer within the integration timeout (${integration.timeoutMs} ms)` };
  if (!result.ok) return { ok: false, reason: `${result.errorType}: ${result.errorMessage}` };
  return { ok: true, payload: result.payload };
}
