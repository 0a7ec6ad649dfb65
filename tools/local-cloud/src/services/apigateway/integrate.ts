import { randomUUID } from 'node:crypto';
import { restApiEvent } from '@slice/emulation';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { IntegrationSpec } from '../../assembly/types';
import type { InvokeResult, LambdaRuntime } from '../../model';
import type { AuthorizationResult } from './authorizers';
import type { Exchange, Outcome } from './exchange';
import { mockResponse } from './mock';
import { proxyResponse } from './proxy';
import { type GatewayError, gatewayErrors } from './responses';
import type { CompiledResource } from './router';

type MockIntegration = Extract<IntegrationSpec, { readonly type: 'MOCK' }>;
type ProxyIntegration = Extract<IntegrationSpec, { readonly type: 'AWS_PROXY' }>;
import { executeApiArn, isPermitted } from './state';

/** Random hex from the UUID generator's entropy pool (cheaper than a `randomBytes` call per id). */
export const randomHex = (length: number): string => {
  let hex = '';
  while (hex.length < length) hex += randomUUID().replace(/-/g, '');
  return hex.slice(0, length);
};

const mediaTypeOf = (value: string | undefined): string =>
  value?.split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? '';

/** Whether the API lists the media type as binary (`binaryMediaTypes`, with `*` wildcards). */
const isBinaryType = (exchange: Exchange, mediaType: string): boolean =>
  mediaType !== '' && exchange.api.binaryTypes.some((type) => type.test(mediaType));

/**
 * Builds the proxy event of the exchange (`restApiEvent`, the shared builder): the body is base64
 * when the request's `Content-Type` is one of the API's binary media types, else UTF-8 text; API
 * Gateway's forwarding headers and trace id are added.
 *
 * @example
 * ```ts
 * const event = proxyEvent(exchange, resource, body, auth);
 * ```
 */
export function proxyEvent(
  exchange: Exchange,
  resource: CompiledResource,
  body: Buffer,
  auth?: AuthorizationResult & { ok: true },
): APIGatewayProxyEvent {
  const { client, stage, api, ids } = exchange;
  const isBinary =
    body.length > 0 && isBinaryType(exchange, mediaTypeOf(client.headers.last('content-type')));
  const forwardedFor = client.headers.values('x-forwarded-for');
  const headers = client.headers.forEvent([
    [
      'X-Forwarded-For',
      forwardedFor.length > 0 ? `${forwardedFor.join(', ')}, ${client.sourceIp}` : client.sourceIp,
    ],
    ['X-Forwarded-Port', String(client.localPort)],
    ['X-Forwarded-Proto', 'http'],
    ['X-Amzn-Trace-Id', `Root=1-${Math.floor(ids.started / 1000).toString(16)}-${randomHex(24)}`],
  ]);
  return restApiEvent({
    method: client.httpMethod,
    path: exchange.apiPath,
    resource: resource.spec.path,
    ...(Object.keys(exchange.pathParameters).length > 0 ? { pathParameters: exchange.pathParameters } : {}),
    query: Object.fromEntries(client.query),
    headers,
    body: body.length === 0 ? null : isBinary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: isBinary,
    ...(auth?.claims ? { claims: auth.claims } : {}),
    ...(auth?.authorizer ? { authorizer: auth.authorizer } : {}),
    stage: stage.name,
    ...(Object.keys(stage.variables).length > 0 ? { stageVariables: stage.variables } : {}),
    requestId: ids.requestId,
    extendedRequestId: ids.extendedRequestId,
    sourceIp: client.sourceIp,
    accountId: exchange.state.model.accountId,
    apiId: api.spec.id,
    region: api.spec.region,
    domainName: client.domainName,
    resourceId: resource.spec.id,
    requestPath: client.path,
    requestTimeEpoch: ids.started,
  });
}

/**
 * Answers a MOCK integration (the CORS preflight) from its integration responses; API Gateway's
 * 500 when none matches.
 *
 * @example
 * ```ts
 * if (integration.type === 'MOCK') return integrateMock(exchange, integration);
 * ```
 */
export function integrateMock(exchange: Exchange, integration: MockIntegration): Outcome {
  const mocked = mockResponse(
    integration.requestTemplates,
    integration.responses,
    exchange.client.headers.last('content-type'),
    exchange.render,
  );
  if (!mocked) {
    return exchange.fail(
      gatewayErrors.configurationError(),
      'no integration response of the MOCK integration matches',
    );
  }
  return {
    statusCode: mocked.statusCode,
    headers: Object.entries(mocked.headers),
    body: mocked.body,
    route: exchange.route(),
  };
}

