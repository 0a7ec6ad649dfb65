import { createHash } from 'node:crypto';
import type { DynamoDbAnswer, DynamoDbCall } from './dynamodb';
import { AwsError } from '../../endpoint/errors';
import type { AttributeMap, StreamStore } from './streams';
import { tableNameOf } from './streams';
import type { TableLocks } from './table-locks';

/** How many items one transaction may hold (DynamoDB raised it from 25 to 100 in 2022). */
export const MAX_TRANSACTION_ITEMS = 100;

/** How long DynamoDB remembers a `ClientRequestToken` after the call that used it. */
export const CLIENT_REQUEST_TOKEN_TTL_MS = 10 * 60 * 1000;

/** One entry of `CancellationReasons`, in the order of the request's items. */
export interface CancellationReason {
  /** `None` for an item that did not cause the cancellation. */
  readonly Code: 'None' | 'ConditionalCheckFailed' | 'ValidationError';
  readonly Message?: string;
  /** The item as it was, for a failed condition with `ReturnValuesOnConditionCheckFailure: ALL_OLD`. */
  readonly Item?: AttributeMap;
}

/**
 * DynamoDB's `TransactionCanceledException`: the transaction changed nothing; `reasons` has one
 * entry per item of the request, in its order. Its body carries `Message` and
 * `CancellationReasons`, which the SDK exposes on the error it throws.
 *
 * @example
 * ```ts
 * throw new TransactionCanceledError([{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }]);
 * // message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]'
 * ```
 */
export class TransactionCanceledError extends AwsError {
  constructor(readonly reasons: readonly CancellationReason[]) {
    super(
      400,
      'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
    );
  }

  /** AWS writes `Message` (capitalized) for this exception; `message` stays for the base shape (the SDK reads either). */
  override toJSON(): {
    __type: string;
    message: string;
    Message: string;
    CancellationReasons: readonly CancellationReason[];
  } {
    return { ...super.toJSON(), Message: this.message, CancellationReasons: this.reasons };
  }
}

/** What {@link createTransactions} needs from the endpoint. */
export interface TransactionsOptions {
  /** The endpoint's own calls to dynalite. */
  readonly call: DynamoDbCall;
  readonly locks: TableLocks;
  /** The streams to append the committed writes to. */
  readonly streams: StreamStore;
  /** Receives failures to roll back (the data may then be half written). @default discarded */
  readonly log?: (text: string) => void;
  /** The clock, in epoch milliseconds, for client request tokens. @default Date.now */
  readonly now?: () => number;
}

