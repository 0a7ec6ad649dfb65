import * as z from 'zod/mini';
import './locale';

/** The HTTP methods a route may use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone (`public`), a signed-in user (`user`), or a member of the `staff`
 * group (`staff`). `user` and `staff` routes sit behind the Cognito authorizer.
 */
export type Auth = 'public' | 'user' | 'staff';

/** The statuses a route answers with when it succeeds. */
export type SuccessStatus = 200 | 201 | 202 | 204;

/** Error statuses a route may declare beyond the ones the platform adds for it. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** The parts of a request a route validates. Objects are strict: unknown fields are rejected. */
export interface RouteRequest {
  readonly path?: z.core.$ZodObject;
  readonly query?: z.core.$ZodObject;
  readonly headers?: z.core.$ZodObject;
  readonly body?: z.core.$ZodType;
}

type Part<S, K extends keyof RouteRequest, Io extends 'in' | 'out'> = S extends { [P in K]: infer T }
  ? T extends z.core.$ZodType
    ? Io extends 'in'
      ? z.input<T>
      : z.output<T>
    : never
  : undefined;

/** A request to a route as a caller writes it (before defaults and coercion). */
export type RequestInput<R extends RouteRequest> = {
  [K in keyof RouteRequest as R extends { [P in K]: z.core.$ZodType } ? K : never]: Part<R, K, 'in'>;
};

/** A request to a route as a handler receives it: validated, with defaults applied. */
export type RequestOutput<R extends RouteRequest> = {
  [K in keyof RouteRequest]-?: Part<R, K, 'out'>;
};

/** A worked example: a request and the answer the route gives to it. Run by the contract suite. */
export interface RouteExample<R extends RouteRequest = RouteRequest> {
  readonly name: string;
  readonly summary?: string;
  readonly request: RequestInput<R>;
  readonly response: { readonly status: number; readonly body?: unknown };
}

/** What a team writes to declare a route. */
export interface RouteDefinition<R extends RouteRequest, B extends z.core.$ZodType | undefined> {
  readonly method: HttpMethod;
  /** API Gateway syntax, base path included: `/orders/{orderId}`. */
  readonly path: string;
  /** `verbNoun`, unique in the service: `placeOrder`. */
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth: Auth;
  readonly request?: R;
  /** The success status. */
  readonly status: SuccessStatus;
  /** The success body; omit for 204. */
  readonly response?: B;
  /** Domain errors the route may answer with, and when. The platform adds 400/401/403/415/429/500/503. */
  readonly errors?: Partial<Record<ErrorStatus, string>>;
  /** Whether the caller must send an `Idempotency-Key` header; retries then replay the first answer. */
  readonly idempotencyKey?: boolean;
  readonly examples?: readonly RouteExample<R>[];
}

/** An example as a route keeps it, for tools that read any route's examples. */
export interface StoredExample {
  readonly name: string;
  readonly summary?: string;
  readonly request: {
    readonly path?: Readonly<Record<string, unknown>>;
    readonly query?: Readonly<Record<string, unknown>>;
    readonly headers?: Readonly<Record<string, unknown>>;
    readonly body?: unknown;
  };
  readonly response: { readonly status: number; readonly body?: unknown };
}

/** A declared route: the definition plus what the kit derives from it. */
export interface Route<
  R extends RouteRequest = RouteRequest,
  B extends z.core.$ZodType | undefined = z.core.$ZodType | undefined,
> extends Omit<RouteDefinition<R, B>, 'examples'> {
  readonly request: R;
  readonly errors: Partial<Record<ErrorStatus, string>>;
  readonly idempotencyKey: boolean;
  readonly examples: readonly StoredExample[];
  /** Names of the `{params}` in the path, in order. */
  readonly pathParameters: readonly string[];
}

/** The body a route answers with when it succeeds. */
export type ResponseOf<T extends Route> =
  T extends Route<RouteRequest, infer B> ? (B extends z.core.$ZodType ? z.output<B> : undefined) : never;

/** The validated request a route's handler receives. */
export type InputOf<T extends Route> = T extends Route<infer R> ? RequestOutput<R> : never;

/** The request a caller sends to a route. */
export type CallOf<T extends Route> = T extends Route<infer R> ? RequestInput<R> : never;

/** The header that makes a POST safe to retry. */
export const idempotencyKeyHeader = 'idempotency-key';

