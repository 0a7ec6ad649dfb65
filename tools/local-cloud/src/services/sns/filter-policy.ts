/**
 * SNS subscription filter policies, compiled on the EventBridge event-pattern matcher where the
 * two agree (exact strings and numbers, `prefix`, `suffix`, `anything-but`, `numeric`, `exists`,
 * `equals-ignore-case`, `$or`, nested keys), with what SNS does differently around it: attribute
 * values are read by their data type, `wildcard` is not an SNS operator, a policy has at most five
 * keys and 150 combinations, and an attribute policy is flat.
 */
import { compileEventPattern, InvalidEventPatternError } from '../events/event-pattern';
import type { MessageAttributeValue } from './messages';

/** Where a subscription's filter policy looks: the message attributes (the default) or the JSON body. */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** What a filter policy is matched against: one published message. */
export interface FilterableMessage {
  readonly message: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
}

/** A filter policy SNS would refuse at `Subscribe`; the message says why. */
export class InvalidFilterPolicyError extends Error {
  override readonly name = 'InvalidFilterPolicyError';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;
const UNSUPPORTED_OPERATORS = new Set(['wildcard', 'cidr']);

/** The match lists of a policy, with their paths (the leaves, `$or` alternatives expanded). */
function leaves(policy: Record<string, unknown>, path: string): Array<{ path: string; list: unknown[] }> {
  return Object.entries(policy).flatMap(([key, value]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === '$or' && Array.isArray(value))
      return value.flatMap((alternative) => (isRecord(alternative) ? leaves(alternative, path) : []));
    if (Array.isArray(value)) return [{ path: at, list: value }];
    return isRecord(value) ? leaves(value, at) : [];
  });
}

function checkConstraints(policy: Record<string, unknown>, scope: FilterPolicyScope): void {
  if (scope === 'MessageAttributes') {
    const nested = Object.entries(policy).find(([key, value]) => key !== '$or' && isRecord(value));
    if (nested)
      throw new InvalidFilterPolicyError(`${nested[0]}: a MessageAttributes filter policy is not nested`);
  }
  const all = leaves(policy, '');
  const keys = new Set(all.map((leaf) => leaf.path));
  if (keys.size > MAX_KEYS)
    throw new InvalidFilterPolicyError(
      `a filter policy has at most ${MAX_KEYS} keys; this one has ${keys.size}`,
    );
  const combinations = all.reduce((product, leaf) => product * Math.max(1, leaf.list.length), 1);
  if (combinations > MAX_COMBINATIONS)
    throw new InvalidFilterPolicyError(
      `the values of a filter policy combine at most ${MAX_COMBINATIONS} ways; this one ${combinations}`,
    );
  for (const leaf of all)
    for (const entry of leaf.list)
      if (isRecord(entry))
        for (const operator of Object.keys(entry))
          if (UNSUPPORTED_OPERATORS.has(operator))
            throw new InvalidFilterPolicyError(
              `${leaf.path}: ${operator} is not a filter policy operator of the local SNS`,
            );
}

/**
 * An attribute's value as a filter policy sees it: a `String` is a string, a `Number` a number,
 * a `String.Array` its elements; `Binary` attributes are ignored, as SNS ignores them.
 */
function attributeValue(attribute: MessageAttributeValue): unknown {
  const type = attribute.DataType.split('.')[0];
  if (attribute.DataType.startsWith('String.Array')) {
    try {
      const parsed: unknown = JSON.parse(attribute.StringValue ?? '');
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  if (type === 'Number') return Number(attribute.StringValue);
  if (type === 'String') return attribute.StringValue;
  return undefined;
}

function attributesDocument(attributes: FilterableMessage['messageAttributes']): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const value = attributeValue(attribute);
    if (value !== undefined) document[name] = value;
  }
  return document;
}

function bodyDocument(message: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(message);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compiles a subscription's filter policy into a predicate over published messages, as SNS
 * evaluates it: each key of the policy must match (an attribute by name, or a body property by
 * its path), and a key matches when any value of its list does. With the `MessageAttributes`
 * scope a message without attributes matches nothing (not even `"exists": false`); with the
 * `MessageBody` scope a body that is not a JSON object matches nothing. A policy SNS refuses
 * throws {@link InvalidFilterPolicyError}.
 *
 * @example
 * ```ts
 * const matches = compileFilterPolicy({ store: ['example_corp'], price_usd: [{ numeric: ['>=', 100] }] });
 * matches({ message: 'hi', messageAttributes: {
 *   store: { DataType: 'String', StringValue: 'example_corp' },
 *   price_usd: { DataType: 'Number', StringValue: '210.75' },
 * } }); // true
 * ```
 */
export function compileFilterPolicy(
  policy: unknown,
  scope: FilterPolicyScope = 'MessageAttributes',
): (message: FilterableMessage) => boolean {
  if (!isRecord(policy) || Object.keys(policy).length === 0)
    throw new InvalidFilterPolicyError('a filter policy is a non-empty JSON object');
  checkConstraints(policy, scope);
  let matches: (document: unknown) => boolean;
  try {
    matches = compileEventPattern(policy);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) throw new InvalidFilterPolicyError(error.message);
    throw error;
  }
  if (scope === 'MessageBody')
    return ({ message }) => {
      const document = bodyDocument(message);
      return document !== undefined && matches(document);
    };
  return ({ messageAttributes }) =>
    Object.keys(messageAttributes).length > 0 && matches(attributesDocument(messageAttributes));
}
