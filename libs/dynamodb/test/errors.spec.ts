import {
  ConditionalCheckFailedException,
  InternalServerError as DynamoInternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '@slice/contract';
import { mapErrors, toServiceError } from '../src';

const table = 'orders-prod-Table1A2B3C';
const arn = `arn:aws:dynamodb:eu-west-1:123456789012:table/${table}`;
const metadata = { httpStatusCode: 400, attempts: 3, totalRetryDelay: 900 };

const sdkError = (name: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} on ${arn}`), { name, $metadata: metadata, ...extra });

/** The mapped error, which must be an instance of `type`. */
function mapped<T>(error: unknown, type: abstract new (...args: never[]) => T): T {
  const result = toServiceError(error);
  expect(result).toBeInstanceOf(type);
  return result as T;
}

describe('toServiceError', () => {
  it.each([
    [
      'ThrottlingException',
      new ThrottlingException({ message: `Rate exceeded for ${table}`, $metadata: metadata }),
    ],
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({
        message: `Throughput exceeded on ${arn}`,
        $metadata: metadata,
      }),
    ],
    [
      'RequestLimitExceeded',
      new RequestLimitExceeded({ message: `Account limit for ${table}`, $metadata: metadata }),
    ],
  ])('maps %s after the retries to 503 with Retry-After 1', (_name, error) => {
    const result = mapped(error, ServiceUnavailableError);

    expect(result.status).toBe(503);
    expect(result.retryAfterSeconds).toBe(1);
    expect(result.cause).toBe(error);
  });

  it.each([
    [
      'InternalServerError',
      new DynamoInternalServerError({
        message: `Internal error on ${table}`,
        $metadata: { httpStatusCode: 500 },
      }),
    ],
    ['ServiceUnavailable', sdkError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } })],
    ['an unknown error with a 5xx status', sdkError('UnknownError', { $metadata: { httpStatusCode: 502 } })],
    [
      'TransactionConflictException',
      new TransactionConflictException({ message: table, $metadata: metadata }),
    ],
  ])('maps %s to 503 with Retry-After 1', (_name, error) => {
    const result = mapped(error, ServiceUnavailableError);

    expect(result.retryAfterSeconds).toBe(1);
    expect(result.cause).toBe(error);
  });

  it.each([
    ['an SDK TimeoutError', sdkError('TimeoutError', { code: 'ETIMEDOUT', $metadata: { attempts: 3 } })],
    ['a socket reset', Object.assign(new Error(`socket hang up ${table}`), { code: 'ECONNRESET' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['an AbortError', Object.assign(new Error('Request aborted'), { name: 'AbortError' })],
  ])('maps %s to 503', (_name, error) => {
    expect(mapped(error, ServiceUnavailableError).retryAfterSeconds).toBe(1);
  });

  it('maps a failed condition to 409 Conflict', () => {
    const error = new ConditionalCheckFailedException({
      message: `The conditional request failed on ${table}`,
      $metadata: metadata,
    });

    const result = mapped(error, ConflictError);

    expect(result.status).toBe(409);
    expect(result.message).toMatch(/changed|does not exist/);
    expect(result.cause).toBe(error);
  });

  it('maps a transaction cancelled by a failed condition to 409', () => {
    const error = new TransactionCanceledException({
      message: `Transaction cancelled on ${table}`,
      $metadata: metadata,
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      ],
    });

    expect(mapped(error, ConflictError).status).toBe(409);
  });

  it('maps a transaction cancelled by throttling to 503', () => {
    const error = new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: metadata,
      CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }],
    });

    expect(mapped(error, ServiceUnavailableError).retryAfterSeconds).toBe(1);
  });

  it('returns a transaction cancelled for another reason unchanged', () => {
    const error = new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: metadata,
      CancellationReasons: [{ Code: 'ValidationError' }],
    });

    expect(toServiceError(error)).toBe(error);
  });

  it.each([
    ['a ValidationException (a bug: it stays a 500)', sdkError('ValidationException')],
    [
      'a missing table',
      new ResourceNotFoundException({
        message: `Requested resource not found: ${table}`,
        $metadata: metadata,
      }),
    ],
    ['a plain Error', new Error('boom')],
    ['an HttpError', new NotFoundError('Order o-1 was not found.')],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('returns %s unchanged', (_name, error) => {
    expect(toServiceError(error)).toBe(error);
  });

  it.each([
    [
      'throttling',
      new ThrottlingException({ message: `Rate exceeded for table ${table} (${arn})`, $metadata: metadata }),
    ],
    [
      'a 5xx',
      new DynamoInternalServerError({
        message: `Internal error for ${arn}`,
        $metadata: { httpStatusCode: 500 },
      }),
    ],
    ['a timeout', sdkError('TimeoutError')],
    [
      'a failed condition',
      new ConditionalCheckFailedException({ message: `Condition failed on ${arn}`, $metadata: metadata }),
    ],
  ])('never puts the table name or ARN in the message of %s', (_name, error) => {
    const result = toServiceError(error) as Error;

    expect(result).not.toBe(error);
    expect(result.message).not.toContain(table);
    expect(result.message).not.toMatch(/arn:aws/);
  });
});

describe('mapErrors', () => {
  it('returns what the call returns', async () => {
    await expect(mapErrors(() => Promise.resolve({ Item: { pk: 'a' } }))).resolves.toEqual({
      Item: { pk: 'a' },
    });
  });

  it('rethrows the failure of the call as its service error', async () => {
    const throttled = new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata });

    const failure = mapErrors(() => Promise.reject(throttled));

    await expect(failure).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(failure).rejects.toMatchObject({ status: 503, retryAfterSeconds: 1, cause: throttled });
  });
});