/** What a valid `Idempotency-Key` looks like: 8 to 128 URL-safe characters (a UUID fits). */
export const IdempotencyKey = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'Must be 8 to 128 letters, digits or _ . : -'));

/** The `{params}` of an API Gateway path, in order. */
export function pathParametersOf(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1] ?? '');
}

/**
 * Declares a route. Checks the definition on the spot, so a contract that cannot be served fails
 * when it is loaded, not when it is deployed: path parameters match the path schema, the method
 * fits the body, and every example parses against the schemas.
 *
 * @example
 * ```ts
 * export const getOrder = defineRoute({
 *   method: 'GET',
 *   path: '/orders/{orderId}',
 *   operationId: 'getOrder',
 *   summary: 'One of the caller\'s orders',
 *   auth: 'user',
 *   request: { path: z.strictObject({ orderId: OrderId }) },
 *   status: 200,
 *   response: Order,
 *   errors: { 404: 'No such order for this caller' },
 * });
 * ```
 */
export function defineRoute<
  R extends RouteRequest = Record<never, never>,
  B extends z.core.$ZodType | undefined = undefined,
>(definition: RouteDefinition<R, B>): Route<R, B> {
  const where = `Route ${definition.operationId} (${definition.method} ${definition.path})`;
  const request = (definition.request ?? {}) as R;
  const pathParameters = pathParametersOf(definition.path);

  if (!/^[a-z][A-Za-z0-9]*$/.test(definition.operationId)) {
    throw new Error(`${where}: operationId must be verbNoun in camelCase.`);
  }
  if (!definition.path.startsWith('/') || definition.path.endsWith('/')) {
    throw new Error(`${where}: path must start with / and not end with one.`);
  }
  const pathShape: Record<string, z.core.$ZodType> = request.path?._zod.def.shape ?? {};
  const declared = Object.keys(pathShape).sort();
  if (declared.join() !== [...pathParameters].sort().join()) {
    throw new Error(
      `${where}: path parameters {${pathParameters.join('}, {')}} must match the path schema (${declared.join(', ') || 'none'}).`,
    );
  }
  const optional = declared.filter((name) => {
    const schema = pathShape[name];
    return schema !== undefined && z.safeParse(schema, undefined).success;
  });
  if (optional.length) {
    throw new Error(
      `${where}: path parameters are always present; ${optional.join(', ')} cannot be optional.`,
    );
  }
  if (request.body && (definition.method === 'GET' || definition.method === 'DELETE')) {
    throw new Error(`${where}: ${definition.method} routes take no body.`);
  }
  if ((definition.status === 204) !== (definition.response === undefined)) {
    throw new Error(`${where}: a 204 route has no response schema, every other route has one.`);
  }
  if (definition.idempotencyKey && definition.method !== 'POST') {
    throw new Error(
      `${where}: only POST routes need an Idempotency-Key; PUT and DELETE are idempotent already.`,
    );
  }

  const route: Route<R, B> = {
    ...definition,
    request,
    errors: definition.errors ?? {},
    idempotencyKey: definition.idempotencyKey ?? false,
    examples: definition.examples ?? [],
    pathParameters,
  };
  for (const example of route.examples) checkExample(where, route, example);
  return route;
}

function checkExample(where: string, route: Route, example: StoredExample): void {
  const request: Record<string, unknown> = example.request;
  for (const part of ['path', 'query', 'headers', 'body'] as const) {
    const schema = route.request[part];
    const value = request[part];
    if (!schema) {
      if (value !== undefined)
        throw new Error(`${where}, example "${example.name}": the route takes no ${part}.`);
      continue;
    }
    // Examples of error answers may send invalid requests on purpose; success examples may not.
    if (example.response.status < 400) {
      const parsed = z.safeParse(schema, value ?? (part === 'body' ? undefined : {}));
      if (!parsed.success) {
        throw new Error(
          `${where}, example "${example.name}": ${part} does not match: ${parsed.error.message}`,
        );
      }
    }
  }
  if (example.response.status === route.status && route.response) {
    const parsed = z.safeParse(route.response, example.response.body);
    if (!parsed.success) {
      throw new Error(
        `${where}, example "${example.name}": response body does not match: ${parsed.error.message}`,
      );
    }
  }
}
