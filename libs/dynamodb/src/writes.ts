import {
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '@slice/contract';
import { mapErrors } from './errors';

/**
 * The attribute that carries an item's version for optimistic locking.
 *
 * @example
 * ```ts
 * const item = { pk, sk, ...order, [versionAttribute]: 1 };
 * ```
 */
export const versionAttribute = 'version';

/** The expression parts of an update, ready to spread into an `UpdateCommand`. */
export interface UpdateParts {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  /** Absent when the update only removes attributes (DynamoDB rejects an empty map). */
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/** Options of {@link buildUpdate}. */
export interface BuildUpdateOptions {
  /**
   * Attributes to remove from the item (an optional field the caller cleared). Each must be in
   * `allowed` and must not also be in `changes`.
   * @default []
   */
  readonly remove?: readonly string[];
}

interface Clauses {
  readonly set: string[];
  readonly remove: string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

function clausesOf(
  where: string,
  changes: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
  remove: readonly string[],
): Clauses {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    throw new TypeError(`${where}: changes must be an object of attribute values.`);
  }
  const permitted = new Set(allowed);
  const refuse = (name: string): never => {
    throw new Error(`${where}: ${name} may not be updated; allowed: ${[...permitted].join(', ') || 'none'}.`);
  };
  const clauses: Clauses = { set: [], remove: [], names: {}, values: {} };
  let index = 0;
  for (const [name, value] of Object.entries(changes)) {
    if (!permitted.has(name)) refuse(name);
    // An undefined value is "not changed", as the marshaller would drop it anyway.
    if (value === undefined) continue;
    if (remove.includes(name)) throw new Error(`${where}: ${name} is both changed and removed.`);
    clauses.names[`#u${index}`] = name;
    clauses.values[`:u${index}`] = value;
    clauses.set.push(`#u${index} = :u${index}`);
    index += 1;
  }
  for (const name of new Set(remove)) {
    if (!permitted.has(name)) refuse(name);
    clauses.names[`#u${index}`] = name;
    clauses.remove.push(`#u${index}`);
    index += 1;
  }
  return clauses;
}

const expressionOf = ({ set, remove }: Pick<Clauses, 'set' | 'remove'>): string =>
  [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');

/**
 * Builds an update expression from the fields of `changes` that the domain allows to change, with
 * a placeholder for every name and value. A field outside `allowed` throws: callers pass parsed
 * domain objects, so an unexpected field is a bug, never something to write (no mass assignment).
 * Fields whose value is `undefined` are left unchanged.
 *
 * @example
 * ```ts
 * buildUpdate({ note: 'ring twice', status: 'CANCELLED' }, ['note', 'status']);
 * // {
 * //   UpdateExpression: 'SET #u0 = :u0, #u1 = :u1',
 * //   ExpressionAttributeNames: { '#u0': 'note', '#u1': 'status' },
 * //   ExpressionAttributeValues: { ':u0': 'ring twice', ':u1': 'CANCELLED' },
 * // }
 * buildUpdate({ pk: 'CUSTOMER#mallory' }, ['note']); // throws
 * ```
 */
export function buildUpdate(
  changes: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
  options: BuildUpdateOptions = {},
): UpdateParts {
  const clauses = clausesOf('buildUpdate', changes, allowed, options.remove ?? []);
  if (clauses.set.length === 0 && clauses.remove.length === 0) {
    throw new Error('buildUpdate: there is nothing to update.');
  }
  return {
    UpdateExpression: expressionOf(clauses),
    ExpressionAttributeNames: clauses.names,
    ...(clauses.set.length ? { ExpressionAttributeValues: clauses.values } : {}),
  };
}

/** What {@link updateVersioned} changes, on which item, at which version. */
export interface VersionedUpdate {
  readonly TableName: string;
  /** The item's full primary key. */
  readonly Key: Readonly<Record<string, unknown>>;
  /** The `version` the caller read; the update applies only if the item still has it. */
  readonly expectedVersion: number;
  /** The new values, by attribute name; `undefined` values are left unchanged. */
  readonly changes: Readonly<Record<string, unknown>>;
  /**
   * The attributes the domain lets this operation change. Key attributes and `version` may never
   * be listed.
   */
  readonly allowed: readonly string[];
  /**
   * Attributes to remove (each also in `allowed`).
   * @default []
   */
  readonly remove?: readonly string[];
  /**
   * The table's partition key attribute, checked with `attribute_exists`.
   * @default 'pk'
   */
  readonly partitionKey?: string;
}

/**
 * Updates an item with optimistic locking: applies the allowed `changes`, raises `version` by one,
 * and succeeds only if the item exists and still has `expectedVersion`. Two writers that read the
 * same version cannot both win: the second gets a {@link ConflictError} (409) and no update is
 * lost. Returns the item as stored after the update.
 *
 * Throttling, 5xx and timeouts become a 503 (see {@link toServiceError}).
 *
 * @example
 * ```ts
 * const item = await updateVersioned(client, {
 *   TableName: tableName,
 *   Key: { pk: key('ORDER', orderId), sk: 'ORDER' },
 *   expectedVersion: order.version,
 *   changes: { status: 'CANCELLED', cancelledAt: now },
 *   allowed: ['status', 'cancelledAt', 'note'],
 * });
 * item.version; // order.version + 1
 * ```
 */
export async function updateVersioned(
  client: DynamoDBDocumentClient,
  update: VersionedUpdate,
): Promise<Record<string, unknown>> {
  const { TableName, Key, expectedVersion, changes, allowed, remove = [], partitionKey = 'pk' } = update;
  const where = 'updateVersioned';
  if (!Object.hasOwn(Key, partitionKey)) {
    throw new TypeError(`${where}: Key has no partition key attribute ${partitionKey}.`);
  }
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new TypeError(`${where}: expectedVersion must be a non-negative integer.`);
  }
  const reserved = new Set([...Object.keys(Key), partitionKey, versionAttribute]);
  const misplaced = allowed.filter((name) => reserved.has(name));
  if (misplaced.length) throw new Error(`${where}: ${misplaced.join(', ')} may never be updated.`);

  const clauses = clausesOf(where, changes, allowed, remove);
  const output = await mapErrors(() =>
    client.send(
      new UpdateCommand({
        TableName,
        Key,
        UpdateExpression: expressionOf({
          set: [...clauses.set, '#version = :nextVersion'],
          remove: clauses.remove,
        }),
        ConditionExpression: 'attribute_exists(#pk) AND #version = :expectedVersion',
        ExpressionAttributeNames: { ...clauses.names, '#pk': partitionKey, '#version': versionAttribute },
        ExpressionAttributeValues: {
          ...clauses.values,
          ':expectedVersion': expectedVersion,
          ':nextVersion': expectedVersion + 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return output.Attributes ?? {};
}

/** The input of {@link putNew}: a put without a condition of its own. */
export type NewItemPut = Omit<PutCommandInput, 'ConditionExpression'> & {
  /**
   * The table's partition key attribute, checked with `attribute_not_exists`.
   * @default 'pk'
   */
  readonly partitionKey?: string;
};

/** The 409 message when {@link putNew} finds the item already there. */
const alreadyExistsMessage = 'The item already exists.';

/**
 * Writes an item only if no item with its key exists; otherwise throws a {@link ConflictError}
 * (409) and leaves the stored item as it was. New items should carry `version: 1` so that
 * {@link updateVersioned} can lock them.
 *
 * @example
 * ```ts
 * await putNew(client, {
 *   TableName: tableName,
 *   Item: { pk: key('ORDER', order.id), sk: 'ORDER', ...order, version: 1 },
 * });
 * ```
 */
export async function putNew(client: DynamoDBDocumentClient, input: NewItemPut): Promise<void> {
  const { partitionKey = 'pk', ...put } = input;
  if ('ConditionExpression' in put) {
    throw new TypeError('putNew: the input must not carry a ConditionExpression of its own.');
  }
  if (!put.Item || !Object.hasOwn(put.Item, partitionKey)) {
    throw new TypeError(`putNew: Item has no partition key attribute ${partitionKey}.`);
  }
  try {
    await mapErrors(() =>
      client.send(
        new PutCommand({
          ...put,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { ...put.ExpressionAttributeNames, '#pk': partitionKey },
        }),
      ),
    );
  } catch (error) {
    if (error instanceof ConflictError) throw new ConflictError(alreadyExistsMessage, { cause: error.cause });
    throw error;
  }
}
