import {
  BadRequestError,
  fieldErrorsFrom,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  type FieldError,
  type Route,
} from '@slice/contract';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';

/** Limits on request bodies. */
export interface BodyLimits {
  /**
   * Largest body accepted, in bytes; API Gateway itself stops at 10 MB.
   * @default 102400
   */
  readonly maxBodyBytes?: number;
  /**
   * Deepest nesting of objects and arrays accepted.
   * @default 32
   */
  readonly maxDepth?: number;
}

/** The validated parts of a request. */
export interface ParsedRequest {
  readonly path: unknown;
  readonly query: unknown;
  readonly headers: unknown;
  readonly body: unknown;
  /** The body as JSON before schema defaults, for idempotency payload checks. */
  readonly rawBody: unknown;
}

const isJson = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim());

function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Parses the JSON body of a request: 413 when too large, 415 when not JSON, 400 when malformed. */
export function parseJsonBody(event: APIGatewayProxyEvent, limits: BodyLimits = {}): unknown {
  const maxBodyBytes = limits.maxBodyBytes ?? 102_400;
  const maxDepth = limits.maxDepth ?? 32;
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > maxBodyBytes) {
    throw new PayloadTooLargeError(`The body is larger than ${maxBodyBytes} bytes.`);
  }
  const contentType = event.headers['content-type'];
  if (!isJson(contentType)) {
    throw new UnsupportedMediaTypeError(
      `The body must be application/json, not ${contentType ? contentType.split(';')[0] : 'untyped'}.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'it is nested too deeply';
    throw new BadRequestError(`The body is not valid JSON: ${reason}`, { cause: error });
  }
  if (depthOf(parsed, maxDepth) > maxDepth) {
    throw new BadRequestError(`The body is nested deeper than ${maxDepth} levels.`);
  }
  return parsed;
}

function check(
  location: string,
  schema: z.core.$ZodType | undefined,
  value: unknown,
  errors: FieldError[],
): unknown {
  if (!schema) return undefined;
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  errors.push(...fieldErrorsFrom(location, result.error));
  return undefined;
}

/**
 * Validates requests against their route: path, query, declared headers and JSON body, collecting
 * every invalid field into one {@link ValidationError} (400) that names each of them. Headers must
 * already be lower-cased. What the route decides (which parts it validates, the names of its
 * declared headers) is read once, here, rather than on every request.
 *
 * @example
 * ```ts
 * const parse = requestParser(routes.placeOrder);
 * const { body, path } = parse(event);
 * ```
 */
export function requestParser(
  route: Route,
  limits: BodyLimits = {},
): (event: APIGatewayProxyEvent) => ParsedRequest {
  const { path, query, headers, body } = route.request;
  // Only the headers a route declares are validated; the rest of the request's headers are not its business.
  const headerNames = headers
    ? Object.keys(headers._zod.def.shape).map((name) => [name, name.toLowerCase()] as const)
    : [];
  return (event) => {
    const rawBody = body ? parseJsonBody(event, limits) : undefined;
    const errors: FieldError[] = [];
    const parsed = {
      path: path ? check('path', path, event.pathParameters ?? {}, errors) : undefined,
      query: query ? check('query', query, event.queryStringParameters ?? {}, errors) : undefined,
      headers: headers
        ? check(
            'headers',
            headers,
            Object.fromEntries(headerNames.map(([name, key]) => [name, event.headers[key]])),
            errors,
          )
        : undefined,
      body: body ? check('body', body, rawBody, errors) : undefined,
      rawBody,
    };
    if (errors.length > 0) throw new ValidationError(errors);
    return parsed;
  };
}

/**
 * Validates a request against its route, as {@link requestParser} does for one request.
 *
 * @example
 * ```ts
 * const { body, path } = parseRequest(routes.placeOrder, event);
 * ```
 */
export function parseRequest(
  route: Route,
  event: APIGatewayProxyEvent,
  limits: BodyLimits = {},
): ParsedRequest {
  return requestParser(route, limits)(event);
}
