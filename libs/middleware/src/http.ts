import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import {
  ForbiddenError,
  InternalServerError,
  UnauthorizedError,
  type InputOf,
  type ResponseOf,
  type Route,
} from '@slice/contract';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  correlationHeader,
  correlationIdFrom,
  currentCausationId,
  currentCorrelationId,
  withRequestIds,
} from './correlation';
import type { HttpIdempotency } from './idempotency';
import { logger, metrics } from './observability';
import { problemResponse } from './problem';
import { requestParser, type BodyLimits, type ParsedRequest } from './request';
import { userFromEvent, type User } from './user';

/** What a handler's use-case function receives: the validated request and the caller. */
export type HttpRequest<R extends Route> = InputOf<R> & {
  /** The caller; always present on `user` and `staff` routes, `undefined` on public routes without a token. */
  readonly user: R['auth'] extends 'public' ? User | undefined : User;
  readonly correlationId: string;
};

const replyMarker = Symbol('slice.reply');

/** A body with extra response headers, from {@link reply}. */
export interface Reply<B> {
  readonly [replyMarker]: true;
  readonly body: B;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Answers with extra headers, such as `Location` for a 201.
 *
 * @example
 * ```ts
 * return reply(order, { location: `/orders/${order.id}` });
 * ```
 */
export function reply<B>(body: B, headers: Readonly<Record<string, string>>): Reply<B> {
  return { [replyMarker]: true, body, headers };
}

const isReply = (value: unknown): value is Reply<unknown> =>
  typeof value === 'object' && value !== null && replyMarker in value;

/** A route's use-case function. */
export type HttpFunction<R extends Route> = (
  request: HttpRequest<R>,
  context: Context,
) => Promise<ResponseOf<R> | Reply<ResponseOf<R>>>;

/** Options of {@link http}. */
export interface HttpOptions extends BodyLimits {
  /**
   * Origins the API allows, as the API's own CORS settings do.
   * @default the comma-separated `CORS_ALLOWED_ORIGINS`, or `*`
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Validate every answer against the route's response schema (500 on a mismatch).
   * @default `SLICE_VALIDATE_RESPONSES === 'true'` (tests and the local cloud)
   */
  readonly validateResponses?: boolean;
  /**
   * Required for, and only for, a route that takes an `Idempotency-Key`: `idempotency()`.
   * @default none (a route with `idempotencyKey: true` fails at cold start without it)
   */
  readonly idempotency?: HttpIdempotency;
}

/** The Lambda handler `http()` returns, with the route it serves for tools that need it. */
export type HttpHandler = ((
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>) & {
  readonly route: Route;
};

/** Each validated event's caller and request, in one entry: a WeakMap entry set per call is a measurable part of a warm call. */
const validated = new WeakMap<
  APIGatewayProxyEvent,
  { readonly user: User | undefined; readonly parsed: ParsedRequest }
>();
/** Events answered with a stored reply: middy skips every `after` on such an early return. */
const replayed = new WeakSet<APIGatewayProxyEvent>();

/** Authentication (401, 403), then parsing and validation of the request: one step of the chain. */
function authenticateAndValidate(route: Route, limits: BodyLimits): MiddlewareObj<APIGatewayProxyEvent> {
  const parseRequest = requestParser(route, limits);
  return {
    before: ({ event }) => {
      const user = userFromEvent(event);
      if (route.auth !== 'public' && !user) throw new UnauthorizedError('A valid token is required.');
      if (route.auth === 'staff' && !user?.isStaff) throw new ForbiddenError('Only staff may do this.');
      // Powertools drops keys without a value from its lines, so an anonymous caller adds none.
      if (user) logger.appendKeys({ userId: user.id });
      validated.set(event, { user, parsed: parseRequest(event) });
    },
  };
}

/**
 * Powertools' `logMetrics` with one metric per answer, by operation (`Success`, `ClientError` or
 * `ServerError`), added just before the metrics are flushed. One middleware rather than two: each
 * step of the chain costs every warm call a few promises.
 */
function requestMetrics(route: Route): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const flush = logMetrics(metrics, { captureColdStartMetric: true }) as MiddlewareObj<
    APIGatewayProxyEvent,
    APIGatewayProxyResult
  >;
  const record = (response: APIGatewayProxyResult | null | undefined) => {
    if (!response) return;
    const outcome =
      response.statusCode >= 500 ? 'ServerError' : response.statusCode >= 400 ? 'ClientError' : 'Success';
    metrics.addDimension('operation', route.operationId);
    metrics.addMetric(outcome, MetricUnit.Count, 1);
  };
  return {
    // Powertools' steps return nothing (a value would become the response); passed on as they are.
    before: (request) => flush.before?.(request) as unknown,
    after: (request) => {
      record(request.response);
      return flush.after?.(request) as unknown;
    },
    onError: (request) => {
      record(request.response);
      return flush.onError?.(request) as unknown;
    },
  };
}

function problemDetails(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      request.response = problemResponse(request.error, currentCorrelationId());
    },
  };
}

