import type { Order, OrderStatus, PlaceOrderRequest } from '@slice/contracts-orders';
import { ForbiddenError } from '@slice/contract';
import {
  backfillCorrelationId,
  canRead,
  OrderNotCancellable,
  OrderNotFound,
  priceLines,
  type Caller,
} from './order';
import type { OrderDeps, OrderPage, PageQuery } from './ports';

/** `POST /orders`: prices the items from Menu, totals on the server, stores the order PLACED. */
export async function placeOrder(
  request: PlaceOrderRequest,
  caller: Caller,
  correlationId: string,
  { orders, menu, now, newId }: Pick<OrderDeps, 'orders' | 'menu' | 'now' | 'newId'>,
): Promise<Order> {
  const itemIds = [...new Set(request.items.map((item) => item.itemId))];
  const { lines, total } = priceLines(request.items, await menu.items(itemIds));
  const order: Order = {
    id: newId(),
    customerId: caller.id,
    status: 'PLACED',
    lines,
    total,
    deliveryAddress: request.deliveryAddress,
    placedAt: now().toISOString(),
    ...(request.notify ? { notify: request.notify } : {}),
  };
  await orders.create(order, correlationId);
  return order;
}

/** `GET /orders/{orderId}`: the order for its owner or staff; a 404 for anyone else. */
export async function getOrder(
  orderId: string,
  caller: Caller,
  { orders }: Pick<OrderDeps, 'orders'>,
): Promise<Order> {
  const order = await orders.get(orderId);
  if (!order || !canRead(order, caller)) throw new OrderNotFound(orderId);
  return order;
}

/** `GET /orders`: the caller's orders newest first; staff may list every order in a status. */
export function listOrders(
  query: PageQuery & { status?: OrderStatus },
  caller: Caller,
  { orders }: Pick<OrderDeps, 'orders'>,
): Promise<OrderPage> {
  const { status, ...page } = query;
  if (status === undefined) return orders.listByCustomer(caller.id, page);
  if (!caller.isStaff) throw new ForbiddenError('Only staff may list orders by status.');
  return orders.listByStatus(status, page);
}

/** `POST /orders/{orderId}/cancel`: the owner cancels a PLACED order, in one conditional write. */
export async function cancelOrder(
  orderId: string,
  caller: Caller,
  correlationId: string,
  { orders, now }: Pick<OrderDeps, 'orders' | 'now'>,
): Promise<Order> {
  const cancelled = await orders.cancel(orderId, caller.id, now().toISOString(), correlationId);
  if (cancelled) return cancelled;
  const order = await orders.get(orderId);
  if (!order || order.customerId !== caller.id) throw new OrderNotFound(orderId);
  // A retried cancel (its first answer lost) finds the order cancelled: the same answer again.
  if (order.status === 'CANCELLED') return order;
  throw new OrderNotCancellable(orderId, order.status);
}

/**
 * Table stream: a new order is `OrderPlaced`, a PLACED order that became CANCELLED is
 * `OrderCancelled`. The event ids are stable, so a redelivered change is the same event. An order
 * copied from the monolith ({@link backfillCorrelationId}) was placed long ago: consumers such as
 * the kitchen must not act on it, so its arrival is not announced (a later cancel still is).
 */
export async function announceOrderChange(
  before: Order | undefined,
  after: Order,
  correlationId: string,
  { events }: Pick<OrderDeps, 'events'>,
): Promise<void> {
  if (!before) {
    if (correlationId !== backfillCorrelationId) await events.placed(after, correlationId);
  } else if (before.status === 'PLACED' && after.status === 'CANCELLED')
    await events.cancelled(after, correlationId);
}

/**
 * Kitchen's `OrderReady`: a PLACED order becomes READY, in one conditional write. A redelivery, or
 * an order cancelled meanwhile, changes nothing (the kitchen does not bake cancelled orders, but
 * the events can cross).
 */
export async function markOrderReady(
  orderId: string,
  readyAt: string,
  correlationId: string,
  { orders }: Pick<OrderDeps, 'orders'>,
): Promise<Order | undefined> {
  return orders.markReady(orderId, readyAt, correlationId);
}
