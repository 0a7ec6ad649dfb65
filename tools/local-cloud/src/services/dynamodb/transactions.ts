import { createHash } from 'node:crypto';
import { AwsError } from '../../endpoint/errors';
import { isRecord } from '../../json';
import type { DynamoDbCall } from './dynamodb';
import type { AttributeMap, StreamStore } from './streams';
import type { TableLocks } from './table-locks';
import type { WriteJournal } from '../../persistence/state';
import {
  type ItemAction,
  parseTransactItems,
  upstreamError,
  validation,
  writeKinds,
} from './transaction-items';

export { MAX_TRANSACTION_ITEMS } from './transaction-items';

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
  /** Journals each transaction's items before it writes, so that a crash cannot lose its stream records. @default none */
  readonly writes?: WriteJournal;
}

/** `TransactWriteItems` and `TransactGetItems` of the local DynamoDB. */
export interface Transactions {
  /** Answers a `TransactWriteItems` request (`{}`), or throws the {@link AwsError} DynamoDB would. */
  write(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Answers a `TransactGetItems` request (`{ Responses }`), or throws the {@link AwsError} DynamoDB would. */
  get(request: Record<string, unknown>): Promise<Record<string, unknown>>;
}

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

/** What a transaction runs against. */
interface TransactionContext {
  readonly call: DynamoDbCall;
  readonly locks: TableLocks;
  readonly streams: StreamStore;
  readonly log: (text: string) => void;
  readonly writes?: WriteJournal;
}

/** Journals the items of stream-enabled tables a transaction may change, before it writes. */
const journalBegun = (
  context: TransactionContext,
  actions: readonly ItemAction[],
  before: ReadonlyArray<AttributeMap | undefined>,
) =>
  context.writes?.begun(
    actions.flatMap((action, index) => {
      const stream =
        action.kind === 'ConditionCheck' ? undefined : context.streams.forTable(action.tableName);
      return stream
        ? [
            {
              streamArn: stream.streamArn,
              key: action.key,
              before: before[index],
              after: stream.latestSequenceNumber(),
            },
          ]
        : [];
    }),
  );

async function read(
  call: DynamoDbCall,
  action: ItemAction,
  projection = false,
): Promise<AttributeMap | undefined> {
  const answer = await call('GetItem', {
    TableName: action.tableName,
    Key: action.key,
    ConsistentRead: true,
    ...(projection ? pickDefined(action.detail, ['ProjectionExpression', 'ExpressionAttributeNames']) : {}),
  });
  if (!answer.ok) throw upstreamError(answer);
  return isRecord(answer.output.Item) ? answer.output.Item : undefined;
}

/** The dynalite request that applies (or, for a check, only evaluates) one item. */
function applyRequest(
  action: ItemAction,
  before: AttributeMap | undefined,
): [string, Record<string, unknown>] {
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
}

/** What applying the items left: a reason per item, the items applied, their new images, or an error to abort with. */
interface Applied {
  readonly reasons: CancellationReason[];
  readonly applied: number[];
  readonly after: Array<AttributeMap | undefined>;
  readonly abort?: AwsError;
}

/** The item's image after a successful apply. */
function imageAfter(action: ItemAction, output: Record<string, unknown>, before: AttributeMap | undefined) {
  if (action.kind === 'Put') return action.detail.Item as AttributeMap;
  if (action.kind === 'Update') return isRecord(output.Attributes) ? output.Attributes : undefined;
  return action.kind === 'Delete' ? undefined : before;
}

/** Applies every item through dynalite with its own condition, evaluating all of them even after one fails. */
async function applyAll(
  call: DynamoDbCall,
  actions: readonly ItemAction[],
  before: ReadonlyArray<AttributeMap | undefined>,
): Promise<Applied> {
  const result: Applied = { reasons: [], applied: [], after: [] };
  for (const [index, action] of actions.entries()) {
    const [operation, input] = applyRequest(action, before[index]);
    const answer = await call(operation, input);
    if (answer.ok) {
      result.reasons.push({ Code: 'None' });
      if (action.kind !== 'ConditionCheck') result.applied.push(index);
      result.after[index] = imageAfter(action, answer.output, before[index]);
    } else if (answer.name === 'ConditionalCheckFailedException') {
      const old = before[index];
      const returnOld = old && action.detail.ReturnValuesOnConditionCheckFailure === 'ALL_OLD';
      result.reasons.push({
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(returnOld ? { Item: old } : {}),
      });
    } else if (
      answer.name === 'ValidationException' &&
      itemValidationFailures.some((pattern) => pattern.test(answer.message))
    ) {
      result.reasons.push({ Code: 'ValidationError', Message: answer.message });
    } else {
      return { ...result, abort: upstreamError(answer) };
    }
  }
  return result;
}

/** Restores one item from its pre-image (absent before: deleted). */
async function restore(
  call: DynamoDbCall,
  action: ItemAction,
  image: AttributeMap | undefined,
): Promise<void> {
  const answer = image
    ? await call('PutItem', { TableName: action.tableName, Item: image })
    : await call('DeleteItem', { TableName: action.tableName, Key: action.key });
  if (!answer.ok) throw new Error(`${answer.name}: ${answer.message}`);
}

/** Restores the applied items from their pre-images, the last applied first. */
async function rollBack(
  context: TransactionContext,
  actions: readonly ItemAction[],
  before: ReadonlyArray<AttributeMap | undefined>,
  applied: readonly number[],
): Promise<void> {
  for (const index of [...applied].reverse()) {
    const action = actions[index] as ItemAction;
    try {
      await restore(context.call, action, before[index]);
    } catch (error) {
      context.log(
        `TransactWriteItems: rolling back ${action.kind} on ${action.tableName} ${JSON.stringify(action.key)} failed, the transaction is half applied: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw new AwsError(
        500,
        'com.amazonaws.dynamodb.v20120810#InternalServerError',
        'Internal server error',
      );
    }
  }
}

/** Runs the items with every table held `exclusive`: all applied and their stream records appended, or none. */
function execute(context: TransactionContext, actions: readonly ItemAction[]): Promise<void> {
  return context.locks.run(
    actions.map(({ tableName }) => [tableName, 'exclusive'] as const),
    async () => {
      const before: Array<AttributeMap | undefined> = [];
      for (const action of actions) before.push(await read(context.call, action));
      const settled = journalBegun(context, actions, before);
      const { reasons, applied, after, abort } = await applyAll(context.call, actions, before);
      if (abort !== undefined || reasons.some((reason) => reason.Code !== 'None')) {
        await rollBack(context, actions, before, applied);
        settled?.();
        throw abort ?? new TransactionCanceledError(reasons);
      }
      for (const [index, action] of actions.entries()) {
        if (action.kind === 'ConditionCheck') continue;
        context.streams.forTable(action.tableName)?.append({ oldItem: before[index], newItem: after[index] });
      }
      settled?.();
    },
  );
}

/** A client request token: in progress, or succeeded (remembered until `expiresAt`). */
interface TokenEntry {
  readonly hash: string;
  expiresAt: number;
  inProgress: boolean;
}

/** The token's earlier call, checked as DynamoDB checks it; throws for a mismatch or a call in progress. */
function previousCall(
  tokens: Map<string, TokenEntry>,
  token: unknown,
  request: Record<string, unknown>,
  now: number,
): { readonly token: string; readonly hash: string; readonly succeeded: boolean } {
  if (typeof token !== 'string' || token.length < 1 || token.length > 36) {
    throw validation(
      "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36",
    );
  }
  for (const [known, entry] of tokens) if (entry.expiresAt <= now) tokens.delete(known);
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
  return { token, hash, succeeded: previous !== undefined };
}

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
  const context: TransactionContext = { ...options, log: options.log ?? (() => undefined) };
  const now = options.now ?? Date.now;
  const tokens = new Map<string, TokenEntry>();
  return {
    async write(request) {
      const actions = await parseTransactItems(context.call, request, writeKinds);
      if (request.ClientRequestToken === undefined) return execute(context, actions).then(() => ({}));
      const { token, hash, succeeded } = previousCall(tokens, request.ClientRequestToken, request, now());
      // The same request again after it succeeded: success, without applying it again.
      if (succeeded) return {};
      const entry: TokenEntry = { hash, expiresAt: Number.POSITIVE_INFINITY, inProgress: true };
      tokens.set(token, entry);
      try {
        await execute(context, actions);
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
      const actions = await parseTransactItems(context.call, request, ['Get']);
      return context.locks.run(
        actions.map(({ tableName }) => [tableName, 'exclusive'] as const),
        async () => {
          const Responses: Array<{ Item?: AttributeMap }> = [];
          for (const action of actions) {
            const item = await read(context.call, action, true);
            Responses.push(item ? { Item: item } : {});
          }
          return { Responses };
        },
      );
    },
  };
}