/** `TransactWriteItems` and `TransactGetItems` of the local DynamoDB. */
export interface Transactions {
  /** Answers a `TransactWriteItems` request (`{}`), or throws the {@link AwsError} DynamoDB would. */
  write(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Answers a `TransactGetItems` request (`{ Responses }`), or throws the {@link AwsError} DynamoDB would. */
  get(request: Record<string, unknown>): Promise<Record<string, unknown>>;
}

type WriteKind = 'ConditionCheck' | 'Put' | 'Update' | 'Delete';

interface ItemAction {
  readonly kind: WriteKind | 'Get';
  readonly tableName: string;
  readonly key: AttributeMap;
  readonly detail: Record<string, unknown>;
}

const writeKinds: readonly WriteKind[] = ['ConditionCheck', 'Put', 'Update', 'Delete'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const validation = (message: string) =>
  new AwsError(400, 'com.amazon.coral.validate#ValidationException', message);

const dynamoDbValidation = (message: string) =>
  new AwsError(400, 'com.amazonaws.dynamodb.v20120810#ValidationException', message);

const upstreamError = (answer: Extract<DynamoDbAnswer, { ok: false }>) =>
  new AwsError(answer.status, answer.type, answer.message);

/**
 * Validation failures that depend on the item as stored (a missing operand, a type mismatch, an
 * item grown too big): DynamoDB reports them as a `ValidationError` cancellation reason. Any other
 * validation failure (expression syntax, keys, unused values) is a `ValidationException` of the
 * whole request.
 */
const itemValidationFailures = [
  /refers to an attribute that does not exist in the item/,
  /incorrect data type/,
  /document path provided in the update expression is invalid/,
  /[Ii]tem size .*exceeded/,
  /secondary index key to unsupported type/,
  /Type mismatch/,
];

/** The optional expression fields an item passes on to dynalite. */
const expressionFields = ['ExpressionAttributeNames', 'ExpressionAttributeValues'] as const;

const pickDefined = (source: Record<string, unknown>, names: readonly string[]) =>
  Object.fromEntries(names.filter((name) => source[name] !== undefined).map((name) => [name, source[name]]));

/**
 * Creates the transactions of the local DynamoDB (dynalite has none).
 *
 * A `TransactWriteItems` validates the request as DynamoDB does (1 to 100 items, one action per
 * item, no two actions on one item), then holds every table it names `exclusive`, reads each
 * item's current state (its pre-image), and applies the items one by one through dynalite with
 * their own conditions, so dynalite evaluates every expression. When an item fails, the others
 * are still evaluated (the answer names a reason for each), then the applied items are restored
 * from their pre-images before the locks are released: no other request ever sees the partial
 * state. On success the committed writes append their stream records, in request order.
 * `ClientRequestToken`s are remembered for 10 minutes after a successful call; a call repeating a
 * token whose first call is still running answers `TransactionInProgressException`, as DynamoDB.
 *
 * A `TransactGetItems` reads every item with its tables held `exclusive`: a consistent snapshot.
 *
 * @example
 * ```ts
 * const transactions = createTransactions({ call, locks, streams });
 * await transactions.write({ TransactItems: [{ Put: { TableName: 'orders', Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }] });
 * ```
 */
export function createTransactions(options: TransactionsOptions): Transactions {
  const { call, locks, streams } = options;
  const log = options.log ?? (() => undefined);
  const now = options.now ?? Date.now;
  /** Client request tokens: in progress, or succeeded (remembered until `expiresAt`). */
  const tokens = new Map<string, { hash: string; expiresAt: number; inProgress: boolean }>();

  const keyAttributes = async (tableName: string): Promise<readonly string[]> => {
    const answer = await call('DescribeTable', { TableName: tableName });
    if (!answer.ok) throw upstreamError(answer);
    const table = isRecord(answer.output.Table) ? answer.output.Table : {};
    const schema = Array.isArray(table.KeySchema) ? (table.KeySchema as unknown[]) : [];
    return schema
      .filter(isRecord)
      .sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
      .flatMap((key) => (typeof key.AttributeName === 'string' ? [key.AttributeName] : []));
  };

  /** Parses and validates the items, resolving each one's key; throws what DynamoDB would. */
  const parse = async (request: Record<string, unknown>, kinds: readonly string[]): Promise<ItemAction[]> => {
    const items = request.TransactItems;
    if (!Array.isArray(items)) {
      throw validation(
        "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
      );
    }
    if (items.length < 1 || items.length > MAX_TRANSACTION_ITEMS) {
      throw validation(
        `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${items.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_TRANSACTION_ITEMS}`}`,
      );
    }
    const schemas = new Map<string, Promise<readonly string[]>>();
    const seen = new Set<string>();
    const actions: ItemAction[] = [];
    for (const [index, item] of items.entries()) {
      const present = isRecord(item) ? kinds.filter((kind) => item[kind] !== undefined) : [];
      if (present.length !== 1 || !isRecord(item)) {
        throw validation(
          kinds.length === 1
            ? `1 validation error detected: Value null at 'transactItems.${index + 1}.member.get' failed to satisfy constraint: Member must not be null`
            : 'TransactItems can only contain one of Check, Put, Update or Delete',
        );
      }
      const kind = present[0] as ItemAction['kind'];
      const detail = item[kind];
      if (!isRecord(detail) || typeof detail.TableName !== 'string' || detail.TableName.length === 0) {
        throw validation(
          `1 validation error detected: Value null at 'transactItems.${index + 1}.member.${kind === 'ConditionCheck' ? 'conditionCheck' : kind.toLowerCase()}.tableName' failed to satisfy constraint: Member must not be null`,
        );
      }
      if (kind === 'Update' && typeof detail.UpdateExpression !== 'string') {
        throw validation(
          `1 validation error detected: Value null at 'transactItems.${index + 1}.member.update.updateExpression' failed to satisfy constraint: Member must not be null`,
        );
      }
      if (kind === 'ConditionCheck' && typeof detail.ConditionExpression !== 'string') {
        throw validation(
          `1 validation error detected: Value null at 'transactItems.${index + 1}.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null`,
        );
      }
      const tableName = tableNameOf(detail.TableName);
      let schema = schemas.get(tableName);
      if (!schema) {
        schema = keyAttributes(tableName);
        schemas.set(tableName, schema);
      }
      const names = await schema;
      const source = kind === 'Put' ? detail.Item : detail.Key;
      if (!isRecord(source)) {
        throw validation(
          `1 validation error detected: Value null at 'transactItems.${index + 1}.member.${kind === 'ConditionCheck' ? 'conditionCheck' : kind.toLowerCase()}.${kind === 'Put' ? 'item' : 'key'}' failed to satisfy constraint: Member must not be null`,
        );
      }
      const missing = names.find((name) => source[name] === undefined);
      // A key names exactly the key attributes; an item may hold more.
      const extra = kind !== 'Put' && Object.keys(source).some((name) => !names.includes(name));
      if (missing !== undefined || extra) {
        throw dynamoDbValidation(
          kind === 'Put'
            ? `One or more parameter values were invalid: Missing the key ${missing ?? ''} in the item`
            : 'The provided key element does not match the schema',
        );
      }
      const key = Object.fromEntries(names.map((name) => [name, source[name]]));
      const id = `${tableName}\u0000${JSON.stringify(names.map((name) => source[name]))}`;
      if (seen.has(id)) {
        throw dynamoDbValidation('Transaction request cannot include multiple operations on one item');
      }
      seen.add(id);
      actions.push({ kind, tableName, key, detail: { ...detail, TableName: tableName } });
    }
    return actions;
  };

