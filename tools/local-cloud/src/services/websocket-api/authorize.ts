import type { WebSocketConnection } from '@slice/emulation';
import type { AuthorizerSpec, LambdaRuntime, WebSocketAuthorizerSpec } from '../../model';
import { LambdaAuthorizers } from '../apigateway/authorizers';
import { apiGatewayMayInvoke } from '../apigateway/state';
import { authorizerEvent, type ConnectRequest } from './events';
import { routeArn } from './integrate';
import type { ServedApi, WebSocketState } from './state';

/** What the `$connect` authorizer decided: its `requestContext.authorizer`, or the status that refuses the connection. */
export type ConnectAuthorization =
  | { readonly ok: true; readonly authorizer: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly status: number; readonly message: string; readonly reason: string };

/** A WebSocket identity source (`route.request.header.X`) as the REST authorizers read it (`method.request.header.X`). */
const asMethodSource = (source: string) => source.replace(/^route\.request\./, 'method.request.');

/** The REST authorizer spec the shared Lambda authorizer runs: REQUEST, uncached (WebSocket APIs cache no results). */
const restSpecOf = (spec: WebSocketAuthorizerSpec): AuthorizerSpec => ({
  id: spec.id,
  name: spec.name,
  type: 'REQUEST',
  providerArns: [],
  identitySource: spec.identitySources.map(asMethodSource).join(','),
  resultTtlSeconds: 0,
  ...(spec.functionArn === undefined ? {} : { functionArn: spec.functionArn }),
  ...(spec.functionId === undefined ? {} : { functionId: spec.functionId }),
});

/** The value of an identity source in the connect request; `undefined` when absent or empty. */
function identityValue(
  source: string,
  request: ConnectRequest,
  stageVariables: Readonly<Record<string, string>>,
) {
  const lastOf = (values: readonly string[] | undefined) => values?.[values.length - 1];
  const header = /^route\.request\.header\.(.+)$/.exec(source)?.[1];
  if (header !== undefined) return lastOf(request.header(header));
  const query = /^route\.request\.querystring\.(.+)$/.exec(source)?.[1];
  if (query !== undefined) return lastOf(request.query.get(query));
  if (source.startsWith('stageVariables.')) return stageVariables[source.slice('stageVariables.'.length)];
  return undefined;
}

/** Creates the Lambda authorizer runner of the WebSocket APIs: the REST gateway's, with the WebSocket ARNs. */
export function createConnectAuthorizers(options: {
  readonly runtime: LambdaRuntime;
  readonly state: () => WebSocketState;
  readonly now: () => number;
}): LambdaAuthorizers {
  return new LambdaAuthorizers({
    runtime: options.runtime,
    now: options.now,
    permitted: (functionId, sourceArn) => {
      const state = options.state();
      return apiGatewayMayInvoke(state.permissions.get(functionId) ?? [], sourceArn, state.model.accountId);
    },
    authorizerArn: (authorizer) => {
      const state = options.state();
      const api = [...state.apis.values()].find((candidate) => candidate.authorizers.has(authorizer.id));
      return api
        ? `arn:aws:execute-api:${api.spec.region}:${state.model.accountId}:${api.spec.id}/authorizers/${authorizer.id}`
        : '';
    },
  });
}

/**
 * Runs the `$connect` route's REQUEST authorizer as API Gateway does for a WebSocket API: a missing
 * identity source refuses with 401 without calling the function; the function's policy must
 * allow `execute-api:Invoke` on the `$connect` route's ARN (an explicit or implicit deny is 403),
 * `Unauthorized` thrown is 401, any other failure 500. Allowed, its principal and context become
 * `requestContext.authorizer` of every event of the connection.
 *
 * @example
 * ```ts
 * const result = await authorizeConnect({ state, authorizers }, api, stage, spec, request, connection);
 * if (!result.ok) refuse(result.status);
 * ```
 */
export async function authorizeConnect(
  context: { readonly state: WebSocketState; readonly authorizers: LambdaAuthorizers },
  api: ServedApi,
  stage: { readonly name: string; readonly variables: Readonly<Record<string, string>> },
  spec: WebSocketAuthorizerSpec,
  request: ConnectRequest,
  connection: WebSocketConnection,
): Promise<ConnectAuthorization> {
  const missing = spec.identitySources.filter((source) => !identityValue(source, request, stage.variables));
  if (missing.length > 0)
    return {
      ok: false,
      status: 401,
      message: 'Unauthorized',
      reason: `${spec.name}: missing ${missing.join(', ')}`,
    };
  const methodArn = routeArn(context.state, api, stage.name, '$connect');
  const result = await context.authorizers.authorize(restSpecOf(spec), {
    methodArn,
    headerValues: (name) => request.header(name),
    queryValues: (name) => request.query.get(name) ?? [],
    stageVariables: stage.variables,
    context: {},
    requestEvent: () => authorizerEvent(methodArn, request, connection, stage.variables),
  });
  if (result.ok) return { ok: true, authorizer: result.authorizer ?? {} };
  return {
    ok: false,
    status: result.error.statusCode,
    message: result.error.message ?? 'Unauthorized',
    reason: result.reason,
  };
}
