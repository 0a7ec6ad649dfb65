import fc from 'fast-check';
import { arbitraryOf } from '../src/arbitrary';
import { Item, Order } from './sample-contract';

describe('requests generated from a schema', () => {
  it.each([
    ['an item (patterns, enums, named money)', Item],
    ['an order (uuid, date-time, arrays with bounds)', Order],
  ])('match the schema they come from: %s', (_name, schema) => {
    fc.assert(
      fc.property(arbitraryOf(schema), (value) => schema.safeParse(value).success),
      { numRuns: 200, seed: 11 },
    );
  });
});
