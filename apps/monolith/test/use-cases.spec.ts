/** The monolith's use-cases against in-memory repositories with the DynamoDB ones' conditions. */
import { ForbiddenError } from '@slice/contract';
import type { MenuItem } from '@slice/contracts-menu';
import type { Store } from '@slice/contracts-monolith';
import type { Order } from '@slice/contracts-orders';
import {
  ItemNotOrderable,
  MenuItemExists,
  MenuItemNotFound,
  OrderNotCancellable,
  OrderNotFound,
  OrderTooLarge,
  StaleMenuItem,
  StoreNotFound,
} from '../src/domain/errors';
import { createMenuItem, getMenuItem, listMenu, updateMenuItem, withdrawMenuItem } from '../src/domain/menu';
import { cancelOrder, getOrder, listOrders, placeOrder, priceLines } from '../src/domain/orders';
import type { MenuRepository, MonolithDeps, OrderRepository, StoreRepository } from '../src/domain/ports';
import { salesOf } from '../src/domain/reports';
import { getStore, listStores, putStore } from '../src/domain/stores';

const at = new Date('2026-12-02T10:00:00.000Z');
const margherita: MenuItem = {
  id: 'margherita',
  name: 'Margherita',
  description: 'Tomato, mozzarella, basil.',
  category: 'pizza',
  price: { amount: 900, currency: 'EUR' },
  available: true,
  version: 3,
  updatedAt: '2026-11-01T09:00:00.000Z',
};
const address = { name: 'Alice', line1: 'Dam 1', city: 'Amsterdam', postcode: '1012 JS', country: 'NL' };
const alice = { id: 'alice', isStaff: false };
const bob = { id: 'bob', isStaff: false };
const dana = { id: 'dana', isStaff: true };

/** An in-memory menu; the first `staleReplaces` replaces fail as a concurrent change would. */
function memoryMenu(items: MenuItem[], staleReplaces = 0) {
  const all = new Map(items.map((item) => [item.id, item]));
  const replaced: Array<{ item: MenuItem; readVersion: number }> = [];
  let stale = staleReplaces;
  const menu: MenuRepository = {
    get: (itemId) => Promise.resolve(all.get(itemId)),
    create: (item) => Promise.resolve(void all.set(item.id, item)),
    replace: (item, readVersion) => {
      replaced.push({ item, readVersion });
      if (stale-- > 0) return Promise.reject(new StaleMenuItem(item.id, readVersion));
      all.set(item.id, item);
      return Promise.resolve();
    },
    listAvailable: (query) =>
      Promise.resolve({ items: [...all.values()].filter((item) => item.available).slice(0, query.limit) }),
  };
  return { menu, all, replaced };
}

/** In-memory orders with the conditional cancel of the DynamoDB repository. */
function memoryOrders(orders: Order[] = []) {
  const all = new Map(orders.map((order) => [order.id, order]));
  const repository: OrderRepository = {
    create: (order) => Promise.resolve(void all.set(order.id, order)),
    get: (orderId) => Promise.resolve(all.get(orderId)),
    listByCustomer: (customerId) =>
      Promise.resolve({ items: [...all.values()].filter((order) => order.customerId === customerId) }),
    listByStatus: (status) =>
      Promise.resolve({ items: [...all.values()].filter((order) => order.status === status) }),
    placedOn: () => Promise.resolve([...all.values()]),
    cancel: (orderId, customerId, cancelledAt) => {
      const order = all.get(orderId);
      if (order?.customerId !== customerId || order.status !== 'PLACED') return Promise.resolve(undefined);
      const cancelled: Order = { ...order, status: 'CANCELLED', cancelledAt };
      all.set(orderId, cancelled);
      return Promise.resolve(cancelled);
    },
  };
  return { orders: repository, all };
}

const clock: Pick<MonolithDeps, 'now' | 'newId'> = {
  now: () => at,
  newId: () => '7f3a9c21-5b1e-4c8d-9e0f-123456789abc',
};

