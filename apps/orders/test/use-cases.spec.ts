import { ForbiddenError } from '@slice/contract';
import type { Caller } from '../src/domain/order';
import type { OrderDeps } from '../src/domain/ports';
import {
  backfillCorrelationId,
  ItemNotOrderable,
  MixedCurrencies,
  OrderNotCancellable,
  OrderNotFound,
  priceLines,
} from '../src/domain/order';
import {
  announceOrderChange,
  cancelOrder,
  getOrder,
  listOrders,
  markOrderReady,
  placeOrder,
} from '../src/domain/use-cases';
import { address, diavola, fixedMenu, margherita, testDeps } from './fakes';

const alice = { id: 'alice', isStaff: false };
const bob = { id: 'bob', isStaff: false };
const dana = { id: 'dana', isStaff: true };

/** Places an order of one item for a caller: the setup most cases share. */
const placeOne = (caller: Caller, deps: OrderDeps, itemId = 'margherita') =>
  placeOrder({ items: [{ itemId, quantity: 1 }], deliveryAddress: address }, caller, 'c', deps);

describe('placeOrder', () => {
  it('prices every line from the menu and totals on the server', async () => {
    const deps = testDeps();
    const order = await placeOrder(
      {
        items: [
          { itemId: 'margherita', quantity: 2 },
          { itemId: 'diavola', quantity: 1 },
        ],
        deliveryAddress: address,
      },
      alice,
      'corr-1',
      deps,
    );
    expect(order).toMatchObject({
      customerId: 'alice',
      status: 'PLACED',
      total: { amount: 2950, currency: 'EUR' },
    });
    expect(order.lines.map((line) => line.lineTotal.amount)).toEqual([1800, 1150]);
    expect(deps.orders.all.get(order.id)).toEqual(order);
  });

  it('refuses an unknown item, naming it, and stores nothing', async () => {
    const deps = testDeps();
    const attempt = placeOrder(
      { items: [{ itemId: 'calzone', quantity: 1 }], deliveryAddress: address },
      alice,
      'c',
      deps,
    );
    await expect(attempt).rejects.toThrow(new ItemNotOrderable('calzone', 'unknown', 0));
    await expect(attempt).rejects.toMatchObject({
      errors: [{ path: 'body.items.0.itemId', message: 'Unknown menu item.' }],
    });
    await expect(attempt).rejects.toMatchObject({
      status: 422,
      message: 'Menu item calzone does not exist.',
    });
    expect(deps.orders.all.size).toBe(0);
  });

  it('refuses an unavailable item', async () => {
    await expect(
      placeOrder(
        { items: [{ itemId: 'hawaii', quantity: 1 }], deliveryAddress: address },
        alice,
        'c',
        testDeps(),
      ),
    ).rejects.toMatchObject({ status: 422, message: 'Menu item hawaii is not available.' });
  });

  it('refuses items priced in two currencies', async () => {
    const deps = testDeps(fixedMenu([margherita, { ...diavola, price: { amount: 1, currency: 'USD' } }]));
    await expect(
      placeOrder(
        {
          items: [
            { itemId: 'margherita', quantity: 1 },
            { itemId: 'diavola', quantity: 1 },
          ],
          deliveryAddress: address,
        },
        alice,
        'c',
        deps,
      ),
    ).rejects.toBeInstanceOf(MixedCurrencies);
  });
});

describe('placeOrder limits', () => {
  it('refuses a total larger than an order may hold, rather than storing an unreadable order', async () => {
    const deps = testDeps(fixedMenu([{ ...margherita, price: { amount: 9_000_000, currency: 'EUR' } }]));
    await expect(
      placeOrder(
        { items: [{ itemId: 'margherita', quantity: 20 }], deliveryAddress: address },
        alice,
        'c',
        deps,
      ),
    ).rejects.toMatchObject({ status: 422, message: 'The order total is larger than an order may be.' });
    expect(deps.orders.all.size).toBe(0);
  });
});

describe('getOrder', () => {
  it('gives the owner and staff the order, and anyone else a 404', async () => {
    const deps = testDeps();
    const order = await placeOne(alice, deps);
    await expect(getOrder(order.id, alice, deps)).resolves.toEqual(order);
    await expect(getOrder(order.id, dana, deps)).resolves.toEqual(order);
    await expect(getOrder(order.id, bob, deps)).rejects.toBeInstanceOf(OrderNotFound);
  });
});

describe('listOrders', () => {
  it("lists the caller's own orders, newest first", async () => {
    const deps = testDeps();
    const first = await placeOne(alice, deps);
    await placeOne(bob, deps);
    const second = await placeOne(alice, deps, 'diavola');
    const page = await listOrders({ limit: 10 }, alice, deps);
    expect(page.items.map((order) => order.id)).toEqual([second.id, first.id]);
  });

  it('lets staff list by status and refuses it to customers', async () => {
    const deps = testDeps();
    await placeOne(bob, deps);
    expect((await listOrders({ limit: 10, status: 'PLACED' }, dana, deps)).items).toHaveLength(1);
    expect(() => listOrders({ limit: 10, status: 'PLACED' }, alice, deps)).toThrow(ForbiddenError);
  });
});

