import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalModel, RoutingRuleSpec } from '../../assembly/types';
import type { LambdaRuntime } from '../../model';
import { type Authorizers, authorize, missingParameters } from './authorize';
import { CognitoVerifier, LambdaAuthorizers, type TokenIssuer } from './authorizers';
import type { Outcome, RequestIds } from './exchange';
import { integrateLambda, integrateMock, proxyEvent, randomHex } from './integrate';
import { accountThrottleQuota, maxRequestBytes, throttle } from './limit';
import { matchMethod, routeRequest } from './match';
import { readBody } from '../../http';
import { clientRequest } from './request';
import { gatewayErrors } from './responses';
import { compileState, executeApiArn, type GatewayState, isPermitted } from './state';
import { type ThrottleLimits, TokenBuckets } from './throttle';

/** What {@link createGateway} serves. */
export interface GatewayOptions {
  /** The loaded stacks: REST APIs, routing rules, functions and their permissions. */
  readonly model: LocalModel;
  /** Runs the integration and authorizer functions. */
  readonly runtime: LambdaRuntime;
  /** The identity provider every Cognito user-pool authorizer trusts (the local issuer). */
  readonly issuer: TokenIssuer;
  /**
   * The stage the derived routing rules use (when no stack defines routing rules), for APIs that
   * have it.
   * @default each API's first stage
   */
  readonly stage?: string;
  /** Receives one line per request and one per problem (a malformed response, a denied call). @default no logging */
  readonly log?: (line: string) => void;
  /** The clock, in epoch milliseconds (throttling, authorizer caching, token expiry). @default `Date.now` */
  readonly now?: () => number;
  /**
   * The account's throttle quota across every API.
   * @default AWS's default quota, 10,000 requests per second with a burst of 5,000
   */
  readonly accountThrottle?: ThrottleLimits;
}

/** The local API Gateway: the front door and every REST API of the model. */
export interface Gateway {
  /** Serves one HTTP request; never rejects (a fault in the gateway answers 500). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /**
   * Serves another model (after a redeploy): requests arriving from now on see it, requests already
   * in flight finish on the model they started with. Authorizer caches and throttling buckets start
   * afresh. Resolves once every request begun on the previous model has been answered.
   */
  update(model: LocalModel): Promise<void>;
  /** The routing rules in effect, lowest priority first: the model's, or the derived ones. */
  routingRules(): readonly RoutingRuleSpec[];
}

/** What every request of one gateway shares: the runtime, the authorizers and the buckets. */
interface Services {
  readonly runtime: LambdaRuntime;
  readonly authorizers: Authorizers;
  readonly buckets: TokenBuckets;
  readonly accountThrottle: ThrottleLimits;
}

/**
 * Serves one request on one model, step by step as API Gateway does: the front door's routing
 * rule, the 10 MB limit, the resource and method, throttling, the authorizer, required
 * parameters, then the integration. Each step answers through the API's gateway responses.
 */
async function serve(
  state: GatewayState,
  services: Services,
  request: IncomingMessage,
  ids: RequestIds,
): Promise<Outcome> {
  const exchange = routeRequest(state, clientRequest(request), ids);
  if ('statusCode' in exchange) {
    await readBody(request, 0);
    return exchange;
  }
  const body = await readBody(request, maxRequestBytes);
  if (body === undefined)
    return exchange.fail(gatewayErrors.requestTooLarge(), 'the request is over 10 MB', true);
  const matched = matchMethod(exchange);
  if ('statusCode' in matched) return matched;
  const { resource, method } = matched;
  const refused = throttle(exchange, method, services.buckets, services.accountThrottle);
  if (refused) return refused;
  const auth = await authorize(exchange, method, services.authorizers, () =>
    proxyEvent(exchange, resource, body),
  );
  if ('statusCode' in auth) return auth;
  const invalid = missingParameters(exchange, method);
  if (invalid) return invalid;
  const { integration } = method;
  if (integration.type === 'MOCK') return integrateMock(exchange, integration);
  if (integration.type !== 'AWS_PROXY') {
    return exchange.fail(
      gatewayErrors.configurationError(),
      `${integration.type} integrations are not run by the local gateway`,
    );
  }
  return integrateLambda(exchange, integration, services.runtime, () =>
    proxyEvent(exchange, resource, body, auth),
  );
}

