import * as z from 'zod/mini';
import './locale';
import type { Contract } from './contract';
import { Problem, ServiceUnavailableError, type HttpErrorOptions } from './problem';
import { idempotencyKeyHeader, type CallOf, type ResponseOf, type Route } from './route';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The platform domain (or a service's own URL): `https://api.example.com`. */
  readonly baseUrl: string;
  /** A bearer token, or a function that returns one per call (for refreshing tokens). */
  readonly token?: string | (() => string | Promise<string>);
  /**
   * Milliseconds before a call is abandoned.
   * @default 3000
   */
  readonly timeoutMs?: number;
  /** Sent as `x-correlation-id` on every call, so the callee's logs join the caller's. */
  readonly correlationId?: () => string | undefined;
  /**
   * Sent as `X-Amzn-Trace-Id` on every call: API Gateway continues a trace it receives, so the
   * callee's API and functions join the caller's X-Ray trace (in Lambda, the invocation's
   * `_X_AMZN_TRACE_ID`).
   */
  readonly traceHeader?: () => string | undefined;
  /**
   * The fetch implementation.
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
}

/** Per-call options. */
export interface CallOptions {
  /** Required by routes that declare `idempotencyKey`. */
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

/** A typed client: one async method per operation id. */
export type Client<C extends Contract> = {
  [K in keyof C['routes']]: (
    request: CallOf<C['routes'][K]>,
    options?: CallOptions,
  ) => Promise<ResponseOf<C['routes'][K]>>;
};

/**
 * The callee answered with a problem+json error (a 4xx). Carries the parsed problem; it is not an
 * `HttpError`, so a caller that does not handle it answers 500 rather than echoing the callee's 4xx.
 */
export class ProblemResponseError extends Error {
  constructor(
    readonly operationId: string,
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${operationId} answered ${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.name = 'ProblemResponseError';
  }
}

/** The callee could not be reached, timed out, failed (5xx, 429) or broke its contract: a 503 for our caller. */
export class UpstreamUnavailableError extends ServiceUnavailableError {
  constructor(
    readonly operationId: string,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(`${operationId}: ${message}`, options);
  }
}

/** Path, query and header values are scalars; anything else is a caller bug. */
function scalar(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new TypeError(`Expected a string, number or boolean, got ${typeof value}.`);
}

function urlOf(baseUrl: string, route: Route, request: { path?: object; query?: object }): string {
  const path = route.path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => {
    const value = (request.path as Record<string, unknown> | undefined)?.[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`${route.operationId}: path parameter ${name} is required.`);
    }
    return encodeURIComponent(scalar(value));
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined && value !== null) query.set(name, scalar(value));
  }
  const search = query.size ? `?${query.toString()}` : '';
  return `${baseUrl.replace(/\/+$/, '')}${path}${search}`;
}

const retryAfterOf = (response: Response): number | undefined => {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
};

async function call(
  options: ClientOptions,
  route: Route,
  request: { path?: object; query?: object; headers?: object; body?: unknown },
  callOptions: CallOptions = {},
): Promise<unknown> {
  const { operationId } = route;
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = scalar(value);
  }
  const token = typeof options.token === 'function' ? await options.token() : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const correlationId = options.correlationId?.();
  if (correlationId) headers['x-correlation-id'] = correlationId;
  const traceHeader = options.traceHeader?.();
  if (traceHeader) headers['x-amzn-trace-id'] = traceHeader;
  if (route.idempotencyKey) {
    if (!callOptions.idempotencyKey) throw new TypeError(`${operationId} needs an idempotency key.`);
    headers[idempotencyKeyHeader] = callOptions.idempotencyKey;
  }
  let body: string | undefined;
  if (route.request.body) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }

  const timeout = AbortSignal.timeout(options.timeoutMs ?? 3000);
  const signal = callOptions.signal ? AbortSignal.any([timeout, callOptions.signal]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? fetch)(urlOf(options.baseUrl, route, request), {
      method: route.method,
      headers,
      body,
      signal,
    });
    text = await response.text();
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs ?? 3000} ms` : 'unreachable';
    throw new UpstreamUnavailableError(operationId, reason, { cause: error });
  }

  if (response.status >= 500 || response.status === 429) {
    const retryAfterSeconds = retryAfterOf(response);
    throw new UpstreamUnavailableError(operationId, `answered ${response.status}`, {
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    });
  }
  const json = parseJson(text);
  if (response.status >= 400) {
    const problem = Problem.safeParse(json);
    throw new ProblemResponseError(
      operationId,
      response.status,
      problem.success
        ? problem.data
        : { type: 'about:blank', title: response.statusText || 'Error', status: response.status },
    );
  }
  if (response.status !== route.status) {
    throw new UpstreamUnavailableError(
      operationId,
      `answered ${response.status}, the contract says ${route.status}`,
    );
  }
  if (!route.response) return undefined;
  const parsed = z.safeParse(route.response, json);
  if (!parsed.success) {
    throw new UpstreamUnavailableError(operationId, 'answered with a body that breaks its contract', {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A typed HTTP client for a service, generated from its contract: one method per operation id,
 * requests typed from the route schemas, answers parsed against the response schema.
 *
 * - a 4xx problem+json answer throws {@link ProblemResponseError} with the parsed problem;
 * - no answer in time, a network failure, a 5xx or 429, or an answer that breaks the contract
 *   throws {@link UpstreamUnavailableError}, a 503 for the caller's own caller.
 *
 * @example
 * ```ts
 * const menu = createClient(menuContract, { baseUrl: config.platformUrl, timeoutMs: 1500 });
 * const item = await menu.getMenuItem({ path: { itemId } });
 * item.price.amount; // typed
 * ```
 */
export function createClient<C extends Contract>(contract: C, options: ClientOptions): Client<C> {
  const client: Record<string, (request: object, callOptions?: CallOptions) => Promise<unknown>> = {};
  for (const [operationId, route] of Object.entries(contract.routes)) {
    client[operationId] = (request, callOptions) => call(options, route, request, callOptions);
  }
  return client as Client<C>;
}
