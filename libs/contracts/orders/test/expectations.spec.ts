import { expectationGaps } from '@slice/contract-tests';
import { menuContract } from '@slice/contracts-menu';
import { ordersExpectations } from '../src';

describe("Orders' expectations on Menu", () => {
  it("hold against Menu's contract as it is now", () => {
    const gaps = ordersExpectations.flatMap((expectation) =>
      expectationGaps(menuContract, expectation).map((gap) => `${expectation.operationId}: ${gap}`),
    );
    expect(gaps).toEqual([]);
  });

  it('would notice a field Menu stopped declaring', () => {
    const [expectation] = ordersExpectations;
    if (!expectation) throw new Error('Orders declares no expectation on Menu.');
    expect(
      expectationGaps(menuContract, {
        ...expectation,
        fields: [...expectation.fields, 'items[].price.vat', 'items[].name[]', 'items.id'],
      }),
    ).toEqual([
      'items[].price.vat is not declared',
      'items[].name is not a list',
      'items.id is not declared',
    ]);
  });
});
