import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Options of {@link createDocumentClient}. */
export interface DocumentClientOptions {
  /**
   * Milliseconds one attempt (connect, send, answer) may take before it fails with a
   * `TimeoutError` and the SDK retries. Keep `requestTimeoutMs × maxAttempts` plus backoff well
   * under the function's timeout.
   * @default 1000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Milliseconds the TCP/TLS connection of one attempt may take.
   * @default the smaller of 500 and `requestTimeoutMs`
   */
  readonly connectionTimeoutMs?: number;
  /**
   * Attempts per call, the first one included, in the SDK's `standard` retry mode (exponential
   * backoff with jitter, a retry quota, throttling and 5xx and timeouts retried).
   * @default 3
   */
  readonly maxAttempts?: number;
  /**
   * A client built elsewhere (a test pointing at a local endpoint, a client with its own
   * credentials). It is used as it is: the timeout and retry options above cannot be combined
   * with it.
   * @default a new `DynamoDBClient` built from the options above
   */
  readonly client?: DynamoDBClient;
}

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`createDocumentClient: ${name} must be a positive integer, got ${value}.`);
  }
  return value;
};

/**
 * Builds the DynamoDB document client of a service: explicit timeouts, `standard` retries, and
 * marshalling that drops `undefined` and refuses class instances (store plain data only).
 * Call it once per cold start, outside the handler.
 *
 * Region, credentials and endpoint come from the SDK's own configuration chain: `AWS_REGION` in
 * Lambda, and `AWS_ENDPOINT_URL_DYNAMODB` (or `AWS_ENDPOINT_URL`) where the local cloud or a test
 * sets it. There is no local-mode switch in code.
 *
 * @example
 * ```ts
 * // deps.ts: wired once per cold start
 * export const dynamo = createDocumentClient({ requestTimeoutMs: 800 });
 * export const orders = ordersRepository(dynamo, config.tableName);
 * ```
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const { client, requestTimeoutMs, connectionTimeoutMs, maxAttempts } = options;
  if (client && (requestTimeoutMs ?? connectionTimeoutMs ?? maxAttempts) !== undefined) {
    throw new TypeError(
      'createDocumentClient: pass either a client or timeout and retry options, not both; ' +
        'a built client keeps its own settings.',
    );
  }
  const requestTimeout = positiveInteger('requestTimeoutMs', requestTimeoutMs ?? 1000);
  const dynamodb =
    client ??
    new DynamoDBClient({
      maxAttempts: positiveInteger('maxAttempts', maxAttempts ?? 3),
      retryMode: 'standard',
      requestHandler: {
        connectionTimeout: positiveInteger(
          'connectionTimeoutMs',
          connectionTimeoutMs ?? Math.min(500, requestTimeout),
        ),
        requestTimeout,
        // Without it the SDK only logs a warning when requestTimeout passes and keeps waiting.
        throwOnRequestTimeout: true,
      },
    });
  return DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
