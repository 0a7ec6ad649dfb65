/** The entities of the Kitchen contract. */
import { withMeta } from '@slice/contract';
import { MenuItemId } from '@slice/contracts-menu';
import { NotificationChannel, OrderId } from '@slice/contracts-orders';
import * as z from 'zod/mini';

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
export const TicketItem = withMeta(
  z.strictObject({
    itemId: MenuItemId,
    name: z.string(),
    quantity: z.number().check(z.int(), z.minimum(1), z.maximum(20)),
  }),
  { id: 'TicketItem' },
);

/** A ticket item. */
export type TicketItem = z.infer<typeof TicketItem>;

/** The Step Functions execution behind a ticket, as `DescribeExecution` reports it. */
export const TicketWorkflow = withMeta(
  z.strictObject({
    name: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE', 'UNKNOWN']),
    startedAt: z.optional(z.iso.datetime({ offset: true })),
    stoppedAt: z.optional(z.iso.datetime({ offset: true })),
  }),
  { id: 'TicketWorkflow' },
);

/** A ticket's workflow state. */
export type TicketWorkflow = z.infer<typeof TicketWorkflow>;

/** A kitchen ticket: one order to cook, where it is, and its workflow. */
export const Ticket = withMeta(
  z.strictObject({
    id: TicketId,
    orderId: OrderId,
    customerId: z.string(),
    status: TicketStatus,
    items: z.array(TicketItem).check(z.minLength(1)),
    bakeSeconds: z.number().check(z.int(), z.minimum(1)),
    channel: NotificationChannel,
    overdue: z.boolean(),
    placedAt: z.iso.datetime({ offset: true }),
    startedAt: z.optional(z.iso.datetime({ offset: true })),
    readyAt: z.optional(z.iso.datetime({ offset: true })),
    cancelledAt: z.optional(z.iso.datetime({ offset: true })),
    failedAt: z.optional(z.iso.datetime({ offset: true })),
    workflow: TicketWorkflow,
  }),
  { id: 'Ticket' },
);

/** A ticket. */
export type Ticket = z.infer<typeof Ticket>;

/** The ticket an event is about: enough for a consumer to find its order and customer. */
export const TicketRef = withMeta(
  z.strictObject({ id: TicketId, orderId: OrderId, customerId: z.string() }),
  { id: 'TicketRef' },
);
