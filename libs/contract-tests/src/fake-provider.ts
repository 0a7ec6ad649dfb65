import { createHash } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  InternalServerError,
  NotFoundError,
  UnauthorizedError,
  UnprocessableContentError,
  UnsupportedMediaTypeError,
  ValidationError,
  fieldErrorsFrom,
  problemContentType,
  type Contract,
  type Route,
} from '@slice/contract';
import { createLocalIssuer } from '@slice/testing';
import type { HttpResponse, Target } from './target';
import * as z from 'zod/mini';

/** The caller of a fake handler. */
export interface FakeCaller {
  readonly id: string;
  readonly isStaff: boolean;
}

/** A fake route implementation: the validated request in, the body out (or an `HttpError` thrown). */
export type FakeHandler = (
  input: { path: Record<string, unknown>; query: Record<string, unknown>; body: unknown },
  caller: FakeCaller | undefined,
) => unknown;

/** Options of {@link fakeProvider}. */
export interface FakeProviderOptions {
  readonly name?: string;
  /** Skip request validation for these operation ids (a provider that forgot it). */
  readonly skipValidation?: readonly string[];
  /** Answer an unexpected failure with its message (a provider that leaks internals). */
  readonly leakErrors?: boolean;
  /** Let concurrent requests with one `Idempotency-Key` all run (a provider without a lock). */
  readonly racyIdempotency?: boolean;
  /** Break: replies are kept under `<caller>:<key>`, so `alice:x` + `y` meets `alice` + `x:y`. */
  readonly joinedIdempotencyKeys?: boolean;
  /** Break: the groups list is joined with commas and split again. */
  readonly joinedGroups?: boolean;
  /** Break: a percent-encoded base path (`/%69tems`) is served as the route it decodes to. */
  readonly servesEncodedPaths?: boolean;
}

/** A request as a {@link Target} is sent it. */
type FakeRequest = Parameters<Target['send']>[0];

/** A route the request's path matches, with its (still encoded) path parameters. */
interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string | undefined>;
}

/** What one fake provider holds: its options, handlers, issuer and the idempotency replies. */
interface FakeState {
  readonly options: FakeProviderOptions;
  readonly handlers: Readonly<Record<string, FakeHandler>>;
  readonly issuer: ReturnType<typeof createLocalIssuer>;
  readonly jwks: ReturnType<typeof createLocalJWKSet>;
  readonly replies: Map<string, { hash: string; response: HttpResponse }>;
  readonly inProgress: Set<string>;
  readonly routes: readonly { readonly route: Route; readonly pattern: RegExp }[];
}

const security = { 'x-content-type-options': 'nosniff', 'strict-transport-security': 'max-age=15552000' };

async function callerOf(
  state: FakeState,
  authorization: string | undefined,
): Promise<FakeCaller | undefined> {
  if (!authorization?.startsWith('Bearer ')) return undefined;
  try {
    const { payload } = await jwtVerify(authorization.slice(7), state.jwks, {
      issuer: state.issuer.issuer,
      audience: state.issuer.audience,
    });
    const listed = (payload['cognito:groups'] ?? []) as string[];
    // The break a provider can make: joining the list and splitting it again.
    const groups = state.options.joinedGroups ? listed.join(',').split(',') : listed;
    return { id: String(payload.sub), isStaff: groups.includes('staff') };
  } catch {
    return undefined;
  }
}

/** Where a reply is kept: per route, caller and key; joined with `:` when that break is asked for. */
async function slotOf(state: FakeState, route: Route, request: FakeRequest): Promise<string | undefined> {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  const callerId = (await callerOf(state, request.headers.authorization))?.id ?? null;
  return state.options.joinedIdempotencyKeys
    ? `${route.operationId}:${callerId}:${key}`
    : JSON.stringify([route.operationId, callerId, key]);
}

