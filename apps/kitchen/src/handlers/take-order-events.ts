import { OrderCancelled, OrderPlaced } from '@slice/contracts-orders';
import { sqs } from '@slice/middleware';
import { defaultChannel, events, now, tickets, workflows } from '../deps';
import { orderEventOf, OrderEventMessage } from '../adapters/messages';
import { dropOrder, takeOrder } from '../domain/use-cases';

/**
 * The Kitchen queue (an EventBridge rule sends `OrderPlaced` and `OrderCancelled` to it): one
 * workflow per placed order, a cancelled order's ticket cancelled. Partial batch responses: a
 * message that fails is retried alone and, after its receives, parked in the dead-letter queue.
 */
export const handler = sqs({ schema: OrderEventMessage }, async (message) => {
  const event = orderEventOf(message);
  if (event.type === OrderPlaced.detailType)
    await takeOrder(
      event.detail.order,
      { correlationId: event.detail.correlationId, causationId: event.detail.id },
      { workflows },
    );
  else if (event.type === OrderCancelled.detailType)
    await dropOrder(event.detail.order, event.detail.correlationId, {
      defaultChannel,
      events,
      now,
      tickets,
      workflows,
    });
});