const placed = (customerId: string, status: Order['status'] = 'PLACED'): Order => ({
  id: `order-of-${customerId}`,
  customerId,
  status,
  lines: [],
  total: { amount: 0, currency: 'EUR' },
  deliveryAddress: address,
  placedAt: '2026-12-01T12:00:00.000Z',
});

describe('the monolith menu', () => {
  const input = {
    name: 'Quattro Formaggi',
    description: 'Four cheeses.',
    category: 'pizza' as const,
    price: { amount: 1200, currency: 'EUR' },
  };
  const fields = { ...input, available: true };

  it('lists the available items and reads a withdrawn one, refusing an unknown id', async () => {
    const { menu } = memoryMenu([margherita, { ...margherita, id: 'funghi', available: false }]);
    await expect(listMenu({ limit: 10 }, { menu })).resolves.toEqual({ items: [margherita] });
    await expect(getMenuItem('funghi', { menu })).resolves.toMatchObject({ available: false });
    await expect(getMenuItem('calzone', { menu })).rejects.toThrow(new MenuItemNotFound('calzone'));
  });

  it('creates an item available at version 1, its id from its name unless the caller chose one', async () => {
    const { menu, all } = memoryMenu([]);
    const item = await createMenuItem(input, { menu, ...clock });
    expect(item).toEqual({
      ...input,
      id: 'quattro-formaggi-7f3a9c21',
      available: true,
      version: 1,
      updatedAt: at.toISOString(),
    });
    expect(all.get(item.id)).toEqual(item);
    await expect(createMenuItem({ ...input, id: 'cheese' }, { menu, ...clock })).resolves.toMatchObject({
      id: 'cheese',
    });
    await expect(createMenuItem({ ...input, name: '!!!' }, { menu, ...clock })).resolves.toMatchObject({
      id: 'item-7f3a9c21',
    });
  });

  it('updates an item at the next version only from the current version', async () => {
    const { menu, replaced } = memoryMenu([margherita]);
    await expect(updateMenuItem('margherita', { ...fields, version: 2 }, { menu, ...clock })).rejects.toThrow(
      new StaleMenuItem('margherita', 2),
    );
    expect(replaced).toEqual([]);
    const next = await updateMenuItem('margherita', { ...fields, version: 3 }, { menu, ...clock });
    expect(next).toEqual({ ...margherita, ...fields, version: 4, updatedAt: at.toISOString() });
    expect(replaced).toEqual([{ item: next, readVersion: 3 }]);
  });

  it('withdraws an item at the next version, once, retrying a concurrent change twice', async () => {
    const { menu, all, replaced } = memoryMenu([margherita], 2);
    const next = await withdrawMenuItem('margherita', { menu, ...clock });
    expect(next).toEqual({ ...margherita, available: false, version: 4, updatedAt: at.toISOString() });
    expect(replaced).toHaveLength(3);
    expect(replaced.map(({ readVersion }) => readVersion)).toEqual([3, 3, 3]);
    expect(all.get('margherita')).toEqual(next);

    await expect(withdrawMenuItem('margherita', { menu, ...clock })).resolves.toEqual(next);
    expect(replaced).toHaveLength(3);
  });

  it('gives a withdrawal up after three concurrent changes, and at once on any other failure', async () => {
    const stale = memoryMenu([margherita], 3);
    await expect(withdrawMenuItem('margherita', { menu: stale.menu, ...clock })).rejects.toThrow(
      StaleMenuItem,
    );
    expect(stale.replaced).toHaveLength(3);

    const { menu } = memoryMenu([margherita]);
    const replace = jest.spyOn(menu, 'replace').mockRejectedValue(new Error('throttled'));
    await expect(withdrawMenuItem('margherita', { menu, ...clock })).rejects.toThrow('throttled');
    expect(replace).toHaveBeenCalledTimes(1);
  });
});