function correlation(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const echo = (response: APIGatewayProxyResult | null | undefined) => {
    const id = currentCorrelationId();
    if (response && id) response.headers = { ...response.headers, [correlationHeader]: id };
  };
  return {
    before: () => {
      logger.appendKeys({ correlationId: currentCorrelationId(), causationId: currentCausationId() });
    },
    after: ({ response }) => echo(response),
    onError: ({ response }) => echo(response),
  };
}

function format(
  route: Route,
  result: unknown,
  validateResponses: boolean,
  authenticated: boolean,
): APIGatewayProxyResult {
  const replied = isReply(result);
  const body = replied ? result.body : result;
  const headers: Record<string, string> = route.response
    ? { 'content-type': 'application/json', ...(replied ? result.headers : undefined) }
    : { ...(replied ? result.headers : undefined) };
  if (authenticated) headers['cache-control'] = 'no-store';
  if (!route.response) return { statusCode: route.status, headers, body: '' };
  if (validateResponses) {
    const checked = z.safeParse(route.response, body);
    if (!checked.success) {
      logger.error('Answer breaks the contract', {
        operationId: route.operationId,
        issues: checked.error.issues,
      });
      throw new InternalServerError('Answer breaks the contract');
    }
  }
  return { statusCode: route.status, headers, body: JSON.stringify(body) };
}

function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

const isInProgress = (response: APIGatewayProxyResult): boolean =>
  response.statusCode === 409 && response.body.includes('idempotency-in-progress');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Chain = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The route's use-case on the validated request, its answer formatted by the contract. */
function useCase<R extends Route>(route: R, fn: HttpFunction<R>, validateResponses: boolean): Chain {
  // Not an async function: its own promise and await would be one more of each per call.
  return (event, context) => {
    const validation = validated.get(event);
    if (!validation) return Promise.reject(new Error('The request was not validated.'));
    const { user, parsed } = validation;
    const request = {
      path: parsed.path,
      query: parsed.query,
      headers: parsed.headers,
      body: parsed.body,
      user,
      correlationId: currentCorrelationId() ?? correlationIdFrom(undefined),
    } as HttpRequest<R>;
    return fn(request, context).then((result) =>
      format(route, result, validateResponses, user !== undefined),
    );
  };
}

type AfterStep = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** A replay skipped the `after` steps: give it the same CORS, security and correlation headers. */
function replayFinisher(cors: AfterStep, securityHeaders: AfterStep) {
  return async (event: APIGatewayProxyEvent, context: Context, response: APIGatewayProxyResult) => {
    const request = { event, context, response, error: null, internal: {} } as unknown as Request<
      APIGatewayProxyEvent,
      APIGatewayProxyResult
    >;
    await cors.after?.(request);
    await securityHeaders.after?.(request);
    const id = currentCorrelationId();
    const finished = request.response ?? response;
    return id ? { ...finished, headers: { ...finished.headers, [correlationHeader]: id } } : finished;
  };
}

