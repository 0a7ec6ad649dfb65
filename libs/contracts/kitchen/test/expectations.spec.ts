import { eventExpectationGaps } from '@slice/contract-tests';
import { ordersContract } from '@slice/contracts-orders';
import { kitchenEventExpectations } from '../src';

describe("Kitchen's expectations on Orders' events", () => {
  it("hold against Orders' published event schemas as they are now", () => {
    const gaps = kitchenEventExpectations.flatMap((expectation) =>
      eventExpectationGaps(ordersContract, expectation).map((gap) => `${expectation.detailType}: ${gap}`),
    );
    expect(gaps).toEqual([]);
  });

  it('would notice a field Orders stopped declaring or made optional', () => {
    const [placed] = kitchenEventExpectations;
    if (!placed) throw new Error('Kitchen declares no expectation on Orders.');
    expect(
      eventExpectationGaps(ordersContract, {
        ...placed,
        fields: ['order.lines[].quantity', 'order.lines[].spiciness', 'order.cancelledAt'],
      }),
    ).toEqual(['order.lines[].spiciness is not declared', 'order.cancelledAt is optional']);
  });

  it('would notice an event Orders stopped publishing', () => {
    const [placed] = kitchenEventExpectations;
    if (!placed) throw new Error('Kitchen declares no expectation on Orders.');
    expect(eventExpectationGaps(ordersContract, { ...placed, detailType: 'OrderBaked' })).toEqual([
      'OrderBaked is gone',
    ]);
  });
});
