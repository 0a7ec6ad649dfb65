import { TicketCancelled, TicketOverdue } from '@slice/contracts-kitchen';
import type { EventPublisher } from '@slice/middleware';
import type { KitchenEvents } from '../domain/ports';
import { ticketRef } from '../domain/ticket';

/**
 * Publishes what Kitchen's functions announce (`TicketCancelled`, `TicketOverdue`), with ids stable
 * across redeliveries; the workflow announces `OrderReady` and `TicketFailed` itself.
 */
export function kitchenEvents(publisher: EventPublisher): KitchenEvents {
  return {
    cancelled: (ticket, at, reason) =>
      publisher.publish([
        {
          event: TicketCancelled,
          id: `${ticket.id}:cancelled`,
          occurredAt: at,
          correlationId: ticket.correlationId,
          entity: { ticket: ticketRef(ticket), cancelledAt: at, reason },
        },
      ]),
    overdue: (ticket, waitedMinutes, correlationId) =>
      publisher.publish([
        {
          event: TicketOverdue,
          id: `${ticket.id}:overdue`,
          occurredAt: new Date().toISOString(),
          correlationId,
          entity: { ticket: ticketRef(ticket), placedAt: ticket.placedAt, waitedMinutes },
        },
      ]),
  };
}
