import * as z from 'zod/mini';
import './locale';
import { described, withMeta } from './meta';

/** The media type of every error answer. */
export const problemContentType = 'application/problem+json';

/** One invalid field of a request: where it is (`body.items.0.quantity`) and what is wrong. */
export const FieldError = withMeta(
  z.strictObject({
    path: described(
      z.string(),
      'Where the field is: `body.items.0.quantity`, `query.limit`, `path.orderId`.',
    ),
    message: z.string(),
  }),
  { id: 'FieldError' },
);

/** A field error. */
export type FieldError = z.infer<typeof FieldError>;

/**
 * An RFC 9457 problem details document, the body of every error answer of every Slice API.
 * `correlationId` ties the answer to the logs; `errors` lists invalid fields on a 400.
 */
export const Problem = withMeta(
  z.strictObject({
    type: described(z.string(), 'A URI naming the kind of problem, such as `urn:slice:problem:not-found`.'),
    title: z.string(),
    status: z.number().check(z.int(), z.minimum(400), z.maximum(599)),
    detail: z.optional(z.string()),
    instance: z.optional(z.string()),
    correlationId: z.optional(z.string()),
    errors: z.optional(z.array(FieldError)),
  }),
  { id: 'Problem', description: 'RFC 9457 problem details.' },
);

/** A problem details document. */
export type Problem = z.infer<typeof Problem>;

/** The `type` URI of a kind of problem. */
export const problemType = (kind: string): string => `urn:slice:problem:${kind}`;

/** What an error class tells the error middleware. */
export interface HttpErrorOptions {
  /** Shown to the caller as `detail`; client errors only. */
  readonly detail?: string;
  /** Invalid fields, for a 400. */
  readonly errors?: readonly FieldError[];
  /** The underlying error, kept for logs and never shown. */
  readonly cause?: unknown;
  /** Seconds the caller should wait before retrying (429, 503). */
  readonly retryAfterSeconds?: number;
}

/**
 * The base of every error that maps to an HTTP status. Domain code throws subclasses named after
 * what went wrong (`class OrderNotFound extends NotFoundError`); the middleware maps them once to
 * problem+json. A 4xx shows its message as `detail`; a 5xx shows nothing but the correlation id.
 *
 * @example
 * ```ts
 * export class OrderNotFound extends NotFoundError {
 *   constructor(readonly orderId: string) {
 *     super(`Order ${orderId} was not found.`);
 *   }
 * }
 * ```
 */
export abstract class HttpError extends Error {
  /** The HTTP status. */
  abstract readonly status: number;
  /** The short, stable title of this kind of problem. */
  abstract readonly title: string;
  /** The last segment of the problem `type` URI. */
  abstract readonly kind: string;
  readonly errors: readonly FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: HttpErrorOptions = {}) {
    super(options.detail ?? message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Whether the message may be shown to the caller: only for client errors. */
  get expose(): boolean {
    return this.status < 500;
  }

  /** The problem details document for this error. */
  toProblem(correlationId?: string): Problem {
    return {
      type: problemType(this.kind),
      title: this.title,
      status: this.status,
      ...(this.expose ? { detail: this.message } : {}),
      ...(correlationId ? { correlationId } : {}),
      ...(this.expose && this.errors?.length ? { errors: [...this.errors] } : {}),
    };
  }
}

/** 400: the request is malformed or breaks the route's schema. */
export class BadRequestError extends HttpError {
  readonly status = 400;
  readonly title = 'Bad Request';
  readonly kind: string = 'bad-request';
}

/** 400 with the invalid fields listed, one entry per field. */
export class ValidationError extends BadRequestError {
  override readonly kind: string = 'validation';
  constructor(errors: readonly FieldError[], message = describeFieldErrors(errors)) {
    super(message, { errors });
  }
}

/** 401: no valid credentials. */
export class UnauthorizedError extends HttpError {
  readonly status = 401;
  readonly title = 'Unauthorized';
  readonly kind: string = 'unauthorized';
}

/** 403: authenticated, but not allowed. */
export class ForbiddenError extends HttpError {
  readonly status = 403;
  readonly title = 'Forbidden';
  readonly kind: string = 'forbidden';
}

/** 404: no such resource for this caller (also for another caller's resource). */
export class NotFoundError extends HttpError {
  readonly status = 404;
  readonly title = 'Not Found';
  readonly kind: string = 'not-found';
}

/** 409: the resource changed or is in a state that forbids the request. */
export class ConflictError extends HttpError {
  readonly status = 409;
  readonly title = 'Conflict';
  readonly kind: string = 'conflict';
}

/** 413: the request body is too large. */
export class PayloadTooLargeError extends HttpError {
  readonly status = 413;
  readonly title = 'Payload Too Large';
  readonly kind: string = 'payload-too-large';
}

/** 415: the body is not JSON. */
export class UnsupportedMediaTypeError extends HttpError {
  readonly status = 415;
  readonly title = 'Unsupported Media Type';
  readonly kind: string = 'unsupported-media-type';
}

/** 422: well-formed, but the domain cannot accept it (an unknown item, a reused idempotency key). */
export class UnprocessableContentError extends HttpError {
  readonly status = 422;
  readonly title = 'Unprocessable Content';
  readonly kind: string = 'unprocessable';
}

/** 429: too many requests; carries `Retry-After`. */
export class TooManyRequestsError extends HttpError {
  readonly status = 429;
  readonly title = 'Too Many Requests';
  readonly kind: string = 'too-many-requests';
}

/** 500: a bug or an unexpected failure. Shows nothing but the correlation id. */
export class InternalServerError extends HttpError {
  readonly status = 500;
  readonly title = 'Internal Server Error';
  readonly kind: string = 'internal';
}

/** 503: a dependency is unavailable (throttled, down, timed out); carries `Retry-After`. */
export class ServiceUnavailableError extends HttpError {
  readonly status = 503;
  readonly title = 'Service Unavailable';
  readonly kind: string = 'unavailable';
  constructor(message: string, options: HttpErrorOptions = {}) {
    super(message, { retryAfterSeconds: 1, ...options });
  }
}

/** One sentence naming every invalid field. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  const fields = errors.map((error) => `${error.path}: ${error.message}`);
  return `Invalid request: ${fields.join('; ')}.`;
}

/**
 * Turns zod issues into field errors under a location (`body`, `query`, `path`, `headers`), one per
 * field, naming each unknown key on its own.
 */
export function fieldErrorsFrom(location: string, error: z.core.$ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: `${base}.${key}`, message: 'Unknown field.' }));
    }
    return [{ path: base, message: issue.message }];
  });
}