describe('the monolith orders', () => {
  it('places an order PLACED for the caller, each item read once, priced from the menu', async () => {
    const { menu } = memoryMenu([margherita]);
    const get = jest.spyOn(menu, 'get');
    const { orders, all } = memoryOrders();
    const order = await placeOrder(
      {
        items: [
          { itemId: 'margherita', quantity: 2 },
          { itemId: 'margherita', quantity: 1 },
        ],
        deliveryAddress: address,
      },
      alice,
      { orders, menu, ...clock },
    );
    expect(order).toMatchObject({
      id: '7f3a9c21-5b1e-4c8d-9e0f-123456789abc',
      customerId: 'alice',
      status: 'PLACED',
      total: { amount: 2700, currency: 'EUR' },
      deliveryAddress: address,
      placedAt: at.toISOString(),
    });
    expect(order.lines.map((line) => line.name)).toEqual(['Margherita', 'Margherita']);
    expect(get.mock.calls).toEqual([['margherita']]);
    expect(all.get(order.id)).toEqual(order);
  });

  it('refuses an unavailable item with its own words, and a total no order may hold', () => {
    const menu = new Map([['margherita', { ...margherita, available: false }]]);
    expect(() => priceLines([{ itemId: 'margherita', quantity: 1 }], menu)).toThrow(
      new ItemNotOrderable('margherita', 'unavailable', 0),
    );
    expect(new ItemNotOrderable('margherita', 'unavailable', 0)).toMatchObject({
      message: 'Menu item margherita is not available.',
      errors: [{ path: 'body.items.0.itemId', message: 'Not available.' }],
    });
    expect(new ItemNotOrderable('calzone', 'unknown', 2)).toMatchObject({
      errors: [{ path: 'body.items.2.itemId', message: 'Unknown menu item.' }],
    });
    const dear = new Map([['margherita', { ...margherita, price: { amount: 99_999_999, currency: 'EUR' } }]]);
    expect(() => priceLines([{ itemId: 'margherita', quantity: 99 }], dear)).toThrow(OrderTooLarge);
    expect(new OrderTooLarge().message).toBe('The order total is larger than an order may be.');
  });

  it('totals an order without lines as zero euros', () => {
    expect(priceLines([], new Map()).total).toEqual({ amount: 0, currency: 'EUR' });
  });

  it('shows an order to its owner and staff, and to anyone else as missing', async () => {
    const { orders } = memoryOrders([placed('alice')]);
    await expect(getOrder('order-of-alice', alice, { orders })).resolves.toMatchObject({
      customerId: 'alice',
    });
    await expect(getOrder('order-of-alice', dana, { orders })).resolves.toMatchObject({
      customerId: 'alice',
    });
    await expect(getOrder('order-of-alice', bob, { orders })).rejects.toThrow(
      new OrderNotFound('order-of-alice'),
    );
    await expect(getOrder('no-such-order', dana, { orders })).rejects.toThrow(OrderNotFound);
  });

  it("lists the caller's own orders, and orders by status for staff only", async () => {
    const { orders } = memoryOrders([placed('alice'), placed('bob', 'CANCELLED')]);
    await expect(listOrders({ limit: 10 }, alice, { orders })).resolves.toEqual({ items: [placed('alice')] });
    await expect(listOrders({ limit: 10, status: 'CANCELLED' }, dana, { orders })).resolves.toEqual({
      items: [placed('bob', 'CANCELLED')],
    });
    expect(() => listOrders({ limit: 10, status: 'PLACED' }, alice, { orders })).toThrow(
      new ForbiddenError('Only staff may list orders by status.'),
    );
  });

  it('cancels a placed order of its owner, and answers a retried cancel the same', async () => {
    const { orders } = memoryOrders([placed('alice')]);
    const read = jest.spyOn(orders, 'get');
    const cancelled = await cancelOrder('order-of-alice', alice, { orders, ...clock });
    // The conditional write answers the cancelled order: no read after it.
    expect(read).not.toHaveBeenCalled();
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelledAt: at.toISOString() });
    await expect(cancelOrder('order-of-alice', alice, { orders, ...clock })).resolves.toEqual(cancelled);
  });

  it("refuses to cancel someone else's order as missing, and a ready one as not cancellable", async () => {
    const { orders } = memoryOrders([placed('alice'), placed('bob', 'READY')]);
    await expect(cancelOrder('order-of-alice', bob, { orders, ...clock })).rejects.toThrow(
      new OrderNotFound('order-of-alice'),
    );
    await expect(cancelOrder('no-such-order', bob, { orders, ...clock })).rejects.toThrow(OrderNotFound);
    await expect(cancelOrder('order-of-bob', bob, { orders, ...clock })).rejects.toThrow(
      new OrderNotCancellable('order-of-bob', 'READY'),
    );
    expect(new OrderNotCancellable('order-of-bob', 'READY').message).toBe(
      'Order order-of-bob is READY; only a PLACED order can be cancelled.',
    );
  });
});