/** The request's JSON body, for a route that takes one: 415 for another media type, 400 for malformed JSON. */
function bodyOf(route: Route, request: FakeRequest): unknown {
  if (!route.request.body) return undefined;
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new UnsupportedMediaTypeError('The body must be application/json.');
  }
  try {
    return JSON.parse(request.body ?? '');
  } catch {
    throw new BadRequestError('The body is not valid JSON.');
  }
}

/** The path, query and body, each parsed by its schema (unless the provider skips validation for the route). */
function inputOf(
  state: FakeState,
  route: Route,
  params: Record<string, string>,
  request: FakeRequest,
): Record<string, unknown> {
  const validate = !state.options.skipValidation?.includes(route.operationId);
  const url = new URL(request.path, 'http://fake');
  const raw = { path: params, query: Object.fromEntries(url.searchParams), body: bodyOf(route, request) };
  const input: Record<string, unknown> = { ...raw };
  for (const part of ['path', 'query', 'body'] as const) {
    const schema = route.request[part];
    if (!schema || !validate) continue;
    const parsed = z.safeParse(schema, raw[part]);
    if (!parsed.success) throw new ValidationError(fieldErrorsFrom(part, parsed.error));
    input[part] = parsed.data;
  }
  return input;
}

/** Runs a route's handler as the platform middleware would: auth, staff, body, validation, the idempotency key. */
async function handle(state: FakeState, route: Route, params: Record<string, string>, request: FakeRequest) {
  const user = route.auth === 'public' ? undefined : await callerOf(state, request.headers.authorization);
  if (route.auth !== 'public' && !user) throw new UnauthorizedError('A valid bearer token is required.');
  if (route.auth === 'staff' && !user?.isStaff) throw new ForbiddenError('The caller may not do this.');
  const input = inputOf(state, route, params, request);
  if (route.idempotencyKey && !/^[A-Za-z0-9_.:-]{8,128}$/.test(request.headers['idempotency-key'] ?? '')) {
    throw new ValidationError([{ path: 'headers.idempotency-key', message: 'Required' }]);
  }
  const handler = state.handlers[route.operationId];
  if (!handler) throw new NotFoundError('No route matches this method and path.');
  return handler(input as Parameters<FakeHandler>[0], user);
}

