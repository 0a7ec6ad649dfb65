import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '@slice/contract';
import { mapErrors } from './errors';

/** The most keys DynamoDB's `BatchGetItem` takes in one request. */
export const maxBatchGetKeys = 100;

/** What {@link batchGet} reads. */
export interface BatchGetRequest {
  readonly TableName: string;
  /** The primary keys to read; any number, read a hundred at a time. Distinct: DynamoDB refuses a repeated key. */
  readonly Keys: ReadonlyArray<Record<string, unknown>>;
  /** @default false, as DynamoDB's */
  readonly ConsistentRead?: boolean;
  /** Rounds of retrying what DynamoDB left unprocessed. @default 4 */
  readonly maxRetries?: number;
  /** The first retry's delay; each round doubles it, with full jitter. @default 25 */
  readonly baseDelayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request of at most a hundred keys, retrying the keys DynamoDB left unprocessed. */
async function readChunk(
  client: DynamoDBDocumentClient,
  request: BatchGetRequest,
  keys: ReadonlyArray<Record<string, unknown>>,
): Promise<Array<Record<string, unknown>>> {
  const { TableName, ConsistentRead = false, maxRetries = 4, baseDelayMs = 25 } = request;
  const found: Array<Record<string, unknown>> = [];
  let pending = [...keys];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > maxRetries) {
      throw new ServiceUnavailableError('DynamoDB left part of a batch read unprocessed.', {
        retryAfterSeconds: 1,
      });
    }
    // DynamoDB asks callers to back off before retrying unprocessed keys (it is throttling them).
    if (attempt > 0) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    const answer = await mapErrors(() =>
      client.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead } } })),
    );
    found.push(...(answer.Responses?.[TableName] ?? []));
    pending = (answer.UnprocessedKeys?.[TableName]?.Keys ?? []) as Array<Record<string, unknown>>;
  }
  return found;
}

/**
 * Reads many items of one table by key: a hundred keys per `BatchGetItem`, the chunks in parallel,
 * and the keys DynamoDB leaves unprocessed retried with exponential backoff and full jitter, as
 * AWS asks. Returns the items found, in no particular order (DynamoDB's); a key that names no
 * item is simply absent. Throws {@link ServiceUnavailableError} (503) when keys stay unprocessed
 * after the retries, and maps DynamoDB's own failures as {@link mapErrors} does.
 *
 * @example
 * ```ts
 * const rows = await batchGet(client, { TableName, Keys: ids.map((id) => ({ pk: `ITEM#${id}`, sk: 'ITEM' })) });
 * ```
 */
export async function batchGet(
  client: DynamoDBDocumentClient,
  request: BatchGetRequest,
): Promise<Array<Record<string, unknown>>> {
  const chunks: Array<ReadonlyArray<Record<string, unknown>>> = [];
  for (let start = 0; start < request.Keys.length; start += maxBatchGetKeys) {
    chunks.push(request.Keys.slice(start, start + maxBatchGetKeys));
  }
  return (await Promise.all(chunks.map((keys) => readChunk(client, request, keys)))).flat();
}