/** Writes an outcome with API Gateway's id headers; `HEAD` gets the headers only. */
function writeOutcome(
  request: IncomingMessage,
  response: ServerResponse,
  outcome: Outcome,
  ids: RequestIds,
): void {
  const flat: string[] = [];
  for (const [name, value] of outcome.headers) flat.push(name, value);
  flat.push(
    'Content-Length',
    String(Buffer.byteLength(outcome.body)),
    'x-amzn-RequestId',
    ids.requestId,
    'x-amz-apigw-id',
    ids.extendedRequestId,
  );
  if (outcome.close) flat.push('Connection', 'close');
  if (response.headersSent) return;
  response.writeHead(outcome.statusCode, flat);
  response.end(request.method === 'HEAD' ? undefined : outcome.body);
}

/** The answer when the gateway itself fails: API Gateway's 500, the cause in the log only. */
const internalError = (error: unknown): Outcome => ({
  statusCode: 500,
  headers: [['Content-Type', 'application/json']],
  body: '{"message":"Internal server error"}',
  note: `the local gateway failed: ${(error as Error).stack ?? String(error)}`,
});

/** One access-log line: status, method, URL, route, duration, request id and why, when it failed. */
const accessLine = (request: IncomingMessage, outcome: Outcome, ms: number, requestId: string): string =>
  `${outcome.statusCode} ${request.method ?? 'GET'} ${request.url ?? '/'}${outcome.route ? ` (${outcome.route})` : ''} ${Math.round(ms)} ms ${requestId}${outcome.note ? ` — ${outcome.note}` : ''}`;

/**
 * Creates the local API Gateway: the custom domain's front door (routing rules by priority, with
 * base-path and header conditions, or rules derived from the APIs' base paths) and, behind it,
 * every REST API of the model as API Gateway runs it: resource matching (literal before
 * `{param}`, greedy `{proxy+}`), the 10 MB limit, stage, method and account throttling, Cognito and
 * Lambda authorizers (with result caching), required-parameter validation, Lambda proxy
 * integrations (the v1 proxy event, 502 for a malformed answer or a failed function, the
 * integration timeout, the function's resource policy) and MOCK integrations, with the API's
 * gateway responses applied to every error the gateway answers itself. Mount `handle` on a
 * `node:http` server.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ model, runtime, issuer: createLocalIssuer(), log: console.log });
 * createServer((request, response) => {
 *   if (request.url?.startsWith('/_local')) return admin(request, response);
 *   void gateway.handle(request, response);
 * }).listen(3000);
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const now = options.now ?? Date.now;
  let state = compileState(options.model, options.stage);
  const lambda = new LambdaAuthorizers({
    runtime: options.runtime,
    now,
    permitted: (functionId, sourceArn) => isPermitted(state, functionId, sourceArn),
    authorizerArn: (authorizer) => {
      const api = [...state.apis.values()].find((candidate) => candidate.authorizers.has(authorizer.id));
      return api ? executeApiArn(state, api.spec, `authorizers/${authorizer.id}`) : '';
    },
  });
  const services: Services = {
    runtime: options.runtime,
    authorizers: { cognito: new CognitoVerifier(options.issuer, now), lambda },
    buckets: new TokenBuckets(now),
    accountThrottle: options.accountThrottle ?? accountThrottleQuota,
  };

  return {
    routingRules: () => state.effectiveRules,
    update(model) {
      const previous = state;
      state = compileState(model, options.stage);
      services.buckets.clear();
      lambda.clear();
      if (previous.inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => {
        previous.onDrained = resolve;
      });
    },
    async handle(request, response) {
      const ids: RequestIds = {
        started: now(),
        requestId: randomUUID(),
        extendedRequestId: Buffer.from(randomHex(22), 'hex').toString('base64'),
      };
      const current = state;
      current.inFlight += 1;
      let outcome: Outcome;
      try {
        outcome = await serve(current, services, request, ids);
      } catch (error) {
        outcome = internalError(error);
      }
      try {
        writeOutcome(request, response, outcome, ids);
      } finally {
        current.inFlight -= 1;
        if (current.inFlight === 0) current.onDrained?.();
      }
      options.log?.(accessLine(request, outcome, now() - ids.started, ids.requestId));
    },
  };
}