describe('the monolith stores', () => {
  const amsterdam: Store = {
    id: 'ams',
    name: 'Slice Amsterdam',
    address: { line1: 'Dam 1', city: 'Amsterdam', postcode: '1012JS', country: 'NL' },
    phone: '+31 20 123 4567',
    openingHours: { monday: { opens: '16:00', closes: '22:00' } },
    timeZone: 'Europe/Amsterdam',
  };
  const stores = (): StoreRepository & { all: Map<string, Store> } => {
    const all = new Map<string, Store>();
    return {
      all,
      get: (storeId) => Promise.resolve(all.get(storeId)),
      list: () => Promise.resolve({ items: [...all.values()] }),
      put: (store) => Promise.resolve(void all.set(store.id, store)).then(() => store),
    };
  };

  it('puts a store under its id, reads it back and lists it', async () => {
    const repository = stores();
    const { id: _id, ...details } = amsterdam;
    await expect(putStore('ams', details, { stores: repository })).resolves.toEqual(amsterdam);
    await expect(getStore('ams', { stores: repository })).resolves.toEqual(amsterdam);
    await expect(listStores({ limit: 10 }, { stores: repository })).resolves.toEqual({ items: [amsterdam] });
  });

  it('refuses an unknown store', async () => {
    await expect(getStore('rotterdam', { stores: stores() })).rejects.toThrow(new StoreNotFound('rotterdam'));
  });
});

describe('salesOf', () => {
  it('lists the items sold most first, and equal quantities by id', () => {
    const line = (itemId: string, quantity: number) => ({
      itemId,
      name: itemId,
      quantity,
      unitPrice: { amount: 100, currency: 'EUR' },
      lineTotal: { amount: 100 * quantity, currency: 'EUR' },
    });
    const sales = salesOf('2026-12-01', [
      { ...placed('alice'), lines: [line('funghi', 1), line('diavola', 1), line('cola', 3)] },
    ]);
    expect(sales.itemsSold.map(({ itemId, quantity }) => [itemId, quantity])).toEqual([
      ['cola', 3],
      ['diavola', 1],
      ['funghi', 1],
    ]);
  });
});

describe('the monolith problems', () => {
  it("say what is wrong in the services' words", () => {
    expect(new MenuItemNotFound('calzone').message).toBe('There is no menu item calzone.');
    expect(new StaleMenuItem('margherita', 2).message).toBe(
      'Menu item margherita changed since version 2 was read; read it again and retry.',
    );
    expect(new MenuItemExists('margherita').message).toBe('Menu item margherita exists already.');
    expect(new OrderNotFound('o-1').message).toBe('There is no order o-1.');
    expect(new StoreNotFound('rotterdam').message).toBe('There is no store rotterdam.');
    expect(new ItemNotOrderable('calzone', 'unknown', 0).message).toBe('Menu item calzone does not exist.');
  });
});
