import { createHash, randomInt, randomUUID } from 'node:crypto';
import { StatesError, StatesErrors } from '../errors';
import { type Json, isRecord, jsonEquals } from '../json';
import { type PathScope, readPath } from './jsonpath';

/** One argument of an intrinsic function call, as parsed. */
type Argument =
  | { readonly kind: 'literal'; readonly value: Json }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Argument[] };

/** True for a value a JSONPath field evaluates as an intrinsic function (`States.Format(...)`). */
export const isIntrinsic = (text: string): boolean => /^States\.[A-Za-z0-9]+\(/.test(text.trim());

/**
 * Evaluates an intrinsic function call of the States Language (`States.Format('{}', $.id)`),
 * with its arguments read from the scope. A failure is `States.IntrinsicFailure`.
 */
export const evaluateIntrinsic = (text: string, scope: PathScope): Json => {
  const parser = new Parser(text.trim());
  const call = parser.call();
  parser.end();
  return run(call, scope);
};

const run = (argument: Argument, scope: PathScope): Json => {
  if (argument.kind === 'literal') return argument.value;
  if (argument.kind === 'path') return readPath(argument.path, scope);
  return callIntrinsic(
    argument.name,
    argument.args.map((arg) => run(arg, scope)),
  );
};

const failure = (message: string) => new StatesError(StatesErrors.IntrinsicFailure, message);

/**
 * Calls one intrinsic function with evaluated arguments (`'States.ArrayRange', [1, 9, 2]`): how
 * the JSONata functions Step Functions adds (`$range`, `$partition`, `$hash`) reuse them.
 */
export const callIntrinsic = (name: string, args: readonly Json[]): Json => {
  const implementation = FUNCTIONS[name];
  if (!implementation) throw failure(`The intrinsic function ${name} is not supported.`);
  return implementation(args);
};

class Parser {
  private position = 0;
  constructor(private readonly text: string) {}

  call(): Argument {
    const name = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.position))?.[0];
    if (!name) throw failure(`Expected an intrinsic function at ${this.position} in '${this.text}'.`);
    this.position += name.length;
    this.expect('(');
    const args: Argument[] = [];
    this.skipSpace();
    while (this.peek() !== ')') {
      args.push(this.argument());
      this.skipSpace();
      if (this.peek() === ',') this.position++;
      else if (this.peek() !== ')')
        throw failure(`Expected ',' or ')' at ${this.position} in '${this.text}'.`);
      this.skipSpace();
    }
    this.position++;
    return { kind: 'call', name, args };
  }

  end(): void {
    this.skipSpace();
    if (this.position !== this.text.length)
      throw failure(`Unexpected text after the call in '${this.text}'.`);
  }

  private argument(): Argument {
    const rest = this.text.slice(this.position);
    if (rest.startsWith("'")) return { kind: 'literal', value: this.string() };
    if (rest.startsWith('States.')) return this.call();
    const token = /^[^,)\s]+/.exec(rest)?.[0] ?? '';
    this.position += token.length;
    if (token.startsWith('$')) return { kind: 'path', path: this.pathWithBrackets(token) };
    if (token === 'null') return { kind: 'literal', value: null };
    if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
    const number = Number(token);
    if (token === '' || Number.isNaN(number))
      throw failure(`Unexpected argument '${token}' in '${this.text}'.`);
    return { kind: 'literal', value: number };
  }

  /** A path may hold `[...]` with commas or parentheses (`$.a[?(@.b > 1)]`): read to its end. */
  private pathWithBrackets(token: string): string {
    let path = token;
    let depth = [...token].reduce((sum, c) => sum + (c === '[' ? 1 : c === ']' ? -1 : 0), 0);
    while (depth > 0 && this.position < this.text.length) {
      const c = this.text[this.position++] as string;
      depth += c === '[' ? 1 : c === ']' ? -1 : 0;
      path += c;
    }
    return path;
  }

  private string(): string {
    let value = '';
    this.position++;
    while (this.position < this.text.length) {
      const c = this.text[this.position++] as string;
      if (c === '\\') {
        // \' and \\ are literal here; \{ and \} stay escaped for States.Format to read.
        const escaped = this.text[this.position++] ?? '';
        value += escaped === '{' || escaped === '}' ? `\\${escaped}` : escaped;
      } else if (c === "'") return value;
      else value += c;
    }
    throw failure(`Unterminated string in '${this.text}'.`);
  }

  private expect(c: string): void {
    if (this.text[this.position] !== c)
      throw failure(`Expected '${c}' at ${this.position} in '${this.text}'.`);
    this.position++;
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.position] ?? '')) this.position++;
  }
}

const string = (value: Json, name: string): string => {
  if (typeof value !== 'string') throw failure(`${name} expects a string, got ${JSON.stringify(value)}.`);
  return value;
};
const integer = (value: Json, name: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw failure(`${name} expects an integer, got ${JSON.stringify(value)}.`);
  }
  return value;
};
const array = (value: Json, name: string): Json[] => {
  if (!Array.isArray(value)) throw failure(`${name} expects an array, got ${JSON.stringify(value)}.`);
  return value;
};
const arity = (args: readonly Json[], counts: readonly number[], name: string): void => {
  if (!counts.includes(args.length))
    throw failure(`${name} takes ${counts.join(' or ')} arguments, got ${args.length}.`);
};

