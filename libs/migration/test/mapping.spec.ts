import * as z from 'zod';
import * as zm from 'zod/mini';
import { fromLegacy } from '../src';

const LegacyItem = z.object({ itemId: z.string(), priceCents: z.number() });
/** A target schema written as the contracts are, with zod/mini. */
const TargetPrice = zm.strictObject({ amount: zm.number().check(zm.int(), zm.minimum(0)) });

describe('fromLegacy', () => {
  const map = fromLegacy(LegacyItem, (row) => [
    { pk: `ITEM#${row.itemId}`, sk: 'ITEM', ...TargetPrice.parse({ amount: row.priceCents }) },
  ]);

  it('rejects, with the reason, a row the target contract (zod/mini) refuses', () => {
    expect(map({ itemId: 'x', priceCents: -5 })).toEqual({
      rejected: 'amount: Too small: expected number to be >=0',
    });
  });

  it('maps a row the target contract accepts', () => {
    expect(map({ itemId: 'x', priceCents: 950 })).toEqual({
      items: [{ pk: 'ITEM#x', sk: 'ITEM', amount: 950 }],
    });
  });

  it('throws an error that is not a refusal: a bug in the mapping', () => {
    const broken = fromLegacy(LegacyItem, () => {
      throw new TypeError('oops');
    });
    expect(() => broken({ itemId: 'x', priceCents: 1 })).toThrow(TypeError);
  });
});
