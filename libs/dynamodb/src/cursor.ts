import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '@slice/contract';

/** A DynamoDB key as a cursor carries it: attribute name to string or number value. */
export type CursorKey = Record<string, string | number>;

/** Encodes `LastEvaluatedKey`s into opaque cursors and back. Build one with {@link createCursorCodec}. */
export interface CursorCodec {
  /**
   * The cursor for a `LastEvaluatedKey`, bound to `scope`. Keys are plain objects of string or
   * number values (binary keys are not supported); anything else throws a `TypeError`.
   */
  encode(lastEvaluatedKey: Record<string, unknown>, scope: string): string;
  /**
   * The key a cursor carries, after checking its signature against `scope`. Any cursor that was
   * not issued by this codec for this scope throws a {@link ValidationError} on `query.cursor`.
   */
  decode(cursor: string, scope: string): CursorKey;
}

/**
 * The field path every cursor failure names.
 *
 * @example
 * ```ts
 * expect(error.errors).toEqual([{ path: cursorField, message: expect.any(String) }]);
 * ```
 */
export const cursorField = 'query.cursor';

const version = 1;
const minSecretLength = 16;
/** Generous for a GSI key (table and index keys, up to 6 KB) once encoded; stops absurd input early. */
const maxCursorLength = 16_384;
const base64url = /^[A-Za-z0-9_-]+$/;

const invalidCursor = (): ValidationError =>
  new ValidationError([
    { path: cursorField, message: 'The cursor is not valid for this query; request the first page again.' },
  ]);

const isKeyValue = (value: unknown): value is string | number =>
  typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

const isCursorKey = (value: unknown): value is CursorKey =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length > 0 &&
  Object.values(value).every(isKeyValue);

const checkScope = (scope: string): void => {
  if (typeof scope !== 'string' || scope === '')
    throw new TypeError('cursor: the scope must be a non-empty string.');
};

/**
 * A codec for opaque, tamper-evident pagination cursors. A cursor is the base64url JSON of the
 * `LastEvaluatedKey` and an HMAC-SHA256 over it and a scope. The scope names the query the cursor
 * belongs to, caller included (`orders:customer#alice`), so a cursor edited by hand, signed with
 * another secret, or taken from another caller's or another query's answer is a 400 and never
 * reaches DynamoDB.
 *
 * Cursors are signed, not encrypted: a client can read the key values inside. Keep secrets out of
 * keys. Rotating the secret invalidates outstanding cursors (clients start again from page one).
 *
 * @example
 * ```ts
 * const cursors = createCursorCodec(requireEnv('CURSOR_SIGNING_KEY'));
 * const scope = `orders:customer#${customerId}`;
 * const cursor = cursors.encode({ pk: 'CUSTOMER#alice', sk: 'ORDER#42' }, scope);
 * cursors.decode(cursor, scope); // { pk: 'CUSTOMER#alice', sk: 'ORDER#42' }
 * cursors.decode(cursor, 'orders:customer#bob'); // throws ValidationError (query.cursor)
 * ```
 */
export function createCursorCodec(secret: string): CursorCodec {
  if (typeof secret !== 'string' || secret.length < minSecretLength) {
    throw new TypeError(`createCursorCodec: the secret must be at least ${minSecretLength} characters.`);
  }
  // JSON of the parts is unambiguous whatever the scope contains.
  const sign = (payload: string, scope: string): string =>
    createHmac('sha256', secret)
      .update(JSON.stringify(['slice-cursor', version, scope, payload]))
      .digest('base64url');

  return {
    encode(lastEvaluatedKey, scope) {
      checkScope(scope);
      if (!isCursorKey(lastEvaluatedKey)) {
        throw new TypeError('cursor: a key must be a non-empty object of string or number values.');
      }
      const payload = Buffer.from(JSON.stringify({ v: version, k: lastEvaluatedKey })).toString('base64url');
      return `${payload}.${sign(payload, scope)}`;
    },

    decode(cursor, scope) {
      checkScope(scope);
      if (typeof cursor !== 'string' || cursor.length > maxCursorLength) throw invalidCursor();
      const [payload, mac, ...rest] = cursor.split('.');
      if (!payload || !mac || rest.length > 0 || !base64url.test(payload)) throw invalidCursor();
      // Compare the encoded MACs: decoding first would accept the several spellings of one MAC.
      const expected = Buffer.from(sign(payload, scope));
      const actual = Buffer.from(mac);
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw invalidCursor();

      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw invalidCursor();
      }
      if (typeof body !== 'object' || body === null) throw invalidCursor();
      const { v, k } = body as { v?: unknown; k?: unknown };
      if (v !== version || !isCursorKey(k)) throw invalidCursor();
      return k;
    },
  };
}
