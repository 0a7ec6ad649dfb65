import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyItemAlreadyExistsError,
  IdempotencyRecordStatus,
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import type { IdempotencyRecordOptions } from '@aws-lambda-powertools/idempotency/types';

/** Options of {@link IdempotencyStore}. */
export interface IdempotencyStoreOptions {
  /** The idempotency table: partition key `id` (string), TTL on `expiration`. */
  readonly tableName: string;
  /** The DynamoDB client, with timeouts shorter than the function's. */
  readonly client: DynamoDBClient;
}

/** The attribute that names the request that wrote an in-progress record. */
const ownerAttr = 'owner';
const { statusAttr, expiryAttr, inProgressExpiryAttr, validationKeyAttr, dataAttr } =
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS;

/** The request whose records the store is writing: one token per attempt of a request. */
const owners = new AsyncLocalStorage<string>();

/**
 * Runs `fn` as one attempt of a request: the in-progress record the store writes meanwhile carries a
 * fresh token, by which the attempt recognises its own record.
 *
 * @example
 * ```ts
 * const replay = await asRecordOwner(() => idempotent.before(request));
 * ```
 */
export function asRecordOwner<T>(fn: () => T): T {
  return owners.run(randomUUID(), fn);
}

/**
 * Whether an in-progress idempotency error, as {@link IdempotencyStore} raises it, names the
 * time its record stops blocking the key, and in how many whole seconds from now (at least 1).
 *
 * @example
 * ```ts
 * const seconds = secondsUntilUnlocked(error); // 27 for a record written 2 s into a 29 s function
 * ```
 */
export function secondsUntilUnlocked(error: unknown, now = Date.now()): number | undefined {
  const expiry =
    error instanceof IdempotencyAlreadyInProgressError
      ? error.existingRecord?.inProgressExpiryTimestamp
      : undefined;
  return expiry === undefined ? undefined : Math.max(1, Math.ceil((expiry - now) / 1000));
}

const recordOf = (item: Record<string, AttributeValue>): IdempotencyRecord => {
  const stored = unmarshall(item);
  return new IdempotencyRecord({
    idempotencyKey: stored.id as string,
    status: stored[statusAttr] as IdempotencyRecordOptions['status'],
    expiryTimestamp: stored[expiryAttr] as number | undefined,
    inProgressExpiryTimestamp: stored[inProgressExpiryAttr] as number | undefined,
    responseData: stored[dataAttr] as JSONValue | undefined,
    payloadHash: stored[validationKeyAttr] as string | undefined,
  });
};

/**
 * Powertools' DynamoDB persistence layer, with two changes that matter when storage is slow:
 *
 * - **An attempt recognises its own in-progress record.** Each record carries the token of the
 *   attempt that wrote it ({@link asRecordOwner}), and the conditional write also succeeds over a
 *   record with the same token. Without it, a `PutItem` that commits but answers after the SDK's
 *   timeout is retried by the SDK, the retry fails its condition on the record it just wrote, and
 *   the request answers 409 to itself while its record blocks the key for the function's time-out.
 * - **An in-progress refusal carries the record**, so the answer can say how long the key stays
 *   blocked ({@link secondsUntilUnlocked}) instead of guessing.
 *
 * It also releases an attempt's own record when the attempt cannot go on ({@link releaseOwn}).
 *
 * @example
 * ```ts
 * const store = new IdempotencyStore({ tableName: requireEnv('IDEMPOTENCY_TABLE_NAME'), client });
 * export const handler = http(routes.placeOrder, fn, { idempotency: idempotency({ store }) });
 * ```
 */
export class IdempotencyStore extends DynamoDBPersistenceLayer {
  private readonly dynamo: DynamoDBClient;
  private readonly table: string;

  constructor(options: IdempotencyStoreOptions) {
    super({ tableName: options.tableName, awsSdkV3Client: options.client });
    this.dynamo = options.client;
    this.table = options.tableName;
  }

  /** Powertools' conditional write of an in-progress record, which also succeeds over the attempt's own. */
  protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
    const owner = owners.getStore();
    if (owner === undefined || record.getStatus() !== IdempotencyRecordStatus.INPROGRESS) {
      return super._putRecord(record);
    }
    const now = Date.now();
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...this.getKey(record.idempotencyKey),
            ...marshall(
              {
                [statusAttr]: record.getStatus(),
                [expiryAttr]: record.expiryTimestamp,
                [inProgressExpiryAttr]: record.inProgressExpiryTimestamp,
                [validationKeyAttr]: record.payloadHash || undefined,
                [ownerAttr]: owner,
              },
              { removeUndefinedValues: true },
            ),
          },
          // Powertools' condition (no record, an expired one, an abandoned in-progress one), or ours.
          ConditionExpression:
            'attribute_not_exists(#id) OR #expiry < :now OR ' +
            '(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis) OR ' +
            '#owner = :owner',
          ExpressionAttributeNames: {
            '#id': 'id',
            '#expiry': expiryAttr,
            '#status': statusAttr,
            '#in_progress_expiry': inProgressExpiryAttr,
            '#owner': ownerAttr,
          },
          ExpressionAttributeValues: marshall({
            ':now': now / 1000,
            ':now_in_millis': now,
            ':inprogress': IdempotencyRecordStatus.INPROGRESS,
            ':owner': owner,
          }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        error.Item ? recordOf(error.Item) : undefined,
      );
    }
  }

  /**
   * Powertools' check of a record found under the key (another body is a validation error), then
   * an in-progress record is refused here, with the record, rather than later without it.
   */
  override processExistingRecord(
    storedDataRecord: IdempotencyRecord,
    processedData: JSONValue | IdempotencyRecord,
  ): IdempotencyRecord {
    const record = super.processExistingRecord(storedDataRecord, processedData);
    if (record.getStatus() === IdempotencyRecordStatus.INPROGRESS) {
      throw new IdempotencyAlreadyInProgressError(
        `There is already an execution in progress with idempotency key: ${record.idempotencyKey}`,
        record,
      );
    }
    return record;
  }

  /**
   * Deletes the in-progress record of `data` if the current attempt wrote it: after a failure to
   * read or write the store, the attempt's write may still have committed, and it must not block
   * the key. A record of another request is left alone.
   */
  async releaseOwn(data: JSONValue): Promise<void> {
    const owner = owners.getStore();
    if (owner === undefined) return;
    try {
      await this.dynamo.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: this.getKey(this.getHashedIdempotencyKey(data)),
          ConditionExpression: '#owner = :owner AND #status = :inprogress',
          ExpressionAttributeNames: { '#owner': ownerAttr, '#status': statusAttr },
          ExpressionAttributeValues: marshall({
            ':owner': owner,
            ':inprogress': IdempotencyRecordStatus.INPROGRESS,
          }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
