/**
 * EventBridge event patterns: the content filters of `AWS::Events::Rule` `EventPattern`, matched
 * against an event as EventBridge delivers it (`source`, `detail-type`, `detail`, …).
 */
import { isRecord } from '../../json';

/** An event pattern as a rule declares it (a JSON object, already parsed). */
export type EventPattern = Readonly<Record<string, unknown>>;

/** A pattern the local cloud cannot read; the message names the path of the offending part. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';
}

type Condition = (value: unknown) => boolean;

const numericOperators: Readonly<Record<string, (left: number, right: number) => boolean>> = {
  '=': (left, right) => left === right,
  '<': (left, right) => left < right,
  '<=': (left, right) => left <= right,
  '>': (left, right) => left > right,
  '>=': (left, right) => left >= right,
};

/** `*` matches any run of characters; `\*` and `\\` are literal. */
function wildcardCondition(pattern: string, path: string): Condition {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] ?? '';
    if (char === '\\') {
      const next = pattern[index + 1];
      if (next !== '*' && next !== '\\')
        throw new InvalidEventPatternError(`${path}: wildcard escapes only \\* and \\\\`);
      source += `\\${next}`;
      index += 1;
    } else if (char === '*') {
      if (pattern[index + 1] === '*')
        throw new InvalidEventPatternError(`${path}: wildcard must not contain consecutive *`);
      source += '.*';
    } else source += char.replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
  }
  const compiled = new RegExp(`^${source}$`, 's');
  return (value) => typeof value === 'string' && compiled.test(value);
}

/** `prefix`/`suffix` take a string or `{ "equals-ignore-case": string }`. */
function affixCondition(kind: 'prefix' | 'suffix', operand: unknown, path: string): Condition {
  const ignoreCase = isRecord(operand) && typeof operand['equals-ignore-case'] === 'string';
  const text = ignoreCase ? (operand['equals-ignore-case'] as string) : operand;
  if (typeof text !== 'string') throw new InvalidEventPatternError(`${path}: ${kind} needs a string`);
  const wanted = ignoreCase ? text.toLowerCase() : text;
  return (value) => {
    if (typeof value !== 'string') return false;
    const actual = ignoreCase ? value.toLowerCase() : value;
    return kind === 'prefix' ? actual.startsWith(wanted) : actual.endsWith(wanted);
  };
}

function numericCondition(operand: unknown, path: string): Condition {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new InvalidEventPatternError(`${path}: numeric needs one or two [operator, number] pairs`);
  }
  const checks: Array<(value: number) => boolean> = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator: unknown = operand[index];
    const bound: unknown = operand[index + 1];
    const compare = typeof operator === 'string' ? numericOperators[operator] : undefined;
    if (!compare || typeof bound !== 'number') {
      throw new InvalidEventPatternError(`${path}: numeric has an unknown operator or a non-number bound`);
    }
    checks.push((value) => compare(value, bound));
  }
  return (value) => typeof value === 'number' && checks.every((check) => check(value));
}

/** `anything-but` takes one wildcard or a list of them. */
function anyWildcardCondition(operand: unknown, path: string): Condition {
  const patterns = Array.isArray(operand) ? operand : [operand];
  if (patterns.length === 0 || patterns.some((pattern) => typeof pattern !== 'string'))
    throw new InvalidEventPatternError(`${path}: wildcard needs a string or a list of strings`);
  const conditions = patterns.map((pattern: string) => wildcardCondition(pattern, path));
  return (value) => conditions.some((condition) => condition(value));
}

