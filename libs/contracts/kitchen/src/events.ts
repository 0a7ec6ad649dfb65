/** The events Kitchen publishes as a ticket moves. */
import { defineEvent } from '@slice/contract';
import * as z from 'zod/mini';
import { TicketRef } from './schemas';

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
  entity: {
    ticket: TicketRef,
    placedAt: z.iso.datetime({ offset: true }),
    waitedMinutes: z.number().check(z.int()),
  },
});

/** A ticket's workflow failed on an error that retries did not overcome. */
export const TicketFailed = defineEvent({
  source: 'slice.kitchen',
  detailType: 'TicketFailed',
  version: 1,
  description: 'The preparation workflow caught an error it cannot handle; the ticket is FAILED.',
  entity: { ticket: TicketRef, error: z.string() },
});
