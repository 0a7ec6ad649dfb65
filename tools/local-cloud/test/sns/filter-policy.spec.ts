import {
  compileFilterPolicy,
  InvalidFilterPolicyError,
  type MessageAttributeValue,
} from '../../src/services/sns';

const attrs = (values: Record<string, [string, string]>) => ({
  message: 'hello',
  messageAttributes: Object.fromEntries(
    Object.entries(values).map(([name, [DataType, StringValue]]): [string, MessageAttributeValue] => [
      name,
      { DataType, StringValue },
    ]),
  ),
});
const body = (document: unknown) => ({ message: JSON.stringify(document), messageAttributes: {} });

describe('compileFilterPolicy on message attributes', () => {
  it('matches exact strings case-sensitively, and a String.Array when any element matches', () => {
    const matches = compileFilterPolicy({ customer_interests: ['rugby', 'tennis'] });

    expect(matches(attrs({ customer_interests: ['String', 'rugby'] }))).toBe(true);
    expect(matches(attrs({ customer_interests: ['String', 'Rugby'] }))).toBe(false);
    expect(matches(attrs({ customer_interests: ['String.Array', '["baseball","tennis"]'] }))).toBe(true);
    expect(matches(attrs({ customer_interests: ['String.Array', '["baseball"]'] }))).toBe(false);
  });

  it('compares Number attributes numerically: exact, ranges and anything-but', () => {
    const exact = compileFilterPolicy({ price_usd: [{ numeric: ['=', 301.5] }] });
    const range = compileFilterPolicy({ price_usd: [{ numeric: ['>', 0, '<=', 150] }] });
    const notThese = compileFilterPolicy({ price: [{ 'anything-but': [100, 500] }] });

    expect(exact(attrs({ price_usd: ['Number', '3.015e2'] }))).toBe(true);
    expect(range(attrs({ price_usd: ['Number', '150'] }))).toBe(true);
    expect(range(attrs({ price_usd: ['Number', '150.5'] }))).toBe(false);
    expect(range(attrs({ price_usd: ['String', '100'] }))).toBe(false);
    expect(notThese(attrs({ price: ['Number', '100.1'] }))).toBe(true);
    expect(notThese(attrs({ price: ['Number', '100'] }))).toBe(false);
  });

  it('matches prefix, suffix, equals-ignore-case and anything-but prefix', () => {
    const matches = compileFilterPolicy({
      a: [{ prefix: 'bas' }],
      b: [{ suffix: 'ball' }],
      c: [{ 'equals-ignore-case': 'EXAMPLE' }],
      d: [{ 'anything-but': { prefix: 'int-' } }],
    });
    const message = (d: string) =>
      attrs({
        a: ['String', 'basket'],
        b: ['String', 'football'],
        c: ['String', 'example'],
        d: ['String', d],
      });

    expect(matches(message('prod-1'))).toBe(true);
    expect(matches(message('int-1'))).toBe(false);
  });

  it('treats exists as presence, and matches nothing on a message without attributes', () => {
    const present = compileFilterPolicy({ store: [{ exists: true }] });
    const absent = compileFilterPolicy({ store: [{ exists: false }] });

    expect(present(attrs({ store: ['String', 'fans'] }))).toBe(true);
    expect(absent(attrs({ other: ['String', 'x'] }))).toBe(true);
    expect(absent(attrs({ store: ['String', 'fans'] }))).toBe(false);
    expect(absent({ message: 'x', messageAttributes: {} })).toBe(false);
  });

  it('ignores Binary attributes', () => {
    const matches = compileFilterPolicy({ blob: [{ exists: true }] });

    expect(
      matches({ message: 'x', messageAttributes: { blob: { DataType: 'Binary', BinaryValue: 'AAE=' } } }),
    ).toBe(false);
  });

  it('takes $or between alternatives', () => {
    const matches = compileFilterPolicy({
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'] }],
    });

    expect(matches(attrs({ source: ['String', 'aws.cloudwatch'], namespace: ['String', 'AWS/EC2'] }))).toBe(
      true,
    );
    expect(matches(attrs({ source: ['String', 'aws.cloudwatch'], namespace: ['String', 'AWS/S3'] }))).toBe(
      false,
    );
  });

  it('refuses what SNS refuses: nesting, more than five keys, over 150 combinations, wildcard', () => {
    const values = (count: number) => Array.from({ length: count }, (_, index) => `v${index}`);

    expect(() => compileFilterPolicy({ a: { b: ['x'] } })).toThrow(InvalidFilterPolicyError);
    expect(() => compileFilterPolicy({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] })).toThrow(
      /at most 5 keys/,
    );
    expect(() => compileFilterPolicy({ a: values(10), b: values(16) })).toThrow(/150/);
    expect(() => compileFilterPolicy({ a: [{ wildcard: 'x*' }] })).toThrow(/wildcard/);
    expect(() => compileFilterPolicy({})).toThrow(InvalidFilterPolicyError);
  });
});

describe('compileFilterPolicy on the message body', () => {
  it('matches nested properties of a JSON body', () => {
    const matches = compileFilterPolicy(
      { order: { status: ['PLACED'], total: [{ numeric: ['>=', 10] }] } },
      'MessageBody',
    );

    expect(matches(body({ order: { status: 'PLACED', total: 12 } }))).toBe(true);
    expect(matches(body({ order: { status: 'PLACED', total: 9 } }))).toBe(false);
    expect(matches(body({ status: 'PLACED' }))).toBe(false);
  });

  it('matches nothing when the body is not a JSON object', () => {
    const matches = compileFilterPolicy({ status: [{ exists: false }] }, 'MessageBody');

    expect(matches({ message: 'plain text', messageAttributes: {} })).toBe(false);
    expect(matches(body({ other: 1 }))).toBe(true);
  });
});
