import { compileEventPattern, InvalidEventPatternError } from '../../../src/endpoint';

const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'OrderPlaced',
  source: 'slice.orders',
  account: '000000000000',
  time: '2026-11-27T10:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:dynamodb:eu-west-1:000000000000:table/orders'],
  detail: {
    id: 'ord_1',
    status: 'PLACED',
    total: { amount: 1800, currency: 'EUR' },
    items: ['margherita', 'diavola'],
    note: null,
    customer: { email: 'Alice@Example.com', tier: 'gold' },
    lines: [
      { itemId: 'margherita', quantity: 2 },
      { itemId: 'diavola', quantity: 1 },
    ],
  },
};

/** [what, pattern, matches the event above] */
const cases: Array<[string, Record<string, unknown>, boolean]> = [
  ['exact string', { source: ['slice.orders'] }, true],
  ['exact string, other value', { source: ['slice.menu'] }, false],
  ['any of several values', { 'detail-type': ['OrderCancelled', 'OrderPlaced'] }, true],
  ['every field must match', { source: ['slice.orders'], 'detail-type': ['OrderCancelled'] }, false],
  ['nested field', { detail: { status: ['PLACED'] } }, true],
  ['nested two levels', { detail: { total: { currency: ['EUR'] } } }, true],
  ['exact number', { detail: { total: { amount: [1800] } } }, true],
  ['a number does not equal its string', { detail: { total: { amount: ['1800'] } } }, false],
  ['null matches a null field', { detail: { note: [null] } }, true],
  ['an array field matches when one element does', { detail: { items: ['diavola'] } }, true],
  ['an array field with no matching element', { detail: { items: ['funghi'] } }, false],
  ['resources array', { resources: [{ suffix: 'table/orders' }] }, true],
  ['a nested pattern on a list of objects', { detail: { lines: { itemId: ['diavola'] } } }, true],
  ['a nested pattern no object of the list matches', { detail: { lines: { itemId: ['funghi'] } } }, false],
  [
    'a nested pattern matched by one object of the list, not by fields of two',
    { detail: { lines: { itemId: ['diavola'], quantity: [2] } } },
    false,
  ],
  ['prefix', { source: [{ prefix: 'slice.' }] }, true],
  ['prefix, no match', { source: [{ prefix: 'acme.' }] }, false],
  [
    'prefix ignoring case',
    { detail: { customer: { email: [{ prefix: { 'equals-ignore-case': 'alice@' } }] } } },
    true,
  ],
  ['suffix', { detail: { customer: { email: [{ suffix: '@Example.com' }] } } }, true],
  ['suffix is case-sensitive', { detail: { customer: { email: [{ suffix: '@example.com' }] } } }, false],
  [
    'suffix ignoring case',
    { detail: { customer: { email: [{ suffix: { 'equals-ignore-case': '@EXAMPLE.COM' } }] } } },
    true,
  ],
  ['anything-but a value', { detail: { status: [{ 'anything-but': 'CANCELLED' }] } }, true],
  ['anything-but the value it has', { detail: { status: [{ 'anything-but': 'PLACED' }] } }, false],
  ['anything-but a list', { detail: { status: [{ 'anything-but': ['CANCELLED', 'PLACED'] }] } }, false],
  ['anything-but a number', { detail: { total: { amount: [{ 'anything-but': [0, 1] }] } } }, true],
  ['anything-but a prefix', { source: [{ 'anything-but': { prefix: 'aws.' } }] }, true],
  ['anything-but a prefix it has', { source: [{ 'anything-but': { prefix: 'slice.' } }] }, false],
  ['anything-but a suffix it has', { source: [{ 'anything-but': { suffix: '.orders' } }] }, false],
  [
    'anything-but ignoring case',
    { detail: { status: [{ 'anything-but': { 'equals-ignore-case': ['placed'] } }] } },
    false,
  ],
  ['anything-but a wildcard', { source: [{ 'anything-but': { wildcard: 'slice.*' } }] }, false],
  [
    'anything-but a list of wildcards, one of which matches',
    { source: [{ 'anything-but': { wildcard: ['aws.*', '*.orders'] } }] },
    false,
  ],
  [
    'anything-but a list of wildcards, none of which matches',
    { source: [{ 'anything-but': { wildcard: ['aws.*', '*.menu'] } }] },
    true,
  ],
  ['anything-but needs the field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
  ['numeric range', { detail: { total: { amount: [{ numeric: ['>', 1000, '<=', 1800] }] } } }, true],
  ['numeric range excluding the value', { detail: { total: { amount: [{ numeric: ['>', 1800] }] } } }, false],
  ['numeric equals', { detail: { total: { amount: [{ numeric: ['=', 1800] }] } } }, true],
  ['numeric >= and <', { detail: { total: { amount: [{ numeric: ['>=', 1800, '<', 1801] }] } } }, true],
  ['numeric on a string field', { detail: { status: [{ numeric: ['>', 0] }] } }, false],
  ['exists true on a present field', { detail: { status: [{ exists: true }] } }, true],
  ['exists true on an absent field', { detail: { missing: [{ exists: true }] } }, false],
  ['exists false on an absent field', { detail: { missing: [{ exists: false }] } }, true],
  ['exists false on a present field', { detail: { status: [{ exists: false }] } }, false],
  ['exists only looks at leaves', { detail: { total: [{ exists: true }] } }, false],
  ['equals-ignore-case', { detail: { status: [{ 'equals-ignore-case': 'placed' }] } }, true],
  ['equals-ignore-case, other value', { detail: { status: [{ 'equals-ignore-case': 'cancelled' }] } }, false],
  ['wildcard', { detail: { customer: { email: [{ wildcard: '*@Example.*' }] } } }, true],
  ['wildcard, no match', { source: [{ wildcard: 'slice.*.v2' }] }, false],
  ['wildcard escaping a star', { source: [{ wildcard: 'slice\\*' }] }, false],
  [
    '$or, one branch matches',
    { $or: [{ source: ['slice.menu'] }, { detail: { status: ['PLACED'] } }] },
    true,
  ],
  [
    '$or, no branch matches',
    { $or: [{ source: ['slice.menu'] }, { detail: { status: ['CANCELLED'] } }] },
    false,
  ],
  [
    '$or next to a field',
    { source: ['slice.orders'], $or: [{ detail: { id: ['ord_2'] } }, { detail: { id: ['ord_1'] } }] },
    true,
  ],
  ['a nested pattern on a leaf field', { source: { name: ['slice.orders'] } }, false],
  ['a leaf pattern on an object field', { detail: { total: ['EUR'] } }, false],
];

describe('compileEventPattern', () => {
  it.each(cases)('%s', (_what, pattern, expected) => {
    expect(compileEventPattern(pattern)(event)).toBe(expected);
  });

  it.each([
    ['an empty pattern', {}],
    ['an empty match list', { source: [] }],
    ['a value that is neither a list nor an object', { source: 'slice.orders' }],
    ['an unknown operator', { source: [{ 'starts-with': 'slice' }] }],
    ['a numeric operator it does not know', { detail: { n: [{ numeric: ['!=', 1] }] } }],
    ['a numeric bound that is not a number', { detail: { n: [{ numeric: ['>', '1'] }] } }],
    ['a matcher object with two operators', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['$or with one branch', { $or: [{ source: ['a'] }] }],
    ['consecutive wildcards', { source: [{ wildcard: 'a**' }] }],
    ['an anything-but wildcard that is not a string', { source: [{ 'anything-but': { wildcard: 5 } }] }],
  ])('refuses %s', (_what, pattern) => {
    expect(() => compileEventPattern(pattern)).toThrow(InvalidEventPatternError);
  });
});
