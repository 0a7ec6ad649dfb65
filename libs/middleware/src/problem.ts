import { HttpError, InternalServerError, problemContentType } from '@slice/contract';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { logger } from './observability';

/**
 * Maps any error to an RFC 9457 problem+json answer. An `HttpError` keeps its status (a 4xx shows
 * its message, a 5xx nothing); anything else is a 500 that shows only the correlation id. 5xx are
 * logged with their stack and cause; 4xx are logged at info without the request.
 *
 * @example
 * ```ts
 * return problemResponse(new OrderNotFound(orderId), correlationId); // 404 problem+json
 * ```
 */
export function problemResponse(error: unknown, correlationId: string | undefined): APIGatewayProxyResult {
  const known =
    error instanceof HttpError ? error : new InternalServerError('Unexpected error', { cause: error });
  if (known.status >= 500) {
    logger.error('Request failed', {
      error: error instanceof Error ? error : String(error),
      status: known.status,
    });
  } else {
    logger.info('Request refused', { status: known.status, problem: known.kind, detail: known.message });
  }
  const headers: Record<string, string> = { 'content-type': problemContentType, 'cache-control': 'no-store' };
  if (known.retryAfterSeconds !== undefined) headers['retry-after'] = String(known.retryAfterSeconds);
  return { statusCode: known.status, headers, body: JSON.stringify(known.toProblem(correlationId)) };
}
