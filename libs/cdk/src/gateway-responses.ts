import {
  BadRequestError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  problemContentType,
  problemType,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type HttpError,
} from '@slice/contract';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/** How API Gateway's own error answers (before any Lambda runs) are turned into problem+json. */
export interface GatewayProblem {
  /** The kind of gateway answer. */
  readonly type: apigateway.ResponseType;
  /** The contract error whose status, title and type the answer takes. */
  readonly error: HttpError;
  /**
   * What the body says as `detail`: `'gateway'` for API Gateway's own message (it names the
   * missing parameter), a fixed sentence, or nothing (every 5xx: no internals).
   */
  readonly detail?: string;
  /** Whether the answer tells the caller to retry after a second. */
  readonly retryAfter?: boolean;
}

const gateway = 'gateway';
const noRoute = 'No route matches this method and path.';
const needsToken = 'A valid bearer token from the platform user pool is required.';
const forbidden = 'The caller may not do this.';
const slowDown = 'Too many requests; retry after the number of seconds in Retry-After.';

/**
 * Every gateway response type, mapped to the contract's error classes so callers see the same
 * statuses and problem types whether the gateway or the handler answers. Unknown routes answer
 * 404 (API Gateway's default is a misleading 403 "Missing Authentication Token"); 5xx answers
 * carry only the request id.
 */
export const gatewayProblems: readonly GatewayProblem[] = [
  { type: apigateway.ResponseType.BAD_REQUEST_PARAMETERS, error: new ValidationError([]), detail: gateway },
  { type: apigateway.ResponseType.BAD_REQUEST_BODY, error: new ValidationError([]), detail: gateway },
  { type: apigateway.ResponseType.UNAUTHORIZED, error: new UnauthorizedError(''), detail: needsToken },
  { type: apigateway.ResponseType.EXPIRED_TOKEN, error: new UnauthorizedError(''), detail: needsToken },
  { type: apigateway.ResponseType.INVALID_SIGNATURE, error: new UnauthorizedError(''), detail: needsToken },
  { type: apigateway.ResponseType.ACCESS_DENIED, error: new ForbiddenError(''), detail: forbidden },
  { type: apigateway.ResponseType.INVALID_API_KEY, error: new ForbiddenError(''), detail: forbidden },
  {
    type: apigateway.ResponseType.WAF_FILTERED,
    error: new ForbiddenError(''),
    detail: 'The request was blocked.',
  },
  {
    type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    error: new NotFoundError(''),
    detail: noRoute,
  },
  { type: apigateway.ResponseType.RESOURCE_NOT_FOUND, error: new NotFoundError(''), detail: noRoute },
  {
    type: apigateway.ResponseType.REQUEST_TOO_LARGE,
    error: new PayloadTooLargeError(''),
    detail: 'The request is larger than the API accepts.',
  },
  {
    type: apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE,
    error: new UnsupportedMediaTypeError(''),
    detail: 'The body must be application/json.',
  },
  {
    type: apigateway.ResponseType.THROTTLED,
    error: new TooManyRequestsError(''),
    detail: slowDown,
    retryAfter: true,
  },
  {
    type: apigateway.ResponseType.QUOTA_EXCEEDED,
    error: new TooManyRequestsError(''),
    detail: slowDown,
    retryAfter: true,
  },
  { type: apigateway.ResponseType.DEFAULT_4XX, error: new BadRequestError(''), detail: gateway },
  { type: apigateway.ResponseType.AUTHORIZER_FAILURE, error: new InternalServerError('') },
  { type: apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, error: new InternalServerError('') },
  { type: apigateway.ResponseType.API_CONFIGURATION_ERROR, error: new InternalServerError('') },
  { type: apigateway.ResponseType.INTEGRATION_FAILURE, error: new InternalServerError('') },
  {
    type: apigateway.ResponseType.INTEGRATION_TIMEOUT,
    error: new ServiceUnavailableError(''),
    retryAfter: true,
  },
  { type: apigateway.ResponseType.DEFAULT_5XX, error: new InternalServerError('') },
];

/**
 * The body template of a gateway answer: an RFC 9457 problem document whose `correlationId` is
 * the API Gateway request id. Gateway templates allow variable substitution only (no VTL).
 */
export function problemTemplate({ error, detail }: GatewayProblem): string {
  const fields = [
    `"type":${JSON.stringify(problemType(error.kind))}`,
    `"title":${JSON.stringify(error.title)}`,
    `"status":${error.status}`,
  ];
  if (detail === gateway) fields.push('"detail":$context.error.messageString');
  else if (detail !== undefined) fields.push(`"detail":${JSON.stringify(detail)}`);
  fields.push('"correlationId":"$context.requestId"');
  return `{${fields.join(',')}}`;
}

/** The headers of a gateway answer: problem+json, CORS as the API answers it, and Retry-After when due. */
export function problemHeaders(
  problem: GatewayProblem,
  corsOrigins: readonly string[],
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': `'${problemContentType}'`,
    'X-Content-Type-Options': "'nosniff'",
    'Access-Control-Expose-Headers': "'X-Correlation-Id,Retry-After'",
  };
  const [only] = corsOrigins;
  if (corsOrigins.includes('*')) {
    headers['Access-Control-Allow-Origin'] = "'*'";
  } else if (corsOrigins.length === 1 && only !== undefined) {
    headers['Access-Control-Allow-Origin'] = `'${only}'`;
  } else {
    // A gateway answer cannot choose among several origins, so it echoes the caller's; the body
    // of a gateway error carries nothing but a status and the request id.
    headers['Access-Control-Allow-Origin'] = 'method.request.header.Origin';
    headers.Vary = "'Origin'";
  }
  if (problem.retryAfter) headers['Retry-After'] = "'1'";
  return headers;
}

/**
 * Makes every answer the gateway gives itself (401, 403, 404, 413, 415, 429, 4XX, 5XX) a
 * problem+json document with the API's CORS headers, as the Lambda answers are.
 *
 * @example
 * ```ts
 * addProblemResponses(api, ['https://slice.example.com']);
 * ```
 */
export function addProblemResponses(api: apigateway.RestApi, corsOrigins: readonly string[]): void {
  for (const problem of gatewayProblems) {
    api.addGatewayResponse(`Problem${problem.type.responseType}`, {
      type: problem.type,
      statusCode: String(problem.error.status),
      responseHeaders: problemHeaders(problem, corsOrigins),
      templates: { 'application/json': problemTemplate(problem) },
    });
  }
}
