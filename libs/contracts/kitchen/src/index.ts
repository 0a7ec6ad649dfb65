/**
 * The Kitchen service's published contract (team kitchen, base path `/kitchen`): the ticket queue
 * the monolith served (same path, schema and examples), one ticket with its workflow, and the
 * cook's and staff's actions on it; the events Kitchen publishes as a ticket moves.
 */
import { defineContract, defineEvent, defineRoute, page, pageQuery } from '@slice/contract';
import { MenuItemId } from '@slice/contracts-menu';
import { NotificationChannel, Order, OrderId } from '@slice/contracts-orders';
import * as z from 'zod';

/** A ticket id: the id of the order it cooks (one ticket per order). */
export const TicketId = OrderId;

/**
 * Where a ticket is: waiting for a cook, in the oven, ready, or ended without a pizza (cancelled
 * by the customer or staff, or failed).
 */
export const TicketStatus = z.enum(['QUEUED', 'BAKING', 'READY', 'CANCELLED', 'FAILED']);

/** A ticket status. */
export type TicketStatus = z.infer<typeof TicketStatus>;

/** How the customer hears that the order is ready: the channel of Orders' contract (`order.notify`). */
export { NotificationChannel } from '@slice/contracts-orders';

/** What to cook: one line of the order, without prices. */
export const TicketItem = z
  .strictObject({ itemId: MenuItemId, name: z.string(), quantity: z.number().int().min(1).max(20) })
  .meta({ id: 'TicketItem' });

/** A ticket item. */
export type TicketItem = z.infer<typeof TicketItem>;

/** The Step Functions execution behind a ticket, as `DescribeExecution` reports it. */
export const TicketWorkflow = z
  .strictObject({
    name: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE', 'UNKNOWN']),
    startedAt: z.iso.datetime({ offset: true }).optional(),
    stoppedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({ id: 'TicketWorkflow' });

/** A ticket's workflow state. */
export type TicketWorkflow = z.infer<typeof TicketWorkflow>;

/** A kitchen ticket: one order to cook, where it is, and its workflow. */
export const Ticket = z
  .strictObject({
    id: TicketId,
    orderId: OrderId,
    customerId: z.string(),
    status: TicketStatus,
    items: z.array(TicketItem).min(1),
    bakeSeconds: z.number().int().min(1),
    channel: NotificationChannel,
    overdue: z.boolean(),
    placedAt: z.iso.datetime({ offset: true }),
    startedAt: z.iso.datetime({ offset: true }).optional(),
    readyAt: z.iso.datetime({ offset: true }).optional(),
    cancelledAt: z.iso.datetime({ offset: true }).optional(),
    failedAt: z.iso.datetime({ offset: true }).optional(),
    workflow: TicketWorkflow,
  })
  .meta({ id: 'Ticket' });

/** A ticket. */
export type Ticket = z.infer<typeof Ticket>;

/** The ticket an event is about: enough for a consumer to find its order and customer. */
export const TicketRef = z
  .strictObject({ id: TicketId, orderId: OrderId, customerId: z.string() })
  .meta({ id: 'TicketRef' });

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

/** An order's pizzas are out of the oven. */
export const OrderReady = defineEvent({
  source: 'slice.kitchen',
  detailType: 'OrderReady',
  version: 1,
  description: "A ticket's bake ended; published by the preparation workflow (events:putEvents).",
  entity: { ticket: TicketRef, readyAt: z.iso.datetime({ offset: true }) },
});

/** A ticket ended without a pizza: the order was cancelled, or staff cancelled it. */
export const TicketCancelled = defineEvent({
  source: 'slice.kitchen',
  detailType: 'TicketCancelled',
  version: 1,
  description: 'A ticket was cancelled while it waited for a cook or baked; its workflow ended.',
  entity: {
    ticket: TicketRef,
    cancelledAt: z.iso.datetime({ offset: true }),
    reason: z.enum(['ORDER_CANCELLED', 'STAFF']),
  },
});

/** A ticket has waited for a cook longer than the kitchen promises. */
export const TicketOverdue = defineEvent({
  source: 'slice.kitchen',
  detailType: 'TicketOverdue',
  version: 1,
  description: 'The overdue sweep (every 5 minutes) found a ticket waiting for a cook too long.',
  entity: { ticket: TicketRef, placedAt: z.iso.datetime({ offset: true }), waitedMinutes: z.number().int() },
});

/** A ticket's workflow failed on an error that retries did not overcome. */
export const TicketFailed = defineEvent({
  source: 'slice.kitchen',
  detailType: 'TicketFailed',
  version: 1,
  description: 'The preparation workflow caught an error it cannot handle; the ticket is FAILED.',
  entity: { ticket: TicketRef, error: z.string() },
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