function answer(
  status: number,
  body: unknown,
  contentType: string,
  correlationId: string | undefined,
): HttpResponse {
  return {
    status,
    headers: {
      ...security,
      ...(body === undefined ? {} : { 'content-type': contentType }),
      ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
    },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** The routes the request's path matches (any method). */
function matchesOf(state: FakeState, request: FakeRequest): RouteMatch[] {
  const sent = request.path.split('?')[0] ?? '';
  // The break: decoding the path before matching, as a catch-all that serves every spelling.
  const path = state.options.servesEncodedPaths
    ? sent.replace(/^\/[^/]*/, (first) => decodeURIComponent(first))
    : sent;
  return state.routes.flatMap(({ route, pattern }) => {
    const match = pattern.exec(path);
    return match ? [{ route, params: { ...match.groups } }] : [];
  });
}

function preflight(matches: readonly RouteMatch[]): HttpResponse {
  return {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': matches.map(({ route }) => route.method).join(','),
      'access-control-allow-headers': 'Content-Type,Authorization,Idempotency-Key,X-Correlation-Id',
    },
    body: '',
  };
}

/** The route's answer, or the problem document of what it threw (with the message when the provider leaks it). */
async function respond(
  state: FakeState,
  found: RouteMatch | undefined,
  request: FakeRequest,
  correlationId: string | undefined,
): Promise<HttpResponse> {
  try {
    if (!found) throw new NotFoundError('No route matches this method and path.');
    const decodedParams = Object.fromEntries(
      Object.entries(found.params).map(([name, value]) => [name, decodeURIComponent(value ?? '')]),
    );
    const body = await handle(state, found.route, decodedParams, request);
    return answer(
      found.route.status,
      found.route.response ? body : undefined,
      'application/json',
      correlationId,
    );
  } catch (error) {
    const known =
      error instanceof HttpError ? error : new InternalServerError('Internal error', { cause: error });
    const problem = known.toProblem(correlationId);
    const shown =
      state.options.leakErrors && !(error instanceof HttpError)
        ? { ...problem, detail: String(error) }
        : problem;
    return answer(known.status, shown, problemContentType, correlationId);
  }
}

/** Serves one request: the preflight, else the route, with its `Idempotency-Key` replay, conflict and lock. */
async function send(state: FakeState, request: FakeRequest): Promise<HttpResponse> {
  const correlationId = request.headers['x-correlation-id'];
  const matches = matchesOf(state, request);
  if (request.method === 'OPTIONS' && matches.length > 0) return preflight(matches);
  const found = matches.find(({ route }) => route.method === request.method);
  const slot = found?.route.idempotencyKey ? await slotOf(state, found.route, request) : undefined;
  const hash = createHash('sha256')
    .update(request.body ?? '')
    .digest('hex');
  const earlier = slot ? state.replies.get(slot) : undefined;
  if (earlier && earlier.hash !== hash) {
    const error = new UnprocessableContentError('This Idempotency-Key was used with another body.');
    return answer(422, error.toProblem(correlationId), problemContentType, correlationId);
  }
  if (earlier) {
    const headers = {
      ...earlier.response.headers,
      ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
    };
    return { ...earlier.response, headers };
  }
  if (slot && state.inProgress.has(slot)) {
    const error = new ConflictError('A request with this Idempotency-Key is still in progress.');
    return answer(409, error.toProblem(correlationId), problemContentType, correlationId);
  }
  if (slot && !state.options.racyIdempotency) state.inProgress.add(slot);
  const response = await respond(state, found, request, correlationId);
  if (slot) {
    state.inProgress.delete(slot);
    if (response.status < 500) state.replies.set(slot, { hash, response });
  }
  return response;
}

/**
 * An in-memory provider for a contract that behaves as the platform middleware does (auth, 403
 * for staff routes, 415, JSON parsing, strict validation, idempotency, problem+json, correlation
 * and security headers, CORS preflight) around the given handlers. The suite's own tests break
 * it on purpose to prove the suite notices.
 *
 * @example
 * ```ts
 * const target = await fakeProvider(menuContract, { getMenuItem: ({ path }) => items.get(String(path.itemId)) });
 * ```
 */
export async function fakeProvider(
  contract: Contract,
  handlers: Readonly<Record<string, FakeHandler>>,
  options: FakeProviderOptions = {},
): Promise<Target> {
  const issuer = createLocalIssuer({ issuer: 'https://fake.example/issuer', audience: 'fake-client' });
  const state: FakeState = {
    options,
    handlers,
    issuer,
    jwks: createLocalJWKSet(await issuer.jwks()),
    replies: new Map(),
    inProgress: new Set(),
    routes: Object.values(contract.routes).map((route) => ({
      route,
      pattern: new RegExp(`^${route.path.replace(/\{([^}]+)\}/g, '(?<$1>[^/]+)')}$`),
    })),
  };
  return {
    name: options.name ?? `fake ${contract.service.name}`,
    token: (user) =>
      issuer.token({ sub: user.sub, groups: [...(user.groups ?? [user.staff ? 'staff' : 'customer'])] }),
    mintsAnyIdentity: true,
    badTokens: async (user) => ({
      expired: await issuer.token({ sub: user.sub }, { age: '2h', expiresIn: '1h' }),
      wrongIssuer: await issuer.token({ sub: user.sub }, { issuer: 'https://elsewhere.example' }),
      wrongAudience: await issuer.token({ sub: user.sub }, { audience: 'another-client' }),
    }),
    send: (request) => send(state, request),
  };
}
