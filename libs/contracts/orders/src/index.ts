/**
 * The Orders service's published contract (team orders, base path `/orders`).
 */
import { defineContract, defineRoute, page, pageQuery } from '@slice/contract';
import * as z from 'zod/mini';
import { OrderCancelled, OrderPlaced } from './events';
import { Order, OrderId, OrderStatus, PlaceOrderRequest } from './schemas';

export * from './events';
export * from './schemas';

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
  request: { query: z.strictObject({ status: z.optional(OrderStatus), ...pageQuery() }) },
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