  const read = async (action: ItemAction, projection = false): Promise<AttributeMap | undefined> => {
    const answer = await call('GetItem', {
      TableName: action.tableName,
      Key: action.key,
      ConsistentRead: true,
      ...(projection ? pickDefined(action.detail, ['ProjectionExpression', 'ExpressionAttributeNames']) : {}),
    });
    if (!answer.ok) throw upstreamError(answer);
    return isRecord(answer.output.Item) ? answer.output.Item : undefined;
  };

  /** The dynalite request that applies (or, for a check, only evaluates) one item. */
  const applyRequest = (
    action: ItemAction,
    before: AttributeMap | undefined,
  ): [string, Record<string, unknown>] => {
    const { detail, tableName, key } = action;
    const condition = pickDefined(detail, ['ConditionExpression', ...expressionFields]);
    switch (action.kind) {
      case 'Put':
        return ['PutItem', { TableName: tableName, Item: detail.Item, ...condition }];
      case 'Update':
        return [
          'UpdateItem',
          {
            TableName: tableName,
            Key: key,
            UpdateExpression: detail.UpdateExpression,
            ReturnValues: 'ALL_NEW',
            ...condition,
          },
        ];
      case 'Delete':
        return ['DeleteItem', { TableName: tableName, Key: key, ...condition }];
      default:
        // A check changes nothing: write the item back as it is (or delete the absent item) under the condition.
        return before
          ? ['PutItem', { TableName: tableName, Item: before, ...condition }]
          : ['DeleteItem', { TableName: tableName, Key: key, ...condition }];
    }
  };

  const restore = async (action: ItemAction, before: AttributeMap | undefined) => {
    const answer = before
      ? await call('PutItem', { TableName: action.tableName, Item: before })
      : await call('DeleteItem', { TableName: action.tableName, Key: action.key });
    if (!answer.ok) throw new Error(`${answer.name}: ${answer.message}`);
  };

