/**
 * A tiny in-memory provider of the sample shop contract for the suite's own tests: correct by
 * default, with switches that each break it in one way a real service could.
 */
import { randomUUID } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError, UnprocessableContentError } from '@slice/contract';
import { fakeProvider, type FakeCaller, type FakeHandler } from '../src/fake-provider';
import type { Target } from '../src/target';
import { margherita, shopContract, type Item, type Order } from './sample-contract';

export interface ShopBreaks {
  /** Answers items without `available`. */
  readonly dropField?: boolean;
  /** Answers items with the table's `pk`. */
  readonly extraField?: boolean;
  /** Crashes on an unknown item and shows the crash. */
  readonly leakOnUnknown?: boolean;
  /** Accepts any body on createItem. */
  readonly skipCreateValidation?: boolean;
  /** Shows and cancels any order for any signed-in caller. */
  readonly noOwnershipCheck?: boolean;
  /** Stores an item before validating it: the refusal comes after the write. */
  readonly writeRefused?: boolean;
  /** Runs concurrent requests with one Idempotency-Key all the way: two effects. */
  readonly racyIdempotency?: boolean;
  /** Keeps replies under `<caller>:<key>`: two callers' keys can meet. */
  readonly joinedIdempotencyKeys?: boolean;
  /** Joins the groups list with commas and splits it again. */
  readonly joinedGroups?: boolean;
  /** Serves a percent-encoded base path as the route it decodes to. */
  readonly servesEncodedPaths?: boolean;
  /** Names order lines differently (for parity). */
  readonly lineName?: string;
}

type Body = Record<string, unknown>;

/** The shop's state, with how it shows and finds what it holds. */
interface Shop {
  readonly breaks: ShopBreaks;
  readonly items: Map<string, Item>;
  readonly orders: Map<string, Order>;
  readonly shown: (item: Item) => unknown;
  readonly find: (id: unknown) => Item;
  readonly owned: (id: unknown, caller: FakeCaller | undefined) => Order;
}

function openShop(breaks: ShopBreaks): Shop {
  const items = new Map<string, Item>([[margherita.id, margherita]]);
  const orders = new Map<string, Order>();
  return {
    breaks,
    items,
    orders,
    shown(item) {
      const { available, ...rest } = item;
      return {
        ...rest,
        ...(breaks.dropField ? {} : { available }),
        ...(breaks.extraField ? { pk: `ITEM#${item.id}` } : {}),
      };
    },
    find(id) {
      const item = items.get(String(id));
      if (item) return item;
      if (breaks.leakOnUnknown)
        throw new TypeError(
          `Cannot read properties of undefined (reading 'price') at getItem (/var/task/index.js:12:7)`,
        );
      throw new NotFoundError(`There is no item ${String(id)}.`);
    },
    owned(id, caller) {
      const order = orders.get(String(id));
      if (!order || (!breaks.noOwnershipCheck && !caller?.isStaff && order.customerId !== caller?.id)) {
        throw new NotFoundError('No such order for this caller.');
      }
      return order;
    },
  };
}

function itemHandlers({ items, shown, find }: Shop): Record<string, FakeHandler> {
  return {
    listItems: ({ query }) => {
      const cursor = typeof query.cursor === 'string' ? query.cursor : undefined;
      const offset = cursor === undefined ? 0 : Number(Buffer.from(cursor, 'base64url').toString());
      if (!Number.isInteger(offset) || offset < 0) throw new BadRequestError('The cursor is not valid.');
      const all = [...items.values()].filter(
        (item) => item.available && (!query.category || item.category === query.category),
      );
      const limit = Number(query.limit);
      const next =
        offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
      return { items: all.slice(offset, offset + limit).map(shown), ...(next ? { nextCursor: next } : {}) };
    },
    getItem: ({ path }) => shown(find(path.itemId)),
    createItem: ({ body }) => {
      const input = body as Body;
      const id = typeof input.id === 'string' ? input.id : `item-${randomUUID().slice(0, 8)}`;
      if (items.has(id)) throw new ConflictError(`Item ${id} exists already.`);
      const item = {
        id,
        name: input.name,
        category: input.category,
        price: input.price,
        available: true,
        version: 1,
      } as Item;
      items.set(id, item);
      return shown(item);
    },
    updateItem: ({ path, body }) => {
      const item = find(path.itemId);
      const { version, ...changes } = body as Body;
      if (version !== item.version) throw new ConflictError('Stale version.');
      const updated = { ...item, ...changes, version: item.version + 1 };
      items.set(item.id, updated);
      return shown(updated);
    },
  };
}

function orderHandlers({ breaks, items, orders, owned }: Shop): Record<string, FakeHandler> {
  return {
    placeOrder: ({ body }, caller) => {
      const input = body as { items: Array<{ itemId: string; quantity: number }> };
      const lines = input.items.map(({ itemId, quantity }, index) => {
        const item = items.get(itemId);
        if (!item) throw new UnprocessableContentError(`items.${index}.itemId: ${itemId} is unknown.`);
        return {
          itemId,
          name: breaks.lineName ?? item.name,
          quantity,
          total: { amount: item.price.amount * quantity, currency: item.price.currency },
        };
      });
      const order: Order = {
        id: randomUUID(),
        customerId: caller?.id ?? '',
        status: 'PLACED',
        lines,
        placedAt: new Date().toISOString(),
      };
      orders.set(order.id, order);
      return order;
    },
    getOrder: ({ path }, caller) => owned(path.orderId, caller),
    cancelOrder: ({ path }, caller) => {
      const order = owned(path.orderId, caller);
      if (order.status !== 'PLACED') throw new ConflictError('Not PLACED.');
      const cancelled: Order = { ...order, status: 'CANCELLED' };
      orders.set(order.id, cancelled);
      return cancelled;
    },
  };
}

/** The break `writeRefused`: a create refused with 400 still stores the item it named. */
function writingRefused(target: Target, items: Map<string, Item>): Target {
  return {
    ...target,
    async send(request) {
      const response = await target.send(request);
      const sent = (() => {
        try {
          return JSON.parse(request.body ?? '') as Body;
        } catch {
          return undefined;
        }
      })();
      if (
        request.method === 'POST' &&
        request.path === '/shop/items' &&
        response.status === 400 &&
        typeof sent?.id === 'string'
      ) {
        items.set(sent.id, { ...margherita, id: sent.id });
      }
      return response;
    },
  };
}

export async function fakeShop(breaks: ShopBreaks = {}, name = 'fake shop'): Promise<Target> {
  const shop = openShop(breaks);
  const handlers: Record<string, FakeHandler> = { ...itemHandlers(shop), ...orderHandlers(shop) };
  const target = await fakeProvider(shopContract, handlers, {
    name,
    leakErrors: Boolean(breaks.leakOnUnknown),
    racyIdempotency: Boolean(breaks.racyIdempotency),
    joinedIdempotencyKeys: Boolean(breaks.joinedIdempotencyKeys),
    joinedGroups: Boolean(breaks.joinedGroups),
    servesEncodedPaths: Boolean(breaks.servesEncodedPaths),
    ...(breaks.skipCreateValidation ? { skipValidation: ['createItem'] } : {}),
  });
  return breaks.writeRefused ? writingRefused(target, shop.items) : target;
}
