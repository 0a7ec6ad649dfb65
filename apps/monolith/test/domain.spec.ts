import type { MenuItem } from '@slice/contracts-menu';
import type { Order } from '@slice/contracts-orders';
import { salesOf } from '../src/domain/reports';
import { priceLines } from '../src/domain/orders';
import { slugOf } from '../src/domain/menu';

const margherita: MenuItem = {
  id: 'margherita',
  name: 'Margherita',
  description: '',
  category: 'pizza',
  available: true,
  version: 1,
  updatedAt: '2026-11-01T09:00:00.000Z',
  price: { amount: 900, currency: 'EUR' },
};

const order = (total: { amount: number; currency: string }, lines: Array<[string, number]>): Order => ({
  id: '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10',
  customerId: 'alice',
  status: 'PLACED',
  lines: lines.map(([itemId, quantity]) => ({
    itemId,
    name: itemId,
    quantity,
    unitPrice: { amount: 100, currency: total.currency },
    lineTotal: { amount: 100 * quantity, currency: total.currency },
  })),
  total,
  deliveryAddress: { name: 'A', line1: 'B', city: 'C', postcode: '1234', country: 'NL' },
  placedAt: '2026-11-27T12:00:00.000Z',
});

describe('salesOf', () => {
  it('totals revenue per currency and items by quantity, most sold first', () => {
    const sales = salesOf('2026-11-27', [
      order({ amount: 500, currency: 'GBP' }, [['cola', 5]]),
      order({ amount: 300, currency: 'EUR' }, [
        ['funghi', 1],
        ['cola', 2],
      ]),
      order({ amount: 200, currency: 'EUR' }, [
        ['diavola', 1],
        ['funghi', 1],
      ]),
    ]);
    expect(sales).toEqual({
      date: '2026-11-27',
      orderCount: 3,
      revenue: [
        { amount: 500, currency: 'EUR' },
        { amount: 500, currency: 'GBP' },
      ],
      itemsSold: [
        { itemId: 'cola', name: 'cola', quantity: 7 },
        { itemId: 'funghi', name: 'funghi', quantity: 2 },
        { itemId: 'diavola', name: 'diavola', quantity: 1 },
      ],
    });
  });

  it('reports an empty day as zero orders, no revenue and nothing sold', () => {
    expect(salesOf('2026-11-26', [])).toEqual({
      date: '2026-11-26',
      orderCount: 0,
      revenue: [],
      itemsSold: [],
    });
  });
});

describe('priceLines', () => {
  it('prices from the menu, never from the request', () => {
    const { lines, total } = priceLines(
      [{ itemId: 'margherita', quantity: 3 }],
      new Map([['margherita', margherita]]),
    );
    expect(lines[0]?.lineTotal).toEqual({ amount: 2700, currency: 'EUR' });
    expect(total).toEqual({ amount: 2700, currency: 'EUR' });
  });

  it('refuses an unknown and an unavailable item, naming its position in the request', () => {
    const menu = new Map<string, MenuItem>([['margherita', { ...margherita, available: false }]]);
    expect(() => priceLines([{ itemId: 'nope', quantity: 1 }], menu)).toThrow(
      'Menu item nope does not exist.',
    );
    let refused: unknown;
    try {
      priceLines(
        [
          { itemId: 'nope', quantity: 1 },
          { itemId: 'margherita', quantity: 1 },
        ],
        new Map<string, MenuItem>([['nope', { ...margherita, id: 'nope' }], ...menu]),
      );
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ errors: [{ path: 'body.items.1.itemId', message: 'Not available.' }] });
  });

  it('refuses items priced in different currencies', () => {
    const menu = new Map<string, MenuItem>([
      ['margherita', margherita],
      ['cola', { ...margherita, id: 'cola', price: { amount: 300, currency: 'GBP' } }],
    ]);
    expect(() =>
      priceLines(
        [
          { itemId: 'margherita', quantity: 1 },
          { itemId: 'cola', quantity: 1 },
        ],
        menu,
      ),
    ).toThrow('The ordered items are priced in different currencies.');
  });
});

describe('slugOf', () => {
  it('makes a readable id of a name', () => {
    expect(slugOf('Quattro Formaggi')).toBe('quattro-formaggi');
    expect(slugOf('  Crème Brûlée! ')).toBe('creme-brulee');
  });

  it('joins words with single dashes and keeps at most 48 characters', () => {
    expect(slugOf('Salt & -- Pepper!!')).toBe('salt-pepper');
    expect(slugOf('a'.repeat(60))).toBe('a'.repeat(48));
  });
});