/**
 * An idempotent route's answer: a replayed one finished as the chain would, and a duplicate of a
 * request still running waited for (up to `waitMs`) so that its answer is replayed.
 */
function waitingForDuplicates(
  chain: Chain,
  waitMs: number,
  finishReplay: ReturnType<typeof replayFinisher>,
): Chain {
  return async (event, context) => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const answered = await chain(event, context);
      const response = replayed.has(event) ? await finishReplay(event, context, answered) : answered;
      const waited = Date.now() - started;
      if (!isInProgress(response) || waited >= waitMs) return response;
      // A duplicate of a request still running: wait for it and replay its answer.
      await sleep(Math.min(50 * 2 ** attempt, 400, Math.max(0, waitMs - waited)));
    }
  };
}

/**
 * Wraps a route's use-case function into a Lambda handler for API Gateway (REST, proxy
 * integration). In order: correlation id (read from `x-correlation-id` or created, echoed, in every
 * log line); Powertools logger and metrics; header normalisation; CORS and security
 * headers; authentication (401) and staff-only enforcement (403); JSON body parsing (413, 415, 400)
 * and validation of path, query, headers and body against the route (400 naming each field,
 * unknown body fields included); idempotency for routes that need an `Idempotency-Key` (keyed by
 * caller and key, 422 for another body, a duplicate waits for the first and replays its answer, 409
 * if it is still running); the answer with the route's status, validated against its schema in
 * tests and local runs; errors mapped once to problem+json.
 *
 * @example
 * ```ts
 * export const handler = http(ordersContract.routes.getOrder, ({ path, user }) =>
 *   getOrder({ orderId: path.orderId, caller: user }, deps),
 * );
 * ```
 */
export function http<R extends Route>(route: R, fn: HttpFunction<R>, options: HttpOptions = {}): HttpHandler {
  const validateResponses = options.validateResponses ?? process.env.SLICE_VALIDATE_RESPONSES === 'true';
  const origins =
    options.corsOrigins ?? (process.env.CORS_ALLOWED_ORIGINS ?? '*').split(',').map((o) => o.trim());

  const base = useCase(route, fn, validateResponses);
  const securityHeaders = httpSecurityHeaders() as MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;
  const cors = httpCors({
    origins: [...origins],
    headers: 'Content-Type,Authorization,Idempotency-Key,X-Correlation-Id',
    exposeHeaders: 'X-Correlation-Id,Retry-After,Location',
  }) as MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(base)
    .use(httpHeaderNormalizer())
    .use(correlation())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestMetrics(route))
    .use(securityHeaders)
    .use(cors)
    .use(problemDetails())
    .use(authenticateAndValidate(route, options));

  const { idempotency } = options;
  if (route.idempotencyKey !== (idempotency !== undefined))
    throw new Error(
      `${route.operationId}: ${route.idempotencyKey ? 'its contract takes an Idempotency-Key, pass { idempotency: idempotency() }' : 'its contract takes no Idempotency-Key, drop the idempotency option'}.`,
    );
  if (idempotency) {
    const steps = idempotency.steps(
      (event) => {
        const request = validated.get(event);
        return { callerId: request?.user?.id, payload: request?.parsed.rawBody };
      },
      (request) => replayed.add(request.event as APIGatewayProxyEvent),
    );
    for (const step of steps) chain.use(step);
  }

  // Without idempotency nothing is replayed or waited for: the chain is the answer.
  const answer = idempotency
    ? waitingForDuplicates(chain, idempotency.waitMs, replayFinisher(cors, securityHeaders))
    : chain;
  // The request's id (API Gateway's, else the invocation's) is the cause of what it publishes.
  const handler = (event: APIGatewayProxyEvent, context: Context) =>
    withRequestIds(
      correlationIdFrom(headerOf(event, correlationHeader)),
      event.requestContext?.requestId || context.awsRequestId,
      () => answer(event, context),
    );
  return Object.assign(handler, { route: route });
}
