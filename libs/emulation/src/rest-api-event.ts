import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  APIGatewayEventClientCertificate,
  APIGatewayEventIdentity,
  APIGatewayEventRequestContextWithAuthorizer,
  APIGatewayProxyEvent,
} from 'aws-lambda';

/** A header or query parameter as a caller gives it: one value, or every value in order. */
export type MultiValue = string | readonly string[];

/** What {@link restApiEvent} builds a REST API (v1) Lambda proxy event from. */
export interface RestApiEventOptions {
  /** The HTTP method; upper-cased in the event. */
  readonly method: string;
  /**
   * The request path as the client sent it, without the stage and still percent-encoded
   * (`/orders/123`). API Gateway passes it through unchanged as `event.path`.
   */
  readonly path: string;
  /**
   * The API Gateway resource the request matched (`/orders/{orderId}`, `/{proxy+}`).
   * Path parameters are read from `path` with it, unless `pathParameters` is given.
   * @default the path itself, a resource with no parameters
   */
  readonly resource?: string;
  /**
   * The path parameters, as they appear in the path (still percent-encoded, as API Gateway passes
   * them). Give them only to override what `resource` and `path` yield.
   * @default read from `path` by matching it against `resource`
   */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /**
   * Query parameters, decoded as API Gateway decodes them (see {@link queryParametersOf}, which
   * reads a raw query string); an array is a repeated parameter (`?tag=a&tag=b`).
   */
  readonly query?: Readonly<Record<string, MultiValue>>;
  /** Request headers; names keep their case, as API Gateway keeps it. An array repeats the header. */
  readonly headers?: Readonly<Record<string, MultiValue>>;
  /**
   * The request body. A string is passed as is; bytes are base64-encoded (and `isBase64Encoded`
   * set); any other value is JSON-encoded and `Content-Type: application/json` added when the
   * request has no content type.
   * @default no body (`null`)
   */
  readonly body?: string | Uint8Array | object | null;
  /** @default false, or true for a body given as bytes */
  readonly isBase64Encoded?: boolean;
  /**
   * The claims a Cognito user-pool authorizer passes on: every value a string, as `claimsOf` of
   * `@slice/testing` makes them. Sets `requestContext.authorizer.claims`.
   * @default no Cognito authorizer ran
   */
  readonly claims?: Readonly<Record<string, string>>;
  /**
   * The `requestContext.authorizer` object of a Lambda authorizer (`principalId`, its context
   * values, `integrationLatency`). Merged under `claims` when both are given.
   * @default no Lambda authorizer ran
   */
  readonly authorizer?: Readonly<Record<string, unknown>>;
  /** @default 'local' */
  readonly stage?: string;
  /** @default none (`null`) */
  readonly stageVariables?: Readonly<Record<string, string>>;
  /** @default a random UUID */
  readonly requestId?: string;
  /** @default a random id shaped like API Gateway's (`JsdKpFI2IAMFqLg=`) */
  readonly extendedRequestId?: string;
  /** @default '127.0.0.1' */
  readonly sourceIp?: string;
  /** @default the `User-Agent` header, or `null` without one */
  readonly userAgent?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /** @default 'slicelocal' (API ids are ten lower-case letters and digits) */
  readonly apiId?: string;
  /** The region of the default endpoint's domain name. @default 'us-east-1' */
  readonly region?: string;
  /**
   * The domain the client called: the API's default endpoint, or a custom domain.
   * @default `<apiId>.execute-api.<region>.amazonaws.com`
   */
  readonly domainName?: string;
  /**
   * The id API Gateway gives the resource.
   * @default a stable six-character id derived from `resource`
   */
  readonly resourceId?: string;
  /**
   * `requestContext.path`: the path of the URL the client called.
   * @default `/<stage><path>` on the default endpoint (`<path>` for the `$default` stage), and
   * `<path>` on a custom domain, where the stage is not part of the URL
   */
  readonly requestPath?: string;
  /** When the request arrived, in epoch milliseconds. @default `Date.now()` */
  readonly requestTimeEpoch?: number;
  /** The API key the caller sent, for methods that require one. @default none */
  readonly apiKey?: { readonly id: string; readonly value: string };
  /** The client certificate of a mutual-TLS custom domain. @default none */
  readonly clientCert?: APIGatewayEventClientCertificate;
}

