import type { FixtureRequest } from '@slice/contract';
import type { Route } from '@slice/contract';
import type { HttpRequest, HttpResponse, Target, TargetUser } from './target';

/** Options of {@link httpTarget}. */
export interface HttpTargetOptions {
  /** Shown in reports. */
  readonly name: string;
  /** The platform domain: `http://localhost:3000`, `https://api.example.com`. */
  readonly baseUrl: string;
  /** Mints or fetches a valid token for a user. */
  readonly token: (user: TargetUser) => Promise<string>;
  /** Whether `token` mints a token for any subject and groups. @default false */
  readonly mintsAnyIdentity?: boolean;
  /** Headers added to every request, such as `x-slice-route: monolith`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per request. @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * A target reached over HTTP: the local cloud (`npm start`, or started in process on a free
 * port) or a deployed stage.
 *
 * @example
 * ```ts
 * const target = httpTarget({ name: 'local', baseUrl: 'http://localhost:3000', token: localTokens('http://localhost:3000') });
 * ```
 */
export function httpTarget(options: HttpTargetOptions): Target {
  const base = options.baseUrl.replace(/\/$/, '');
  return {
    name: options.name,
    token: options.token,
    ...(options.mintsAnyIdentity ? { mintsAnyIdentity: true } : {}),
    async send(request) {
      const response = await fetch(`${base}${request.path}`, {
        method: request.method,
        headers: { ...request.headers, ...options.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      return { status: response.status, headers, body: await response.text() };
    },
  };
}

/**
 * Tokens from a running local cloud's issuer (`POST /_local/token`), one per user and groups,
 * cached; the issuer mints any identity, so the target {@link HttpTargetOptions.mintsAnyIdentity}.
 *
 * @example
 * ```ts
 * const token = localTokens('http://localhost:3000');
 * await token({ sub: 'alice' });
 * ```
 */
export function localTokens(baseUrl: string): (user: TargetUser) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (user) => {
    const groups = user.groups ?? [user.staff ? 'staff' : 'customer'];
    const key = JSON.stringify([user.sub, groups]);
    let token = cache.get(key);
    if (!token) {
      token = (async () => {
        const response = await fetch(`${baseUrl.replace(/\/$/, '')}/_local/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sub: user.sub, groups }),
        });
        const body = (await response.json()) as { token?: string; message?: string };
        if (!response.ok || !body.token) {
          throw new Error(`No token from ${baseUrl}/_local/token: ${body.message ?? response.status}`);
        }
        return body.token;
      })();
      cache.set(key, token);
    }
    return token;
  };
}

/** Options of {@link toHttpRequest}. */
export interface RequestOptions {
  readonly token?: string;
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  /** Sent instead of the JSON of `request.body`. */
  readonly rawBody?: string;
  /** @default 'application/json' when there is a body */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Percent-encode the first letter of the base path (`/%6Frders` for `/orders`): a spelling the
   * front door's base-path rules, which compare the path as sent, do not match.
   * @default false
   */
  readonly encodeBasePath?: boolean;
}

/** `/orders/x` as `/%6Frders/x`: the same path once decoded, another one as sent. */
const withEncodedBasePath = (path: string): string =>
  path.replace(
    /^\/([A-Za-z])/,
    (_, letter: string) => `/%${letter.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** A path, query or header value as text: strings as they are, anything else as JSON. */
const textOf = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * Builds the HTTP request for a route from a request as a caller writes it.
 *
 * @example
 * ```ts
 * toHttpRequest(getOrder, { path: { orderId } }, { token }); // { method: 'GET', path: '/orders/<id>', headers: { authorization: 'Bearer …' } }
 * ```
 */
export function toHttpRequest(
  route: Route,
  request: FixtureRequest,
  options: RequestOptions = {},
): HttpRequest {
  const filled = route.path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) =>
    encodeURIComponent(textOf(request.path?.[name])),
  );
  const path = options.encodeBasePath ? withEncodedBasePath(filled) : filled;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) query.set(name, textOf(value));
  }
  const body = options.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {}))
    headers[name.toLowerCase()] = textOf(value);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
  Object.assign(headers, options.headers);
  const search = query.toString();
  return {
    method: route.method,
    path: search ? `${path}?${search}` : path,
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

/**
 * The body of an answer as JSON, or `undefined` when it is empty or not JSON.
 *
 * @example
 * ```ts
 * const body = jsonOf(await target.send(request)) as { items?: unknown[] } | undefined;
 * ```
 */
export function jsonOf(response: HttpResponse): unknown {
  if (!response.body) return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}
