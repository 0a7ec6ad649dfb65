import { OrderCancelled, OrderPlaced } from '@slice/contracts-orders';
import type { EventPublisher } from '@slice/middleware';
import type { OrderEvents } from '../domain/ports';

/** Publishes `OrderPlaced` and `OrderCancelled`, with ids stable across redeliveries. */
export function orderEvents(publisher: EventPublisher): OrderEvents {
  return {
    placed: (order, correlationId) =>
      publisher.publish([
        {
          event: OrderPlaced,
          id: `${order.id}:placed`,
          occurredAt: order.placedAt,
          correlationId,
          entity: { order },
        },
      ]),
    cancelled: (order, correlationId) =>
      publisher.publish([
        {
          event: OrderCancelled,
          id: `${order.id}:cancelled`,
          occurredAt: order.cancelledAt ?? order.placedAt,
          correlationId,
          entity: { order },
        },
      ]),
  };
}