function anythingButCondition(operand: unknown, path: string): Condition {
  if (isRecord(operand)) {
    const [kind] = Object.keys(operand);
    const inner =
      kind === 'prefix' || kind === 'suffix'
        ? affixCondition(kind, operand[kind], path)
        : kind === 'equals-ignore-case'
          ? ignoreCaseCondition(operand[kind], path)
          : kind === 'wildcard'
            ? anyWildcardCondition(operand[kind], path)
            : undefined;
    if (!inner || Object.keys(operand).length !== 1)
      throw new InvalidEventPatternError(
        `${path}: anything-but takes prefix, suffix, equals-ignore-case or wildcard`,
      );
    return (value) => typeof value === 'string' && !inner(value);
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  if (excluded.some((item) => isRecord(item) || Array.isArray(item))) {
    throw new InvalidEventPatternError(`${path}: anything-but lists only strings, numbers or booleans`);
  }
  return (value) => value !== undefined && !excluded.includes(value);
}

function ignoreCaseCondition(operand: unknown, path: string): Condition {
  const texts = Array.isArray(operand) ? operand : [operand];
  if (texts.some((text) => typeof text !== 'string'))
    throw new InvalidEventPatternError(`${path}: equals-ignore-case needs a string`);
  const wanted = new Set(texts.map((text: string) => text.toLowerCase()));
  return (value) => typeof value === 'string' && wanted.has(value.toLowerCase());
}

/** One entry of a pattern's value list: a literal, or an object naming one operator. */
function conditionOf(entry: unknown, path: string): Condition | { exists: boolean } {
  if (!isRecord(entry)) {
    if (Array.isArray(entry)) throw new InvalidEventPatternError(`${path}: a match list holds no lists`);
    return (value) => value === entry;
  }
  const keys = Object.keys(entry);
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined)
    throw new InvalidEventPatternError(`${path}: a matcher object names exactly one operator`);
  const operand = entry[kind];
  switch (kind) {
    case 'prefix':
    case 'suffix':
      return affixCondition(kind, operand, path);
    case 'anything-but':
      return anythingButCondition(operand, path);
    case 'numeric':
      return numericCondition(operand, path);
    case 'exists':
      if (typeof operand !== 'boolean')
        throw new InvalidEventPatternError(`${path}: exists needs true or false`);
      return { exists: operand };
    case 'equals-ignore-case':
      return ignoreCaseCondition(operand, path);
    case 'wildcard':
      if (typeof operand !== 'string') throw new InvalidEventPatternError(`${path}: wildcard needs a string`);
      return wildcardCondition(operand, path);
    default:
      throw new InvalidEventPatternError(`${path}: unknown operator ${JSON.stringify(kind)}`);
  }
}

type Matcher = (event: unknown) => boolean;

/** A match list (`"source": ["a", {"prefix": "b"}]`) against one field. */
function leafMatcher(list: readonly unknown[], path: string): (value: unknown, present: boolean) => boolean {
  if (list.length === 0) throw new InvalidEventPatternError(`${path}: a match list must not be empty`);
  const conditions: Condition[] = [];
  let exists: boolean | undefined;
  for (const entry of list) {
    const condition = conditionOf(entry, path);
    if (typeof condition === 'function') conditions.push(condition);
    else exists = condition.exists;
  }
  return (value, present) => {
    if (!present || isRecord(value)) return !present && exists === false;
    // `exists` looks at leaf fields only, as EventBridge's does.
    if (exists === true && !isRecord(value)) return true;
    // A field holding a list matches when any of its elements does.
    const values: unknown[] = Array.isArray(value) ? value : [value];
    return values.some((item) => conditions.some((condition) => condition(item)));
  };
}

function objectMatcher(pattern: Readonly<Record<string, unknown>>, path: string): Matcher {
  const fields = Object.entries(pattern).map(([key, expected]): Matcher => {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2 || !expected.every(isRecord))
        throw new InvalidEventPatternError(`${at}: $or needs at least two patterns`);
      const alternatives = expected.map((alternative, index) =>
        objectMatcher(alternative, `${at}[${index}]`),
      );
      return (event) => alternatives.some((alternative) => alternative(event));
    }
    if (Array.isArray(expected)) {
      const leaf = leafMatcher(expected, at);
      return (event) => leaf(isRecord(event) ? event[key] : undefined, isRecord(event) && key in event);
    }
    if (isRecord(expected)) {
      const nested = objectMatcher(expected, at);
      // A list of objects matches when one of them does (every field from that same object).
      return (event) => {
        const value = isRecord(event) ? event[key] : undefined;
        return Array.isArray(value)
          ? value.some((item) => isRecord(item) && nested(item))
          : isRecord(value) && nested(value);
      };
    }
    throw new InvalidEventPatternError(`${at}: a pattern value must be a match list or an object`);
  });
  return (event) => fields.every((field) => field(event));
}

/**
 * Compiles an EventBridge event pattern into a predicate over events, with the documented
 * operators: exact values (strings, numbers, booleans, `null`), `prefix`, `suffix`,
 * `anything-but` (values, `prefix`, `suffix`, `equals-ignore-case`, `wildcard`), `numeric`
 * (`=`, `<`, `<=`, `>`, `>=`, one or two pairs), `exists`, `equals-ignore-case`, `wildcard` and
 * `$or`. Every field of the pattern must match; a field's list matches when any entry does; an
 * event field holding a list matches when any element does (for a nested pattern, when one object
 * of the list matches all of it). An unreadable pattern throws
 * {@link InvalidEventPatternError} naming where. (`cidr` is not supported.)
 *
 * @example
 * ```ts
 * const matches = compileEventPattern({ source: ['slice.orders'], 'detail-type': ['OrderPlaced'] });
 * matches({ source: 'slice.orders', 'detail-type': 'OrderPlaced', detail: {} }); // true
 * ```
 */
export function compileEventPattern(pattern: EventPattern): (event: unknown) => boolean {
  if (!isRecord(pattern) || Object.keys(pattern).length === 0)
    throw new InvalidEventPatternError('the event pattern must be a non-empty object');
  return objectMatcher(pattern, '');
}
