import type { Order, OrderStatus } from '@slice/contracts-orders';
import type { PricedItem } from '../src/domain/order';
import type { MenuCatalog, OrderDeps, OrderRepository, PageQuery } from '../src/domain/ports';

/** An in-memory order repository with the same rules as the DynamoDB one. */
export function memoryOrders(): OrderRepository & { all: Map<string, Order> } {
  const all = new Map<string, Order>();
  const page = (orders: Order[], { limit, cursor }: PageQuery) => {
    const sorted = orders.sort((a, b) => b.placedAt.localeCompare(a.placedAt));
    const start = cursor ? Number(cursor) : 0;
    const items = sorted.slice(start, start + limit);
    return { items, ...(start + limit < sorted.length ? { nextCursor: String(start + limit) } : {}) };
  };
  return {
    all,
    create: (order) => {
      all.set(order.id, order);
      return Promise.resolve();
    },
    get: (orderId) => Promise.resolve(all.get(orderId)),
    listByCustomer: (customerId, query) =>
      Promise.resolve(
        page(
          [...all.values()].filter((o) => o.customerId === customerId),
          query,
        ),
      ),
    listByStatus: (status: OrderStatus, query) =>
      Promise.resolve(
        page(
          [...all.values()].filter((o) => o.status === status),
          query,
        ),
      ),
    cancel: (orderId, customerId, at) => {
      const order = all.get(orderId);
      if (!order || order.customerId !== customerId || order.status !== 'PLACED')
        return Promise.resolve(undefined);
      const cancelled: Order = { ...order, status: 'CANCELLED', cancelledAt: at };
      all.set(orderId, cancelled);
      return Promise.resolve(cancelled);
    },
    markReady: (orderId, at) => {
      const order = all.get(orderId);
      if (!order || order.status !== 'PLACED') return Promise.resolve(undefined);
      const ready: Order = { ...order, status: 'READY', readyAt: at };
      all.set(orderId, ready);
      return Promise.resolve(ready);
    },
  };
}

/** A menu with fixed items. */
export function fixedMenu(items: PricedItem[]): MenuCatalog {
  const byId = new Map(items.map((item) => [item.id, item]));
  return { items: (ids) => Promise.resolve(new Map(ids.map((id) => [id, byId.get(id)]))) };
}

export const margherita: PricedItem = {
  id: 'margherita',
  name: 'Margherita',
  price: { amount: 900, currency: 'EUR' },
  available: true,
};
export const diavola: PricedItem = {
  id: 'diavola',
  name: 'Diavola',
  price: { amount: 1150, currency: 'EUR' },
  available: true,
};
export const retired: PricedItem = {
  id: 'hawaii',
  name: 'Hawaii',
  price: { amount: 1000, currency: 'EUR' },
  available: false,
};

export const address = {
  name: 'Alice',
  line1: '1 Oven Street',
  city: 'Utrecht',
  postcode: '3511AA',
  country: 'NL',
};

let ids = 0;
/** Deps for use-case tests, with a fixed clock and counting ids. */
export function testDeps(
  menu: MenuCatalog = fixedMenu([margherita, diavola, retired]),
): OrderDeps & { orders: ReturnType<typeof memoryOrders> } {
  return {
    orders: memoryOrders(),
    menu,
    events: { placed: () => Promise.resolve(), cancelled: () => Promise.resolve() },
    now: () => new Date(Date.UTC(2026, 10, 27, 12, 0, ids)),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
}
