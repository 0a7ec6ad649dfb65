/**
 * The Orders service's published contract (team orders, base path `/orders`).
 */
import { defineContract, defineEvent, defineRoute, freeText, Money, page, pageQuery } from '@slice/contract';
import { MenuItemId } from '@slice/contracts-menu';
import * as z from 'zod';

/** An order id: a UUID the service assigns. */
export const OrderId = z.uuid();

/** Where an order is in its life: READY once the kitchen's bake ended (Kitchen's `OrderReady`). */
export const OrderStatus = z.enum(['PLACED', 'CANCELLED', 'READY']);

/** An order status. */
export type OrderStatus = z.infer<typeof OrderStatus>;

/** Where the order goes. */
export const DeliveryAddress = z
  .strictObject({
    name: freeText({ min: 1, max: 100 }),
    line1: freeText({ min: 1, max: 200 }),
    line2: freeText({ max: 200 }).optional(),
    city: freeText({ min: 1, max: 100 }),
    postcode: freeText({ min: 2, max: 12 }),
    country: z.string().regex(/^[A-Z]{2}$/, 'An ISO 3166 alpha-2 code such as NL.'),
  })
  .meta({ id: 'DeliveryAddress' });

/** One line of an order, priced by the server from the menu. */
export const OrderLine = z
  .strictObject({
    itemId: MenuItemId,
    name: z.string(),
    quantity: z.number().int().min(1).max(20),
    unitPrice: Money,
    lineTotal: Money,
  })
  .meta({ id: 'OrderLine' });

/** An order line. */
export type OrderLine = z.infer<typeof OrderLine>;

/** How the customer hears that the order is ready: a text message or an email. */
export const NotificationChannel = z.enum(['sms', 'email']).meta({ id: 'NotificationChannel' });

/** A notification channel. */
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/** An order as its owner (or staff) reads it. */
export const Order = z
  .strictObject({
    id: OrderId,
    customerId: z.string(),
    status: OrderStatus,
    lines: z.array(OrderLine).min(1),
    total: Money,
    deliveryAddress: DeliveryAddress,
    placedAt: z.iso.datetime({ offset: true }),
    cancelledAt: z.iso.datetime({ offset: true }).optional(),
    readyAt: z.iso.datetime({ offset: true }).optional(),
    /** The channel the customer chose for "your order is ready"; absent: the kitchen's default. */
    notify: NotificationChannel.optional(),
  })
  .meta({ id: 'Order' });

/** An order. */
export type Order = z.infer<typeof Order>;

/**
 * What a customer sends to place an order: items, an address and, optionally, the channel to
 * hear on when it is ready. Never prices, status or the customer id: the server sets those, and an unknown field is a 400.
 */
export const PlaceOrderRequest = z
  .strictObject({
    items: z
      .array(z.strictObject({ itemId: MenuItemId, quantity: z.number().int().min(1).max(20) }))
      .min(1)
      .max(20),
    deliveryAddress: DeliveryAddress,
    /** Where to hear that the order is ready; absent: the kitchen's default channel. */
    notify: NotificationChannel.optional(),
  })
  .meta({ id: 'PlaceOrderRequest' });

/** A place-order request. */
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

const orderPath = z.strictObject({ orderId: OrderId });
const address = { name: 'Alice', line1: '1 Oven Street', city: 'Utrecht', postcode: '3511AA', country: 'NL' };

/** `POST /orders` (user, `Idempotency-Key`): places an order priced from the menu. */
export const placeOrder = defineRoute({
  method: 'POST',
  path: '/orders',
  operationId: 'placeOrder',
  summary: 'Place an order; prices and availability come from the menu',
  auth: 'user',
  request: { body: PlaceOrderRequest },
  status: 201,
  response: Order,
  idempotencyKey: true,
  errors: { 422: 'An item is unknown or unavailable; the detail names it.' },
  examples: [
    {
      name: 'two margheritas',
      request: { body: { items: [{ itemId: 'margherita', quantity: 2 }], deliveryAddress: address } },
      response: {
        status: 201,
        body: {
          id: '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10',
          customerId: 'alice',
          status: 'PLACED',
          lines: [
            {
              itemId: 'margherita',
              name: 'Margherita',
              quantity: 2,
              unitPrice: { amount: 900, currency: 'EUR' },
              lineTotal: { amount: 1800, currency: 'EUR' },
            },
          ],
          total: { amount: 1800, currency: 'EUR' },
          deliveryAddress: address,
          placedAt: '2026-11-27T12:00:00.000Z',
        },
      },
    },
    {
      name: 'unknown item',
      request: { body: { items: [{ itemId: 'no-such-item', quantity: 1 }], deliveryAddress: address } },
      response: { status: 422 },
    },
  ],
});

/** `GET /orders/{orderId}`: one order, for its owner or staff; anyone else gets a 404. */
export const getOrder = defineRoute({
  method: 'GET',
  path: '/orders/{orderId}',
  operationId: 'getOrder',
  summary: 'One order, for its owner or staff',
  auth: 'user',
  request: { path: orderPath },
  status: 200,
  response: Order,
  errors: { 404: "No such order for this caller (another customer's order is a 404 too)." },
});

/** `GET /orders`: the caller's orders, newest first; staff may list by status. */
export const listOrders = defineRoute({
  method: 'GET',
  path: '/orders',
  operationId: 'listOrders',
  summary: "The caller's orders, newest first; staff may list every order in a status",
  auth: 'user',
  request: { query: z.strictObject({ status: OrderStatus.optional(), ...pageQuery() }) },
  status: 200,
  response: page(Order),
  errors: { 403: 'Only staff may list orders by status.' },
});

/** `POST /orders/{orderId}/cancel`: the owner cancels a PLACED order; otherwise 409. */
export const cancelOrder = defineRoute({
  method: 'POST',
  path: '/orders/{orderId}/cancel',
  operationId: 'cancelOrder',
  summary: 'Cancel an order while it is still PLACED',
  auth: 'user',
  request: { path: orderPath },
  status: 200,
  response: Order,
  errors: { 404: 'No such order for this caller.', 409: 'The order is no longer PLACED.' },
});

/** A customer placed an order. */
export const OrderPlaced = defineEvent({
  source: 'slice.orders',
  detailType: 'OrderPlaced',
  version: 1,
  description: 'A customer placed an order; published from the orders table stream.',
  entity: { order: Order },
});

/** A customer cancelled an order. */
export const OrderCancelled = defineEvent({
  source: 'slice.orders',
  detailType: 'OrderCancelled',
  version: 1,
  description: 'A customer cancelled an order; published from the orders table stream.',
  entity: { order: Order },
});

/** The Orders service's contract. */
export const ordersContract = defineContract({
  service: {
    name: 'orders',
    team: 'orders',
    basePath: '/orders',
    version: '2.2.0',
    title: 'Slice Orders',
    description: 'Placing, reading and cancelling orders.',
  },
  routes: { placeOrder, getOrder, listOrders, cancelOrder },
  events: { OrderPlaced, OrderCancelled },
});

export * from './expectations';
export * from './fixtures';
