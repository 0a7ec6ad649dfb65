/**
 * The separator between the segments of a key value.
 *
 * @example
 * ```ts
 * key('ORDER', 'o-1').split(keySeparator); // ['ORDER', 'o-1']
 * ```
 */
export const keySeparator = '#';

/** One segment of a key: a string without `#`, or a finite number. */
export type KeyPart = string | number;

const segment = (part: KeyPart, index: number): string => {
  if (typeof part === 'number') {
    if (!Number.isFinite(part)) throw new TypeError(`key: segment ${index} is not a finite number.`);
    return String(part);
  }
  if (typeof part !== 'string') throw new TypeError(`key: segment ${index} must be a string or a number.`);
  if (part === '') throw new TypeError(`key: segment ${index} is empty.`);
  if (part.includes(keySeparator)) {
    throw new TypeError(`key: segment ${index} contains the separator ${keySeparator}.`);
  }
  return part;
};

/**
 * Joins typed segments into a key value: `key('ORDER', id)` is `ORDER#<id>`. A segment that is
 * empty or contains `#` throws, so one key can never be read as another (`ORDER#a#b` is always
 * three segments).
 *
 * Numbers are written as they are; pad them yourself when the key must sort numerically.
 *
 * @example
 * ```ts
 * const item = { pk: key('CUSTOMER', customerId), sk: key('ORDER', createdAt, orderId), ...order };
 * ```
 */
export function key(...parts: readonly KeyPart[]): string {
  if (parts.length === 0) throw new TypeError('key: at least one segment is required.');
  return parts.map(segment).join(keySeparator);
}

/**
 * The prefix of every key that starts with these segments, separator included, for
 * `begins_with(sk, :prefix)`: `keyPrefix('ORDER')` is `ORDER#`, which matches `ORDER#1` and not
 * `ORDERLINE#1`.
 *
 * @example
 * ```ts
 * KeyConditionExpression: 'pk = :pk AND begins_with(sk, :orders)',
 * ExpressionAttributeValues: { ':pk': key('CUSTOMER', customerId), ':orders': keyPrefix('ORDER') },
 * ```
 */
export function keyPrefix(...parts: readonly KeyPart[]): string {
  return `${key(...parts)}${keySeparator}`;
}

/**
 * Splits a key value into its segments. With a prefix, checks the leading segments and returns
 * only the rest. A value that does not parse throws: a stored key in the wrong shape is a bug,
 * not a client error.
 *
 * @example
 * ```ts
 * parseKey('ORDER#2025-01-01#o-1');                 // ['ORDER', '2025-01-01', 'o-1']
 * const [createdAt, orderId] = parseKey(item.sk, 'ORDER'); // ['2025-01-01', 'o-1']
 * ```
 */
export function parseKey(value: string, ...prefix: readonly string[]): string[] {
  if (typeof value !== 'string' || value === '') throw new TypeError('parseKey: the key is empty.');
  const parts = value.split(keySeparator);
  if (parts.includes('')) throw new TypeError(`parseKey: the key ${value} has an empty segment.`);
  prefix.forEach((expected, index) => {
    if (parts[index] !== expected) {
      throw new TypeError(`parseKey: the key ${value} does not start with ${prefix.join(keySeparator)}.`);
    }
  });
  return parts.slice(prefix.length);
}
