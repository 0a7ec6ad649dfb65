import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineEvent, type Contract } from '@slice/contract';
import { eventExpectationCases, publishedEventGaps } from '@slice/contract-tests';
import { kitchenContract, OrderReady, TicketRef } from '@slice/contracts-kitchen';
import * as z from 'zod/mini';
import { publishedPath } from '../src/breaking';
import { consumerEventExpectations } from '../src/services';

const root = join(__dirname, '../../..');
/** A provider's event schemas as committed in its `published/contract.json`. */
const publishedEvents = (service: string) =>
  (
    JSON.parse(readFileSync(join(root, publishedPath(service)), 'utf8')) as {
      events: Record<string, Record<string, unknown>>;
    }
  ).events;
const on = (provider: string, detailType: string) =>
  consumerEventExpectations.filter(
    (expectation) => expectation.provider === provider && expectation.detailType === detailType,
  );

/** Kitchen's contract with `OrderReady` changed as `entity` says. */
const kitchenWith = (entity: z.core.$ZodShape): Contract => ({
  ...kitchenContract,
  events: { ...kitchenContract.events, OrderReady: defineEvent({ ...OrderReady, entity }) },
});

/** The messages of the suite's expectation cases on a provider that fail. */
async function failures(contract: Contract): Promise<string[]> {
  const cases = eventExpectationCases(contract, consumerEventExpectations);
  const outcomes = await Promise.all(
    cases.map((each) =>
      each.run({} as never).then(
        () => undefined,
        (error: Error) => error.message,
      ),
    ),
  );
  return outcomes.filter((message) => message !== undefined);
}

describe("consumers' expectations on events, declared as data", () => {
  it("include Orders' and Tracking's on Kitchen's OrderReady, by source and detail type", () => {
    expect(on('kitchen', 'OrderReady').map(({ consumer, source }) => [consumer, source])).toEqual([
      ['tracking', 'slice.kitchen'],
      ['orders', 'slice.kitchen'],
    ]);
  });

  it("hold against every provider's committed published event schemas", () => {
    const gaps = consumerEventExpectations.flatMap((expectation) =>
      publishedEventGaps(publishedEvents(expectation.provider), expectation).map(
        (gap) => `${expectation.consumer} on ${expectation.provider}.${expectation.detailType}: ${gap}`,
      ),
    );
    expect(gaps).toEqual([]);
  });

  it('fail the provider’s suite when Kitchen drops a path Orders reads from OrderReady', async () => {
    expect(await failures(kitchenContract)).toEqual([]);

    const { readyAt: _dropped, ...entity } = OrderReady.entity;
    const broken = await failures(kitchenWith(entity));

    expect(broken).toEqual([
      expect.stringMatching(/^orders relies on OrderReady, but readyAt is not declared/),
    ]);
  });

  it('fail it for Tracking when Kitchen makes the owner of a ticket optional', async () => {
    const entity = { ...OrderReady.entity, ticket: z.partial(TicketRef, { customerId: true }) };
    expect(await failures(kitchenWith(entity))).toEqual([
      expect.stringMatching(/^tracking relies on OrderReady, but ticket\.customerId is optional/),
    ]);
  });

  it("let a read of an optional field (Kitchen's order.notify) pass while Orders declares it, and fail once it is gone", () => {
    const [placed] = on('orders', 'OrderPlaced').filter((expectation) => expectation.consumer === 'kitchen');
    if (!placed) throw new Error('Kitchen declares no expectation on OrderPlaced.');
    const events = publishedEvents('orders');
    expect(publishedEventGaps(events, placed)).toEqual([]);
    expect(publishedEventGaps(events, { ...placed, fields: ['order.notify'] })).toEqual([
      'order.notify is optional',
    ]);

    const order = structuredClone(
      (events.OrderPlaced?.$defs as Record<string, Record<string, unknown>>).Order,
    );
    delete (order?.properties as Record<string, unknown>).notify;
    const withoutNotify = {
      ...events,
      OrderPlaced: {
        ...events.OrderPlaced,
        $defs: { ...(events.OrderPlaced?.$defs as object), Order: order },
      },
    };
    expect(publishedEventGaps(withoutNotify, placed)).toEqual(['order.notify is not declared']);
  });
});