describe('cancelOrder', () => {
  it('cancels a PLACED order of its owner, and answers a retried cancel with the same order', async () => {
    const deps = testDeps();
    const order = await placeOne(alice, deps);
    const read = jest.spyOn(deps.orders, 'get');
    const cancelled = await cancelOrder(order.id, alice, 'c', deps);
    expect(cancelled).toMatchObject({ status: 'CANCELLED' });
    // The conditional write answers the cancelled order: no read after it.
    expect(read).not.toHaveBeenCalled();
    await expect(cancelOrder(order.id, alice, 'c', deps)).resolves.toEqual(cancelled);
  });

  it('refuses to cancel an order in another state with a 409', async () => {
    const deps = testDeps();
    const order = await placeOne(alice, deps);
    deps.orders.all.set(order.id, { ...order, status: 'COOKING' as never });
    await expect(cancelOrder(order.id, alice, 'c', deps)).rejects.toBeInstanceOf(OrderNotCancellable);
  });

  it("answers 404 for another customer's order and leaves it PLACED", async () => {
    const deps = testDeps();
    const order = await placeOne(alice, deps);
    await expect(cancelOrder(order.id, bob, 'c', deps)).rejects.toBeInstanceOf(OrderNotFound);
    expect(deps.orders.all.get(order.id)?.status).toBe('PLACED');
  });
});

describe('announceOrderChange', () => {
  it('announces a new order as placed and a PLACED→CANCELLED change as cancelled, nothing else', async () => {
    const placed = jest.fn(() => Promise.resolve());
    const cancelled = jest.fn(() => Promise.resolve());
    const deps = testDeps();
    const order = await placeOne(alice, deps);
    const gone = { ...order, status: 'CANCELLED' as const, cancelledAt: order.placedAt };
    await announceOrderChange(undefined, order, 'c', { events: { placed, cancelled } });
    await announceOrderChange(order, gone, 'c', { events: { placed, cancelled } });
    await announceOrderChange(gone, gone, 'c', { events: { placed, cancelled } });
    await announceOrderChange(order, { ...order, status: 'READY' }, 'c', { events: { placed, cancelled } });
    expect(placed).toHaveBeenCalledTimes(1);
    expect(cancelled).toHaveBeenCalledTimes(1);
  });

  it('does not announce an order copied from the monolith, but does announce its cancellation', async () => {
    const placed = jest.fn(() => Promise.resolve());
    const cancelled = jest.fn(() => Promise.resolve());
    const deps = testDeps();
    const order = await placeOne(alice, deps);
    const gone = { ...order, status: 'CANCELLED' as const, cancelledAt: order.placedAt };
    await announceOrderChange(undefined, order, backfillCorrelationId, { events: { placed, cancelled } });
    await announceOrderChange(order, gone, 'cancel-request', { events: { placed, cancelled } });
    expect(placed).not.toHaveBeenCalled();
    expect(cancelled).toHaveBeenCalledWith(gone, 'cancel-request');
  });
});

describe('markOrderReady', () => {
  it('makes a PLACED order READY once, and leaves a cancelled one alone', async () => {
    const deps = testDeps();
    const order = await placeOne(alice, deps);
    const ready = await markOrderReady(order.id, '2026-11-27T12:30:00.000Z', 'c', deps);
    expect(ready).toMatchObject({ status: 'READY', readyAt: '2026-11-27T12:30:00.000Z' });
    await expect(markOrderReady(order.id, '2026-11-27T12:31:00.000Z', 'c', deps)).resolves.toBeUndefined();
  });
});

describe('the order problems', () => {
  it('say what is wrong in the words the monolith uses', () => {
    expect(new OrderNotFound('o-1').message).toBe('There is no order o-1.');
    expect(new OrderNotCancellable('o-1', 'READY').message).toBe(
      'Order o-1 is READY; only a PLACED order can be cancelled.',
    );
    expect(new MixedCurrencies().message).toBe('The ordered items are priced in different currencies.');
    expect(new ItemNotOrderable('hawaii', 'unavailable', 1)).toMatchObject({
      errors: [{ path: 'body.items.1.itemId', message: 'Not available.' }],
    });
    expect(() => listOrders({ limit: 10, status: 'PLACED' }, alice, testDeps())).toThrow(
      'Only staff may list orders by status.',
    );
  });

  it('total an order without lines as zero euros', () => {
    expect(priceLines([], new Map()).total).toEqual({ amount: 0, currency: 'EUR' });
  });
});
