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

/** Only the headers a route declares are validated; the rest of the request's headers are not its business. */
function declaredHeaders(
  schema: z.core.$ZodObject | undefined,
  headers: APIGatewayProxyEvent['headers'],
): object {
  if (!schema) return {};
  return Object.fromEntries(
    Object.keys(schema._zod.def.shape).map((name) => [name, headers[name.toLowerCase()]]),
  );
}

/**
 * Validates a request against its route: path, query, declared headers and JSON body, collecting
 * every invalid field into one {@link ValidationError} (400) that names each of them. Headers must
 * already be lower-cased.
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
  const rawBody = route.request.body ? parseJsonBody(event, limits) : undefined;
  const errors: FieldError[] = [];
  const parsed = {
    path: check('path', route.request.path, event.pathParameters ?? {}, errors),
    query: check('query', route.request.query, event.queryStringParameters ?? {}, errors),
    headers: check(
      'headers',
      route.request.headers,
      declaredHeaders(route.request.headers, event.headers),
      errors,
    ),
    body: check('body', route.request.body, rawBody, errors),
    rawBody,
  };
  if (errors.length > 0) throw new ValidationError(errors);
  return parsed;
}
