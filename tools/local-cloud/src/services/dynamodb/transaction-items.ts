import { AwsError } from '../../endpoint/errors';
import { isRecord } from '../../json';
import type { DynamoDbAnswer, DynamoDbCall } from './dynamodb';
import { type AttributeMap, tableNameOf } from './streams';

/** How many items one transaction may hold (DynamoDB raised it from 25 to 100 in 2022). */
export const MAX_TRANSACTION_ITEMS = 100;

/** The kinds of item of a `TransactWriteItems`. */
export type WriteKind = 'ConditionCheck' | 'Put' | 'Update' | 'Delete';

/** One item of a transaction, validated, with its key resolved. */
export interface ItemAction {
  readonly kind: WriteKind | 'Get';
  readonly tableName: string;
  readonly key: AttributeMap;
  readonly detail: Record<string, unknown>;
}

export const writeKinds: readonly WriteKind[] = ['ConditionCheck', 'Put', 'Update', 'Delete'];

/** A request-level validation error, as DynamoDB's front end writes it. */
export const validation = (message: string) =>
  new AwsError(400, 'com.amazon.coral.validate#ValidationException', message);

const dynamoDbValidation = (message: string) =>
  new AwsError(400, 'com.amazonaws.dynamodb.v20120810#ValidationException', message);

/** An error dynalite answered, passed on as it came. */
export const upstreamError = (answer: Extract<DynamoDbAnswer, { ok: false }>) =>
  new AwsError(answer.status, answer.type, answer.message);

const notNull = (path: string) =>
  validation(
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
  );

/** The member name DynamoDB uses in its messages for an item kind. */
const memberOf = (kind: ItemAction['kind']) =>
  kind === 'ConditionCheck' ? 'conditionCheck' : kind.toLowerCase();

async function keyAttributes(call: DynamoDbCall, tableName: string): Promise<readonly string[]> {
  const answer = await call('DescribeTable', { TableName: tableName });
  if (!answer.ok) throw upstreamError(answer);
  const table = isRecord(answer.output.Table) ? answer.output.Table : {};
  const schema = Array.isArray(table.KeySchema) ? (table.KeySchema as unknown[]) : [];
  return schema
    .filter(isRecord)
    .sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
    .flatMap((key) => (typeof key.AttributeName === 'string' ? [key.AttributeName] : []));
}

/** The one action of an item, with its required fields present; throws what DynamoDB would. */
function actionOf(item: unknown, index: number, kinds: readonly string[]) {
  const present = isRecord(item) ? kinds.filter((kind) => item[kind] !== undefined) : [];
  if (present.length !== 1 || !isRecord(item)) {
    throw kinds.length === 1
      ? notNull(`transactItems.${index + 1}.member.get`)
      : validation('TransactItems can only contain one of Check, Put, Update or Delete');
  }
  const kind = present[0] as ItemAction['kind'];
  const detail = item[kind];
  const member = `transactItems.${index + 1}.member.${memberOf(kind)}`;
  if (!isRecord(detail) || typeof detail.TableName !== 'string' || detail.TableName.length === 0)
    throw notNull(`${member}.tableName`);
  if (kind === 'Update' && typeof detail.UpdateExpression !== 'string')
    throw notNull(`${member}.updateExpression`);
  if (kind === 'ConditionCheck' && typeof detail.ConditionExpression !== 'string')
    throw notNull(`${member}.conditionExpression`);
  const source = kind === 'Put' ? detail.Item : detail.Key;
  if (!isRecord(source)) throw notNull(`${member}.${kind === 'Put' ? 'item' : 'key'}`);
  return { kind, detail, tableName: tableNameOf(detail.TableName), source };
}

/** The item's key from its key (or, for a `Put`, its item), checked against the table's key schema. */
function keyOf(
  kind: ItemAction['kind'],
  source: Record<string, unknown>,
  names: readonly string[],
): AttributeMap {
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
  return Object.fromEntries(names.map((name) => [name, source[name]]));
}

/**
 * Parses and validates the items of a `TransactWriteItems` or `TransactGetItems` as DynamoDB does
 * (1 to 100 items, one action per item, its required fields, keys that match the table's schema,
 * no two actions on one item), resolving each one's key; throws the error DynamoDB would.
 *
 * @example
 * ```ts
 * const actions = await parseTransactItems(call, request, writeKinds);
 * actions[0]?.key; // { pk: { S: 'ORDER#1' } }
 * ```
 */
export async function parseTransactItems(
  call: DynamoDbCall,
  request: Record<string, unknown>,
  kinds: readonly string[],
): Promise<ItemAction[]> {
  const items = request.TransactItems;
  if (!Array.isArray(items)) throw notNull('transactItems');
  if (items.length < 1 || items.length > MAX_TRANSACTION_ITEMS) {
    throw validation(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${items.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_TRANSACTION_ITEMS}`}`,
    );
  }
  const schemas = new Map<string, Promise<readonly string[]>>();
  const seen = new Set<string>();
  const actions: ItemAction[] = [];
  for (const [index, item] of items.entries()) {
    const { kind, detail, tableName, source } = actionOf(item, index, kinds);
    let schema = schemas.get(tableName);
    if (!schema) {
      schema = keyAttributes(call, tableName);
      schemas.set(tableName, schema);
    }
    const names = await schema;
    const key = keyOf(kind, source, names);
    const id = `${tableName}\u0000${JSON.stringify(names.map((name) => source[name]))}`;
    if (seen.has(id))
      throw dynamoDbValidation('Transaction request cannot include multiple operations on one item');
    seen.add(id);
    actions.push({ kind, tableName, key, detail: { ...detail, TableName: tableName } });
  }
  return actions;
}
