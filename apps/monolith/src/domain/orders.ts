import { ForbiddenError, Money } from '@slice/contract';
import type { MenuItem } from '@slice/contracts-menu';
import type { Order, OrderLine, OrderStatus, PlaceOrderRequest } from '@slice/contracts-orders';
import {
  ItemNotOrderable,
  MixedCurrencies,
  OrderNotCancellable,
  OrderNotFound,
  OrderTooLarge,
} from './errors';
import type { Caller, MonolithDeps, Page, PageQuery } from './ports';

/** Prices the requested lines from the menu; the client never sends prices. */
export function priceLines(
  requested: ReadonlyArray<{ itemId: string; quantity: number }>,
  menu: ReadonlyMap<string, MenuItem | undefined>,
): { lines: OrderLine[]; total: Money } {
  const lines = requested.map(({ itemId, quantity }, index) => {
    const item = menu.get(itemId);
    if (!item) throw new ItemNotOrderable(itemId, 'unknown', index);
    if (!item.available) throw new ItemNotOrderable(itemId, 'unavailable', index);
    return {
      itemId,
      name: item.name,
      quantity,
      unitPrice: item.price,
      lineTotal: { amount: item.price.amount * quantity, currency: item.price.currency },
    };
  });
  const currencies = new Set(lines.map((line) => line.unitPrice.currency));
  if (currencies.size > 1) throw new MixedCurrencies();
  const [currency = 'EUR'] = currencies;
  const total = { amount: lines.reduce((sum, line) => sum + line.lineTotal.amount, 0), currency };
  if (!Money.safeParse(total).success) throw new OrderTooLarge();
  return { lines, total };
}

/** Whether the caller may see an order: its owner, or staff. */
export const canRead = (order: Order, caller: Caller): boolean =>
  caller.isStaff || order.customerId === caller.id;

/**
 * `POST /orders`: prices the items from the monolith's own menu rows (no HTTP: it is one
 * program), totals on the server, stores the order PLACED.
 */
export async function placeOrder(
  request: PlaceOrderRequest,
  caller: Caller,
  { orders, menu, now, newId }: Pick<MonolithDeps, 'orders' | 'menu' | 'now' | 'newId'>,
): Promise<Order> {
  const itemIds = [...new Set(request.items.map((item) => item.itemId))];
  const items = new Map(await Promise.all(itemIds.map(async (id) => [id, await menu.get(id)] as const)));
  const { lines, total } = priceLines(request.items, items);
  const order: Order = {
    id: newId(),
    customerId: caller.id,
    status: 'PLACED',
    lines,
    total,
    deliveryAddress: request.deliveryAddress,
    placedAt: now().toISOString(),
  };
  await orders.create(order);
  return order;
}

/** `GET /orders/{orderId}`: the order for its owner or staff; a 404 for anyone else. */
export async function getOrder(
  orderId: string,
  caller: Caller,
  { orders }: Pick<MonolithDeps, 'orders'>,
): Promise<Order> {
  const order = await orders.get(orderId);
  if (!order || !canRead(order, caller)) throw new OrderNotFound(orderId);
  return order;
}

/** `GET /orders`: the caller's orders newest first; staff may list every order in a status. */
export function listOrders(
  query: PageQuery & { status?: OrderStatus },
  caller: Caller,
  { orders }: Pick<MonolithDeps, 'orders'>,
): Promise<Page<Order>> {
  const { status, ...page } = query;
  if (status === undefined) return orders.listByCustomer(caller.id, page);
  if (!caller.isStaff) throw new ForbiddenError('Only staff may list orders by status.');
  return orders.listByStatus(status, page);
}

/** `POST /orders/{orderId}/cancel`: the owner cancels a PLACED order, in one conditional write. */
export async function cancelOrder(
  orderId: string,
  caller: Caller,
  { orders, now }: Pick<MonolithDeps, 'orders' | 'now'>,
): Promise<Order> {
  const cancelled = await orders.cancel(orderId, caller.id, now().toISOString());
  if (cancelled) return cancelled;
  const order = await orders.get(orderId);
  if (!order || order.customerId !== caller.id) throw new OrderNotFound(orderId);
  // A retried cancel (its first answer lost) finds the order cancelled: the same answer again.
  if (order.status === 'CANCELLED') return order;
  throw new OrderNotCancellable(orderId, order.status);
}
