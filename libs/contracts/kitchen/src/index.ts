/**
 * The Kitchen service's published contract (team kitchen, base path `/kitchen`): the ticket queue
 * the monolith served (same path, schema and examples), one ticket with its workflow, and the
 * cook's and staff's actions on it; the events Kitchen publishes as a ticket moves.
 */
import { defineContract, defineRoute, page, pageQuery } from '@slice/contract';
import { Order } from '@slice/contracts-orders';
import * as z from 'zod/mini';
import { OrderReady, TicketCancelled, TicketFailed, TicketOverdue } from './events';
import { Ticket, TicketId } from './schemas';

export * from './events';
export * from './schemas';

const ticketPath = z.strictObject({ ticketId: TicketId });
const unknownTicket = '5d0e6f1a-9b2c-4c3d-8e4f-000000000404';
const notFound = { 404: 'No such ticket.' };

/**
 * `GET /kitchen/queue` (staff): the orders waiting for the kitchen in cooking order, oldest first.
 * The route the monolith served, unchanged: the same path, query, schema (`page(Order)`) and example.
 */
export const getKitchenQueue = defineRoute({
  method: 'GET',
  path: '/kitchen/queue',
  operationId: 'getKitchenQueue',
  summary: 'The placed orders in cooking order: oldest first, a page at a time',
  auth: 'staff',
  request: { query: z.strictObject(pageQuery()) },
  status: 200,
  response: page(Order),
  examples: [
    {
      name: 'oldest first',
      request: { query: { limit: 10 } },
      response: {
        status: 200,
        body: {
          items: [
            {
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
              deliveryAddress: {
                name: 'Alice',
                line1: '1 Oven Street',
                city: 'Utrecht',
                postcode: '3511AA',
                country: 'NL',
              },
              placedAt: '2026-11-27T12:00:00.000Z',
            },
          ],
        },
      },
    },
  ],
});

/** `GET /kitchen/tickets/{ticketId}` (staff): one ticket with its workflow's state. */
export const getTicket = defineRoute({
  method: 'GET',
  path: '/kitchen/tickets/{ticketId}',
  operationId: 'getTicket',
  summary: 'One ticket, with the state of its preparation workflow',
  auth: 'staff',
  request: { path: ticketPath },
  status: 200,
  response: Ticket,
  errors: notFound,
  examples: [
    { name: 'unknown ticket', request: { path: { ticketId: unknownTicket } }, response: { status: 404 } },
  ],
});

/** `POST /kitchen/tickets/{ticketId}/start` (staff): a cook takes a QUEUED ticket; it is BAKING. */
export const startTicket = defineRoute({
  method: 'POST',
  path: '/kitchen/tickets/{ticketId}/start',
  operationId: 'startTicket',
  summary: 'A cook takes a queued ticket: it goes into the oven',
  auth: 'staff',
  request: { path: ticketPath },
  status: 200,
  response: Ticket,
  errors: { ...notFound, 409: 'The ticket is not QUEUED (already baking, ready or ended).' },
  examples: [
    { name: 'unknown ticket', request: { path: { ticketId: unknownTicket } }, response: { status: 404 } },
  ],
});

/** `POST /kitchen/tickets/{ticketId}/cancel` (staff): staff cancel a QUEUED or BAKING ticket. */
export const cancelTicket = defineRoute({
  method: 'POST',
  path: '/kitchen/tickets/{ticketId}/cancel',
  operationId: 'cancelTicket',
  summary: 'Staff cancel a ticket that is still queued or baking',
  auth: 'staff',
  request: { path: ticketPath },
  status: 200,
  response: Ticket,
  errors: { ...notFound, 409: 'The ticket is READY or already ended.' },
  examples: [
    { name: 'unknown ticket', request: { path: { ticketId: unknownTicket } }, response: { status: 404 } },
  ],
});

/**
 * The Kitchen service's contract.
 *
 * @example
 * ```ts
 * const kitchen = createClient(kitchenContract, { baseUrl: 'http://localhost:3000', token: staffToken });
 * const queue = await kitchen.getKitchenQueue({ query: { limit: 10 } });
 * ```
 */
export const kitchenContract = defineContract({
  service: {
    name: 'kitchen',
    team: 'kitchen',
    basePath: '/kitchen',
    version: '1.2.0',
    title: 'Slice Kitchen',
    description:
      'The cooking queue: a ticket per order, its preparation workflow, and the cook and staff actions on it.',
  },
  routes: { getKitchenQueue, getTicket, startTicket, cancelTicket },
  events: { OrderReady, TicketCancelled, TicketOverdue, TicketFailed },
});

export * from './expectations';
