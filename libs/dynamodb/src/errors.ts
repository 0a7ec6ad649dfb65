import { ConflictError, HttpError, ServiceUnavailableError } from '@slice/contract';

/** Error names DynamoDB and the SDK use when a request was throttled. */
const throttlingNames = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'Throttling',
  'TooManyRequestsException',
]);

/** Error names of a failure on DynamoDB's side or of a request that was concurrently blocked. */
const unavailableNames = new Set([
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  // Another transaction held the item; DynamoDB asks the caller to retry.
  'TransactionConflictException',
]);

/** Error names and codes of a request that timed out, was aborted or lost its connection. */
const timeoutNames = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);
const networkCodes = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** Cancellation reasons of a transaction that mean "try again later". */
const retryableReasons = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'TransactionConflict']);

/** The `Retry-After` of a 503 caused by DynamoDB, in seconds. */
const dynamoRetryAfterSeconds = 1;

/** The 409 message of a failed condition; it names nothing internal. */
const conditionFailedMessage =
  'The item was changed or removed by another request, or does not exist; read it again and retry.';

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  CancellationReasons?: unknown;
}

const reasonsOf = (error: SdkErrorShape): string[] =>
  Array.isArray(error.CancellationReasons)
    ? error.CancellationReasons.map((reason: unknown) =>
        typeof reason === 'object' && reason !== null ? String((reason as { Code?: unknown }).Code) : '',
      )
    : [];

const unavailable = (what: string, error: unknown): ServiceUnavailableError =>
  new ServiceUnavailableError(`DynamoDB ${what}.`, {
    cause: error,
    retryAfterSeconds: dynamoRetryAfterSeconds,
  });

/**
 * Maps an error from a DynamoDB call to the HTTP error it means for the caller, after the SDK's
 * own retries are spent:
 *
 * - throttling, a 5xx, a timeout, an aborted or dropped connection, a transaction conflict:
 *   {@link ServiceUnavailableError} (503, `Retry-After: 1`);
 * - a failed condition (`ConditionalCheckFailedException`, or a cancelled transaction with a
 *   `ConditionalCheckFailed` reason): {@link ConflictError} (409);
 * - anything else (an `HttpError` already, a `ValidationException` from a bug): returned as it is,
 *   so it stays a 500 or keeps its own status.
 *
 * The messages are fixed sentences; the SDK error, which may name the table or its ARN, is only
 * kept as `cause` for the logs.
 *
 * @example
 * ```ts
 * try {
 *   await client.send(new GetCommand({ TableName, Key }));
 * } catch (error) {
 *   throw toServiceError(error);
 * }
 * ```
 */
export function toServiceError(error: unknown): unknown {
  if (error instanceof HttpError || typeof error !== 'object' || error === null) return error;
  const sdk = error as SdkErrorShape;
  const name = typeof sdk.name === 'string' ? sdk.name : '';
  const code = typeof sdk.code === 'string' ? sdk.code : '';

  if (name === 'ConditionalCheckFailedException') {
    return new ConflictError(conditionFailedMessage, { cause: error });
  }
  if (name === 'TransactionCanceledException') {
    const reasons = reasonsOf(sdk);
    if (reasons.includes('ConditionalCheckFailed')) {
      return new ConflictError(conditionFailedMessage, { cause: error });
    }
    if (reasons.some((reason) => retryableReasons.has(reason))) {
      return unavailable('cancelled the transaction', error);
    }
    return error;
  }
  if (throttlingNames.has(name)) return unavailable('throttled the request', error);
  if (unavailableNames.has(name)) return unavailable(`failed (${name})`, error);
  if (timeoutNames.has(name) || networkCodes.has(code)) {
    return unavailable('was unreachable or did not answer in time', error);
  }
  const status = sdk.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return unavailable(`answered ${status}`, error);
  return error;
}

/**
 * Runs a DynamoDB call and rethrows its failure through {@link toServiceError}, so a repository
 * method reads as one line per call.
 *
 * @example
 * ```ts
 * const { Item } = await mapErrors(() => client.send(new GetCommand({ TableName, Key: { pk, sk } })));
 * ```
 */
export async function mapErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toServiceError(error);
  }
}
