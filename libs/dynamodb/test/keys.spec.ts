import { key, keyPrefix, parseKey, type KeyPart } from '../src';

describe('key', () => {
  it('joins typed segments with #', () => {
    expect(key('ORDER', 'o-1')).toBe('ORDER#o-1');
    expect(key('CUSTOMER', 'alice', 'ORDER', 42)).toBe('CUSTOMER#alice#ORDER#42');
  });

  it.each<[string, KeyPart[]]>([
    ['a segment containing #', ['ORDER', 'a#b']],
    ['an empty segment', ['ORDER', '']],
    ['a number that is not finite', ['ORDER', Number.NaN]],
    ['no segment at all', []],
  ])('rejects %s, so one key can never be read as another', (_case, parts) => {
    expect(() => key(...parts)).toThrow(TypeError);
  });

  it('names the segment it rejects, and why', () => {
    expect(() => key('ORDER', 'a#b')).toThrow('key: segment 1 contains the separator #.');
    expect(() => key('', 'o-1')).toThrow('key: segment 0 is empty.');
    expect(() => key('ORDER', Number.POSITIVE_INFINITY)).toThrow('key: segment 1 is not a finite number.');
    expect(() => key()).toThrow('key: at least one segment is required.');
  });

  it('writes a number segment as its digits', () => {
    expect(key('ORDER', 0, -1.5)).toBe('ORDER#0#-1.5');
  });

  it('rejects a segment that is neither a string nor a number', () => {
    expect(() => key('ORDER', { id: 1 } as unknown as string)).toThrow('must be a string or a number');
  });
});

describe('keyPrefix', () => {
  it('ends with the separator, so ORDER does not match ORDERLINE', () => {
    const prefix = keyPrefix('ORDER');

    expect(prefix).toBe('ORDER#');
    expect(key('ORDER', 1).startsWith(prefix)).toBe(true);
    expect(key('ORDERLINE', 1).startsWith(prefix)).toBe(false);
  });
});

describe('parseKey', () => {
  it('splits a key into its segments', () => {
    expect(parseKey('ORDER#2025-01-01#o-1')).toEqual(['ORDER', '2025-01-01', 'o-1']);
  });

  it('checks the leading segments and returns the rest', () => {
    expect(parseKey(key('CUSTOMER', 'alice', 'ORDER', 'o-1'), 'CUSTOMER')).toEqual(['alice', 'ORDER', 'o-1']);
    expect(parseKey('PROFILE', 'PROFILE')).toEqual([]);
  });

  it('round-trips what key wrote', () => {
    expect(parseKey(key('A', 'b', 3))).toEqual(['A', 'b', '3']);
  });

  it.each([
    ['another prefix', 'CUSTOMER#alice', ['ORDER']],
    ['a prefix longer than the key', 'ORDER', ['ORDER', 'x']],
    ['an empty segment', 'ORDER##1', []],
    ['an empty key', '', []],
  ])('throws on %s', (_case, value, prefix) => {
    expect(() => parseKey(value, ...prefix)).toThrow(TypeError);
  });

  it('names the key it cannot parse, and the prefix it expected', () => {
    expect(() => parseKey('CUSTOMER#alice', 'ORDER', 'o-1')).toThrow(
      'parseKey: the key CUSTOMER#alice does not start with ORDER#o-1.',
    );
    expect(() => parseKey('ORDER##1')).toThrow('parseKey: the key ORDER##1 has an empty segment.');
    expect(() => parseKey('')).toThrow('parseKey: the key is empty.');
    expect(() => parseKey(7 as unknown as string)).toThrow('parseKey: the key is empty.');
  });
});
