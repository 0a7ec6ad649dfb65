import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '@slice/contract';
import { cursorField, type CursorKey } from './cursor';
import { mapErrors } from './errors';
import { codecOf, type CursorCodecSource } from './secret-cursor';

/** The page a caller asked for, and how to check its cursor. */
export interface PageRequest {
  /** Items to read, 1 to 1000 (DynamoDB's `Limit`: counted before any `FilterExpression`). */
  readonly limit: number;
  /** The cursor from the previous page, as the client sent it. */
  readonly cursor?: string;
  /** The codec, or the source of one whose key is read at cold start ({@link secretCursorCodec}). */
  readonly codec: CursorCodecSource;
  /** What the cursor is bound to: the query and the caller, such as `orders:customer#alice`. */
  readonly scope: string;
  /**
   * The attribute names of a `LastEvaluatedKey` of this query: the table's key for a table query
   * (`['pk', 'sk']`), the table's and the index's keys for an index query
   * (`['pk', 'sk', 'gsi1pk', 'gsi1sk']`). A cursor with any other attributes is rejected.
   */
  readonly keyAttributes: readonly string[];
}

/** One page of items and the cursor of the next, absent on the last page. */
export interface Page<T = Record<string, unknown>> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/**
 * The most items one page may ask for; a contract's `limit` query parameter should stay within it.
 *
 * @example
 * ```ts
 * const limit = Math.min(query.limit ?? 20, maxPageLimit);
 * ```
 */
export const maxPageLimit = 1000;

const sameAttributes = (key: CursorKey, names: readonly string[]): boolean => {
  const attributes = Object.keys(key);
  return attributes.length === names.length && names.every((name) => Object.hasOwn(key, name));
};

/**
 * Reads one page of a query: sets `Limit` and `ExclusiveStartKey` from the cursor, and returns the
 * items and the next cursor. A cursor that was tampered with, belongs to another scope, or does not
 * carry exactly `keyAttributes` is a {@link ValidationError} on `query.cursor` before anything is
 * sent. DynamoDB failures go through {@link toServiceError}. Queries only: there is no scan.
 *
 * The page that ends the results may be empty when the item count is a multiple of `limit`
 * (DynamoDB returns a `LastEvaluatedKey` whenever it stopped at `Limit`).
 *
 * @example
 * ```ts
 * const page = await queryPage(
 *   client,
 *   {
 *     TableName: tableName,
 *     KeyConditionExpression: 'pk = :pk AND begins_with(sk, :order)',
 *     ExpressionAttributeValues: { ':pk': key('CUSTOMER', customerId), ':order': keyPrefix('ORDER') },
 *     ScanIndexForward: false,
 *   },
 *   { limit: query.limit, cursor: query.cursor, codec: cursors, scope: `orders:customer#${customerId}`, keyAttributes: ['pk', 'sk'] },
 * );
 * return { items: page.items.map(toOrder), nextCursor: page.nextCursor };
 * ```
 */
export async function queryPage(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  page: PageRequest,
): Promise<Page> {
  const { limit, cursor, scope, keyAttributes } = page;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageLimit) {
    throw new RangeError(`queryPage: limit must be an integer from 1 to ${maxPageLimit}, got ${limit}.`);
  }
  if (keyAttributes.length === 0 || new Set(keyAttributes).size !== keyAttributes.length) {
    throw new TypeError('queryPage: keyAttributes must name each key attribute once.');
  }
  const codec = await codecOf(page.codec);
  let startKey: CursorKey | undefined;
  if (cursor !== undefined) {
    startKey = codec.decode(cursor, scope);
    if (!sameAttributes(startKey, keyAttributes)) {
      throw new ValidationError([
        { path: cursorField, message: 'The cursor does not belong to this query.' },
      ]);
    }
  }
  const output = await mapErrors(() =>
    client.send(new QueryCommand({ ...input, Limit: limit, ExclusiveStartKey: startKey })),
  );
  const last = output.LastEvaluatedKey;
  return {
    items: output.Items ?? [],
    ...(last && Object.keys(last).length > 0 ? { nextCursor: codec.encode(last, scope) } : {}),
  };
}