type RequestContext = APIGatewayEventRequestContextWithAuthorizer<
  APIGatewayProxyEvent['requestContext']['authorizer']
>;

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad = (value: number): string => String(value).padStart(2, '0');

/**
 * `$context.requestTime` as API Gateway writes it (CLF, always UTC): `09/Apr/2015:12:34:56 +0000`.
 *
 * @example
 * ```ts
 * requestTime(1428582896000); // '09/Apr/2015:12:34:56 +0000'
 * ```
 */
export function requestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const month = months[date.getUTCMonth()] ?? 'Jan';
  return (
    `${pad(date.getUTCDate())}/${month}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

const executeApiDomain = /^[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/**
 * Reads the path parameters of `path` against an API Gateway resource template. A `{name}`
 * matches one segment, a trailing `{name+}` the rest of the path (without its leading slash).
 * Values are passed exactly as they appear in the request path, still percent-encoded, as a REST
 * API passes them to a Lambda proxy integration (`/orders/o%201` gives `o%201`; decoding is the
 * function's choice). Returns `null` for a resource without parameters, and throws when the path
 * does not match the resource.
 *
 * @example
 * ```ts
 * pathParametersOf('/orders/{orderId}', '/orders/o%2F1'); // { orderId: 'o%2F1' }
 * pathParametersOf('/{proxy+}', '/a/b');                 // { proxy: 'a/b' }
 * ```
 */
export function pathParametersOf(resource: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const pattern = resource
    .split('/')
    .map((segment) => {
      const parameter = /^\{([^{}+]+)(\+?)\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(parameter[1] ?? '');
      return parameter[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  if (names.length === 0) return null;
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) {
    throw new Error(`The path ${path} does not match the resource ${resource}.`);
  }
  return Object.fromEntries(names.map((name, index) => [name, match[index + 1] ?? '']));
}

/** One name or value of a query string: `+` is a space, then percent-escapes are decoded. */
function decodeQueryComponent(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A stray `%` is kept as written rather than failing the request.
    return spaced;
  }
}

/**
 * Parses a raw query string (without the `?`) the way a REST API does before it builds the proxy
 * event: pairs are split on `&` and on `;` (API Gateway documents that a semicolon splits the
 * data), a `+` is a space and percent-escapes are decoded, a name without `=` has the value `''`,
 * and repeated names keep every value in order. Any name is safe, `__proto__` and `constructor`
 * included: the answer is a `Map`.
 *
 * @example
 * ```ts
 * queryParametersOf('q=red+pepper&tag=a&tag=b&flag');
 * // Map { 'q' => ['red pepper'], 'tag' => ['a', 'b'], 'flag' => [''] }
 * restApiEvent({ method: 'GET', path: '/menu', query: Object.fromEntries(queryParametersOf(raw)) });
 * ```
 */
export function queryParametersOf(raw: string): Map<string, string[]> {
  const parameters = new Map<string, string[]>();
  for (const part of raw.split(/[&;]/)) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decodeQueryComponent(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? '' : decodeQueryComponent(part.slice(equals + 1));
    const values = parameters.get(name);
    if (values) values.push(value);
    else parameters.set(name, [value]);
  }
  return parameters;
}

function lastValues(values: Readonly<Record<string, MultiValue>> | undefined): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  const entries = Object.entries(values ?? {})
    .map(([name, value]): [string, string[]] => [name, typeof value === 'string' ? [value] : [...value]])
    .filter(([, list]) => list.length > 0);
  if (entries.length === 0) return { single: null, multi: null };
  return {
    // API Gateway keeps the last value of a repeated header or query parameter in the single map.
    single: Object.fromEntries(entries.map(([name, list]) => [name, list[list.length - 1] ?? ''])),
    multi: Object.fromEntries(entries),
  };
}

function headerValue(headers: Readonly<Record<string, MultiValue>>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : value?.[value.length - 1];
}

function encodeBody(
  body: RestApiEventOptions['body'],
  headers: Readonly<Record<string, MultiValue>>,
): { body: string | null; headers: Readonly<Record<string, MultiValue>>; base64: boolean } {
  if (body === undefined || body === null) return { body: null, headers, base64: false };
  if (typeof body === 'string') return { body, headers, base64: false };
  if (body instanceof Uint8Array)
    return { body: Buffer.from(body).toString('base64'), headers, base64: true };
  const withType =
    headerValue(headers, 'content-type') === undefined
      ? { ...headers, 'Content-Type': 'application/json' }
      : headers;
  return { body: JSON.stringify(body), headers: withType, base64: false };
}

const stableResourceId = (resource: string): string =>
  BigInt(`0x${createHash('sha256').update(resource).digest('hex').slice(0, 12)}`)
    .toString(36)
    .padStart(6, '0')
    .slice(-6);

/**
 * Builds the event API Gateway sends a Lambda proxy integration of a REST API (v1), field for
 * field as AWS documents it: `resource` (the template) next to `path` (the request), `headers`
 * (last value wins) next to `multiValueHeaders`, `null` for absent query strings, path parameters,
 * stage variables and body, and a `requestContext` whose `authorizer` is present only when an
 * authorizer ran. A pure function with no test-framework dependency: the local cloud's gateway
 * builds its events with it.
 *
 * @example
 * ```ts
 * const event = restApiEvent({
 *   method: 'GET',
 *   path: '/orders/o-1',
 *   resource: '/orders/{orderId}',
 *   query: { expand: ['items', 'payments'] },
 *   claims: claimsOf(payload),
 * });
 * event.pathParameters; // { orderId: 'o-1' }
 * event.queryStringParameters; // { expand: 'payments' }
 * ```
 */
export function restApiEvent(options: RestApiEventOptions): APIGatewayProxyEvent {
  const resource = options.resource ?? options.path;
  const stage = options.stage ?? 'local';
  const apiId = options.apiId ?? 'slicelocal';
  const domainName =
    options.domainName ?? `${apiId}.execute-api.${options.region ?? 'us-east-1'}.amazonaws.com`;
  const encoded = encodeBody(options.body, options.headers ?? {});
  const headers = lastValues(encoded.headers);
  const query = lastValues(options.query);
  const requestTimeEpoch = options.requestTimeEpoch ?? Date.now();
  const stageVariables =
    Object.keys(options.stageVariables ?? {}).length > 0 ? { ...options.stageVariables } : null;

  const identity = {
    accessKey: null,
    accountId: null,
    ...(options.apiKey ? { apiKey: options.apiKey.value, apiKeyId: options.apiKey.id } : {}),
    caller: null,
    ...(options.clientCert ? { clientCert: options.clientCert } : {}),
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: options.sourceIp ?? '127.0.0.1',
    user: null,
    userAgent: options.userAgent ?? headerValue(encoded.headers, 'user-agent') ?? null,
    userArn: null,
    // @types/aws-lambda marks apiKey, apiKeyId and clientCert as always present; API Gateway sends
    // them only when the method uses API keys or the domain mutual TLS.
  } as APIGatewayEventIdentity;

  const requestPath =
    options.requestPath ??
    (executeApiDomain.test(domainName) && stage !== '$default' ? `/${stage}${options.path}` : options.path);

  const context: Omit<RequestContext, 'authorizer'> = {
    accountId: options.accountId ?? '123456789012',
    apiId,
    domainName,
    domainPrefix: domainName.split('.')[0] ?? domainName,
    extendedRequestId: options.extendedRequestId ?? randomBytes(11).toString('base64'),
    httpMethod: options.method.toUpperCase(),
    identity,
    path: requestPath,
    protocol: 'HTTP/1.1',
    requestId: options.requestId ?? randomUUID(),
    requestTime: requestTime(requestTimeEpoch),
    requestTimeEpoch,
    resourceId: options.resourceId ?? stableResourceId(resource),
    resourcePath: resource,
    stage,
  };
  const authorizer =
    options.claims !== undefined
      ? { ...options.authorizer, claims: { ...options.claims } }
      : options.authorizer !== undefined
        ? { ...options.authorizer }
        : undefined;
  // The key is absent, not undefined, when no authorizer ran; the type insists on the key.
  const requestContext = (authorizer === undefined ? context : { ...context, authorizer }) as RequestContext;

  return {
    resource,
    path: options.path,
    httpMethod: options.method.toUpperCase(),
    headers: headers.single ?? {},
    multiValueHeaders: headers.multi ?? {},
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: options.pathParameters
      ? { ...options.pathParameters }
      : pathParametersOf(resource, options.path),
    stageVariables,
    requestContext,
    body: encoded.body,
    isBase64Encoded: options.isBase64Encoded ?? encoded.base64,
  };
}
