import { createHmac } from 'node:crypto';
import { ValidationError } from '@slice/contract';
import { createCursorCodec, cursorField } from '../src';

const secret = 'a-test-secret-of-32-characters!!';
const codec = createCursorCodec(secret);
const scope = 'orders:customer#alice';
const lastKey = { pk: 'CUSTOMER#alice', sk: 'ORDER#2025-01-01#o-9', n: 7 };

/** The error `decode` throws, or fails the test when it does not throw. */
function decodeError(cursor: string, decodeScope = scope): ValidationError {
  try {
    codec.decode(cursor, decodeScope);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('decode accepted the cursor');
}

const part = (cursor: string, index: 0 | 1): string => cursor.split('.')[index] ?? '';

/** Re-encodes a payload object as a cursor that keeps the original MAC. */
const withPayload = (cursor: string, payload: unknown): string =>
  `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${part(cursor, 1)}`;

describe('createCursorCodec', () => {
  it('round-trips a LastEvaluatedKey', () => {
    const cursor = codec.encode(lastKey, scope);

    expect(codec.decode(cursor, scope)).toEqual(lastKey);
  });

  it('produces an opaque URL-safe token', () => {
    const cursor = codec.encode(lastKey, scope);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(cursor).not.toContain('CUSTOMER#alice');
  });

  it('rejects a tampered payload, with a 400 naming query.cursor', () => {
    const cursor = codec.encode(lastKey, scope);
    const forged = withPayload(cursor, { v: 1, k: { ...lastKey, pk: 'CUSTOMER#bob' } });

    const error = decodeError(forged);

    expect(error.status).toBe(400);
    expect(error.errors).toEqual([
      { path: cursorField, message: 'The cursor is not valid for this query; request the first page again.' },
    ]);
    expect(cursorField).toBe('query.cursor');
  });

  it('rejects a payload changed by one character', () => {
    const cursor = codec.encode(lastKey, scope);
    const payload = part(cursor, 0);
    const flipped = `${payload.slice(0, 5)}${payload[5] === 'A' ? 'B' : 'A'}${payload.slice(6)}`;

    decodeError(`${flipped}.${part(cursor, 1)}`);
  });

  it('rejects a tampered MAC', () => {
    const cursor = codec.encode(lastKey, scope);
    const mac = part(cursor, 1);
    const flipped = `${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;

    decodeError(`${part(cursor, 0)}.${flipped}`);
    decodeError(`${part(cursor, 0)}.${mac.slice(0, -2)}`);
    decodeError(`${part(cursor, 0)}.${mac}${mac}`);
    decodeError(part(cursor, 0));
  });

  it('rejects another spelling of the same MAC bytes', () => {
    const cursor = codec.encode(lastKey, scope);
    const mac = part(cursor, 1);
    // 43 base64url characters carry 258 bits for 256: the last character's lowest bit is unused.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(mac.at(-1) ?? '');
    const respelled = `${mac.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(mac, 'base64url'));

    decodeError(`${part(cursor, 0)}.${respelled}`);
  });

  it("rejects a cursor from another scope (another caller's query)", () => {
    const cursor = codec.encode(lastKey, 'orders:customer#bob');

    decodeError(cursor, scope);
  });

  it('rejects a cursor signed with another secret', () => {
    const foreign = createCursorCodec('another-secret-of-enough-length').encode(lastKey, scope);

    decodeError(foreign);
  });

  it.each([
    ['the empty string', ''],
    ['garbage', 'not a cursor at all'],
    ['a lone dot', '.'],
    ['three parts', 'a.b.c'],
    ['non-base64url characters', 'ab+/.cd=='],
    ['an absurdly long string', 'a'.repeat(20_000)],
  ])('rejects %s', (_case, cursor) => {
    decodeError(cursor);
  });

  /** A codec-signed cursor around any payload, to reach the checks after the MAC. */
  const signedPayload = (payload: string): string => {
    // The codec signs only keys; rebuild its algorithm to sign anything else.
    const body = Buffer.from(payload).toString('base64url');
    const mac = createHmac('sha256', secret)
      .update(JSON.stringify(['slice-cursor', 1, scope, body]))
      .digest('base64url');
    return `${body}.${mac}`;
  };

  it('accepts a payload signed the way the codec signs (the helper below is faithful)', () => {
    expect(codec.decode(signedPayload(JSON.stringify({ v: 1, k: { pk: 'x' } })), scope)).toEqual({ pk: 'x' });
  });

  it.each([
    ['not JSON', '{"v":1,'],
    ['JSON that is not an object', '"hello"'],
    ['JSON null', 'null'],
    ['another version', JSON.stringify({ v: 2, k: { pk: 'x' } })],
    ['no version', JSON.stringify({ k: { pk: 'x' } })],
    ['a key that is not an object', JSON.stringify({ v: 1, k: 'pk' })],
    ['a key that is an array', JSON.stringify({ v: 1, k: ['x'] })],
    ['an empty key', JSON.stringify({ v: 1, k: {} })],
    ['a key value that is an object', JSON.stringify({ v: 1, k: { pk: { S: 'x' } } })],
    ['a key value that is a boolean', JSON.stringify({ v: 1, k: { pk: true } })],
    ['a key value that is null', JSON.stringify({ v: 1, k: { pk: null } })],
    ['a null key', JSON.stringify({ v: 1, k: null })],
    ['no key', JSON.stringify({ v: 1 })],
  ])('rejects a correctly signed payload with %s', (_case, payload) => {
    decodeError(signedPayload(payload));
  });

  it('refuses a secret shorter than 16 characters', () => {
    expect(() => createCursorCodec('too-short')).toThrow(TypeError);
    expect(() => createCursorCodec('exactly-16-chars')).not.toThrow();
  });

  it('refuses to encode a key it could not decode (binary, empty, nested)', () => {
    expect(() => codec.encode({ pk: new Uint8Array([1]) }, scope)).toThrow(TypeError);
    expect(() => codec.encode({}, scope)).toThrow(TypeError);
    expect(() => codec.encode({ pk: { nested: 'x' } }, scope)).toThrow(
      'cursor: a key must be a non-empty object of string or number values.',
    );
  });

  it('refuses an empty scope, a programming error', () => {
    expect(() => codec.encode(lastKey, '')).toThrow(TypeError);
    expect(() => codec.decode('a.b', '')).toThrow(TypeError);
  });

  it('refuses a genuine cursor with anything after its MAC', () => {
    const cursor = codec.encode(lastKey, scope);

    decodeError(`${cursor}.${part(cursor, 1)}`);
    decodeError(`${cursor}.`);
  });

  it('refuses a correctly signed payload spelled in standard base64 rather than base64url', () => {
    // '???' is 'Pz8_' in base64url and 'Pz8/' in base64: the same bytes, another spelling.
    const genuine = part(codec.encode({ pk: '???' }, scope), 0);
    expect(genuine).toContain('_');
    const respelled = genuine.replaceAll('_', '/');
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(genuine, 'base64url'));
    const mac = createHmac('sha256', secret)
      .update(JSON.stringify(['slice-cursor', 1, scope, respelled]))
      .digest('base64url');

    decodeError(`${respelled}.${mac}`);
    decodeError(`${genuine}=.${mac}`);
  });

  /** A key whose cursor is exactly `length` characters long. */
  const keyOfCursorLength = (length: number) => {
    for (let size = Math.floor((length * 3) / 4) - 64; size < length; size++) {
      const key = { pk: 'x'.repeat(size) };
      const cursor = codec.encode(key, scope);
      if (cursor.length === length) return { key, cursor };
      if (cursor.length > length) break;
    }
    throw new Error(`No key has a cursor of ${length} characters.`);
  };

  it('decodes a genuine cursor of 16384 characters and refuses a longer one unread', () => {
    const atLimit = keyOfCursorLength(16_384);
    expect(codec.decode(atLimit.cursor, scope)).toEqual(atLimit.key);

    const over = codec.encode({ pk: 'x'.repeat(atLimit.key.pk.length + 3) }, scope);
    expect(over.length).toBeGreaterThan(16_384);
    decodeError(over);
  });

  it('refuses a cursor that is not a string with a 400', () => {
    decodeError(42 as unknown as string);
    decodeError(undefined as unknown as string);
  });

  it('refuses to encode a key value that JSON cannot carry (a number that is not finite)', () => {
    expect(() => codec.encode({ pk: 'A', n: Number.POSITIVE_INFINITY }, scope)).toThrow(TypeError);
    expect(() => codec.encode({ pk: 'A', n: Number.NaN }, scope)).toThrow(TypeError);
  });

  it('refuses to encode a key that is not an object', () => {
    expect(() => codec.encode('pk' as unknown as Record<string, unknown>, scope)).toThrow(TypeError);
    expect(() => codec.encode(null as unknown as Record<string, unknown>, scope)).toThrow(TypeError);
  });

  it('refuses a secret or a scope that is not a string, a programming error', () => {
    expect(() => createCursorCodec(1234567890123456 as unknown as string)).toThrow(
      'createCursorCodec: the secret must be at least 16 characters.',
    );
    expect(() => codec.encode(lastKey, undefined as unknown as string)).toThrow(
      'cursor: the scope must be a non-empty string.',
    );
    expect(() => codec.decode('a.b', 7 as unknown as string)).toThrow(TypeError);
  });
});