const format = (args: readonly Json[]): Json => {
  const template = string(args[0] ?? null, 'States.Format');
  const values = args.slice(1);
  let used = 0;
  const text = template.replace(/\\([{}])|\{\}/g, (match, escaped: string | undefined) => {
    if (escaped) return escaped;
    if (used >= values.length) throw failure('States.Format has more {} than arguments.');
    const value = values[used++] as Json;
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  if (used !== values.length) throw failure('States.Format has more arguments than {}.');
  return text;
};

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

const FUNCTIONS: Record<string, (args: readonly Json[]) => Json> = {
  'States.Format': format,
  'States.StringToJson': (args) => {
    arity(args, [1], 'States.StringToJson');
    try {
      return JSON.parse(string(args[0] as Json, 'States.StringToJson')) as Json;
    } catch {
      throw failure('States.StringToJson expects a JSON text.');
    }
  },
  'States.JsonToString': (args) => (arity(args, [1], 'States.JsonToString'), JSON.stringify(args[0])),
  'States.Array': (args) => [...args],
  'States.ArrayPartition': (args) => {
    arity(args, [2], 'States.ArrayPartition');
    const items = array(args[0] as Json, 'States.ArrayPartition');
    const size = integer(args[1] as Json, 'States.ArrayPartition');
    if (size < 1) throw failure('States.ArrayPartition expects a chunk size of at least 1.');
    const chunks: Json[] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
  },
  'States.ArrayContains': (args) => (
    arity(args, [2], 'States.ArrayContains'),
    array(args[0] as Json, 'States.ArrayContains').some((item) => jsonEquals(item, args[1]))
  ),
  'States.ArrayRange': (args) => {
    arity(args, [3], 'States.ArrayRange');
    const [start, end, step] = args.map((arg) => integer(arg, 'States.ArrayRange')) as [
      number,
      number,
      number,
    ];
    if (step === 0) throw failure('States.ArrayRange expects a step other than 0.');
    const items: number[] = [];
    for (let i = start; step > 0 ? i <= end : i >= end; i += step) {
      if (items.length === 1000) throw failure('States.ArrayRange may make at most 1000 items.');
      items.push(i);
    }
    return items;
  },
  'States.ArrayGetItem': (args) => {
    arity(args, [2], 'States.ArrayGetItem');
    const item = array(args[0] as Json, 'States.ArrayGetItem')[
      integer(args[1] as Json, 'States.ArrayGetItem')
    ];
    if (item === undefined) throw failure('States.ArrayGetItem index is out of bounds.');
    return item;
  },
  'States.ArrayLength': (args) => (
    arity(args, [1], 'States.ArrayLength'),
    array(args[0] as Json, 'States.ArrayLength').length
  ),
  'States.ArrayUnique': (args) => {
    arity(args, [1], 'States.ArrayUnique');
    const unique: Json[] = [];
    for (const item of array(args[0] as Json, 'States.ArrayUnique')) {
      if (!unique.some((seen) => jsonEquals(seen, item))) unique.push(item);
    }
    return unique;
  },
  'States.Base64Encode': (args) => (
    arity(args, [1], 'States.Base64Encode'),
    Buffer.from(string(args[0] as Json, 'States.Base64Encode'), 'utf8').toString('base64')
  ),
  'States.Base64Decode': (args) => (
    arity(args, [1], 'States.Base64Decode'),
    Buffer.from(string(args[0] as Json, 'States.Base64Decode'), 'base64').toString('utf8')
  ),
  'States.Hash': (args) => {
    arity(args, [2], 'States.Hash');
    const algorithm = HASHES[string(args[1] as Json, 'States.Hash')];
    if (!algorithm) throw failure(`States.Hash supports ${Object.keys(HASHES).join(', ')}.`);
    const data = typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
    return createHash(algorithm).update(data).digest('hex');
  },
  'States.JsonMerge': (args) => {
    arity(args, [3], 'States.JsonMerge');
    const [left, right, deep] = args;
    if (!isRecord(left) || !isRecord(right)) throw failure('States.JsonMerge expects two objects.');
    if (deep !== false) throw failure('States.JsonMerge supports only a shallow merge (false).');
    return { ...left, ...right };
  },
  'States.MathRandom': (args) => {
    arity(args, [2, 3], 'States.MathRandom');
    const start = integer(args[0] as Json, 'States.MathRandom');
    const end = integer(args[1] as Json, 'States.MathRandom');
    if (end <= start) throw failure('States.MathRandom expects the end to be above the start.');
    return randomInt(start, end);
  },
  'States.MathAdd': (args) => (
    arity(args, [2], 'States.MathAdd'),
    integer(args[0] as Json, 'States.MathAdd') + integer(args[1] as Json, 'States.MathAdd')
  ),
  'States.StringSplit': (args) => {
    arity(args, [2], 'States.StringSplit');
    const text = string(args[0] as Json, 'States.StringSplit');
    const delimiters = [...string(args[1] as Json, 'States.StringSplit')];
    const parts: string[] = [];
    let current = '';
    for (const c of text) {
      if (delimiters.includes(c)) {
        if (current) parts.push(current);
        current = '';
      } else current += c;
    }
    if (current) parts.push(current);
    return parts;
  },
  'States.UUID': (args) => (arity(args, [0], 'States.UUID'), randomUUID()),
};