/** The function of an `AWS_PROXY` integration (its ARN may name a stage variable), if loaded. */
function integrationFunction(
  exchange: Exchange,
  integration: ProxyIntegration,
): { id?: string; arn: string } {
  const arn = integration.functionArn.replace(
    /\$\{stageVariables\.([^}]+)\}/g,
    (_whole, name: string) =>
      (Object.hasOwn(exchange.stage.variables, name) ? exchange.stage.variables[name] : '') ?? '',
  );
  const id =
    integration.functionId ??
    exchange.state.functionIds.get(arn.split(':').slice(0, 7).join(':')) ??
    exchange.state.functionIds.get(arn);
  return id === undefined ? { arn } : { id, arn };
}

/**
 * The gateway error for a failed invocation: a throttled function is `DEFAULT_5XX` 500, any other
 * failure (an error, a crash, a timeout inside the function) API Gateway's 502, both with the
 * status of the API's `DEFAULT_5XX` response when it sets one.
 */
function invocationError(result: InvokeResult & { ok: false }): GatewayError {
  return result.errorType === 'Throttled' ? gatewayErrors.invocationRejected() : gatewayErrors.badGateway();
}

/** How much sooner than the integration timeout an invocation stops waiting for a slot. */
const QUEUE_MARGIN_MS = 100;

/**
 * Runs an `AWS_PROXY` integration: checks that the function's resource policy lets API Gateway
 * invoke it from this method (else 500), invokes it with the proxy event, and turns its answer into
 * the response (a malformed answer or a failed function: 502, or the `DEFAULT_5XX` status; no
 * answer within the integration timeout: 504).
 *
 * @example
 * ```ts
 * return integrateLambda(exchange, integration, runtime, () => proxyEvent(exchange, resource, body, auth));
 * ```
 */
export async function integrateLambda(
  exchange: Exchange,
  integration: ProxyIntegration,
  runtime: LambdaRuntime,
  event: () => APIGatewayProxyEvent,
): Promise<Outcome> {
  const fn = integrationFunction(exchange, integration);
  if (fn.id === undefined)
    return exchange.fail(gatewayErrors.configurationError(), `no loaded function ${fn.arn}`);
  const sourceArn = executeApiArn(
    exchange.state,
    exchange.api.spec,
    `${exchange.stage.name}/${exchange.client.httpMethod}${exchange.resourcePath ?? ''}`,
  );
  if (!isPermitted(exchange.state, fn.id, sourceArn)) {
    return exchange.fail(
      gatewayErrors.configurationError(),
      `Invalid permissions on Lambda function: no AWS::Lambda::Permission of ${fn.id} lets API Gateway invoke it from ${sourceArn}`,
    );
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), integration.timeoutMs);
  });
  // Over the account's concurrency it waits for a slot within the integration timeout, giving up
  // just before it, so the client gets Lambda's throttle (500), not the integration's 504.
  const maxWaitMs = Math.max(0, integration.timeoutMs - QUEUE_MARGIN_MS);
  const invocation = runtime.invoke(fn.id, event(), { maxWaitMs });
  invocation.catch(() => undefined);
  let result: InvokeResult | 'timeout';
  try {
    result = await Promise.race([invocation, timedOut]);
  } catch (error) {
    return exchange.fail(gatewayErrors.badGateway(), `the runtime failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  const route = `${exchange.route()} → ${fn.id}`;
  return { ...answerOf(exchange, result, integration.timeoutMs), route };
}

function answerOf(exchange: Exchange, result: InvokeResult | 'timeout', timeoutMs: number): Outcome {
  if (result === 'timeout') {
    return exchange.fail(
      gatewayErrors.integrationTimeout(),
      `no answer within the integration timeout (${timeoutMs} ms)`,
    );
  }
  if (!result.ok) {
    return exchange.fail(
      invocationError(result),
      `Lambda execution failed: ${result.errorType}: ${result.errorMessage}`,
    );
  }
  const binary = isBinaryType(exchange, mediaTypeOf(exchange.client.headers.values('accept')[0]));
  const answer = proxyResponse(result.payload, { binary });
  if (typeof answer === 'string') {
    return exchange.fail(gatewayErrors.badGateway(), `Malformed Lambda proxy response: ${answer}`);
  }
  return answer;
}