  const execute = async (actions: readonly ItemAction[]): Promise<void> => {
    await locks.run(
      actions.map(({ tableName }) => [tableName, 'exclusive'] as const),
      async () => {
        const before: Array<AttributeMap | undefined> = [];
        for (const action of actions) before.push(await read(action));
        const reasons: CancellationReason[] = [];
        const applied: number[] = [];
        const after: Array<AttributeMap | undefined> = [];
        let abort: AwsError | undefined;
        for (const [index, action] of actions.entries()) {
          const [operation, input] = applyRequest(action, before[index]);
          const answer = await call(operation, input);
          if (answer.ok) {
            reasons.push({ Code: 'None' });
            if (action.kind !== 'ConditionCheck') applied.push(index);
            after[index] =
              action.kind === 'Put'
                ? (action.detail.Item as AttributeMap)
                : action.kind === 'Update' && isRecord(answer.output.Attributes)
                  ? answer.output.Attributes
                  : action.kind === 'Delete'
                    ? undefined
                    : before[index];
          } else if (answer.name === 'ConditionalCheckFailedException') {
            const old = before[index];
            reasons.push({
              Code: 'ConditionalCheckFailed',
              Message: 'The conditional request failed',
              ...(old && action.detail.ReturnValuesOnConditionCheckFailure === 'ALL_OLD'
                ? { Item: old }
                : {}),
            });
          } else if (
            answer.name === 'ValidationException' &&
            itemValidationFailures.some((pattern) => pattern.test(answer.message))
          ) {
            reasons.push({ Code: 'ValidationError', Message: answer.message });
          } else {
            abort = upstreamError(answer);
            break;
          }
        }
        const failed = abort !== undefined || reasons.some((reason) => reason.Code !== 'None');
        if (failed) {
          for (const index of applied.reverse()) {
            const action = actions[index] as ItemAction;
            try {
              await restore(action, before[index]);
            } catch (error) {
              log(
                `TransactWriteItems: rolling back ${action.kind} on ${action.tableName} ${JSON.stringify(action.key)} failed, the transaction is half applied: ${error instanceof Error ? error.message : String(error)}`,
              );
              throw new AwsError(
                500,
                'com.amazonaws.dynamodb.v20120810#InternalServerError',
                'Internal server error',
              );
            }
          }
          throw abort ?? new TransactionCanceledError(reasons);
        }
        for (const [index, action] of actions.entries()) {
          if (action.kind === 'ConditionCheck') continue;
          streams.forTable(action.tableName)?.append({ oldItem: before[index], newItem: after[index] });
        }
      },
    );
  };

  return {
    async write(request) {
      const actions = await parse(request, writeKinds);
      const token = request.ClientRequestToken;
      if (token === undefined) return execute(actions).then(() => ({}));
      if (typeof token !== 'string' || token.length < 1 || token.length > 36) {
        throw validation(
          "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36",
        );
      }
      for (const [known, entry] of tokens) if (entry.expiresAt <= now()) tokens.delete(known);
      // Every parameter but the token itself takes part: a change in any is a different request.
      const { ClientRequestToken: _token, ...parameters } = request;
      const hash = createHash('sha256').update(JSON.stringify(parameters)).digest('hex');
      const previous = tokens.get(token);
      if (previous && previous.hash !== hash) {
        throw new AwsError(
          400,
          'com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException',
          'The request uses the same client token as a previous, but non-identical request.',
        );
      }
      if (previous?.inProgress) {
        // As DynamoDB: the caller retries, and hears the outcome once the first call is done.
        throw new AwsError(
          400,
          'com.amazonaws.dynamodb.v20120810#TransactionInProgressException',
          'The transaction with the given request token is already in progress.',
        );
      }
      // The same request again after it succeeded: success, without applying it again.
      if (previous) return {};
      const entry = { hash, expiresAt: Number.POSITIVE_INFINITY, inProgress: true };
      tokens.set(token, entry);
      try {
        await execute(actions);
        entry.inProgress = false;
        entry.expiresAt = now() + CLIENT_REQUEST_TOKEN_TTL_MS;
        return {};
      } catch (error) {
        // A cancelled transaction applied nothing: the same token may try again.
        tokens.delete(token);
        throw error;
      }
    },

    async get(request) {
      const actions = await parse(request, ['Get']);
      return locks.run(
        actions.map(({ tableName }) => [tableName, 'exclusive'] as const),
        async () => {
          const Responses: Array<{ Item?: AttributeMap }> = [];
          for (const action of actions) {
            const item = await read(action, true);
            Responses.push(item ? { Item: item } : {});
          }
          return { Responses };
        },
      );
    },
  };
}
