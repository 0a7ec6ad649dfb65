import { OrderReady } from '@slice/contracts-kitchen';
import { eventbridge } from '@slice/middleware';
import { orders } from '../deps';
import { markOrderReady } from '../domain/use-cases';

/** Kitchen's `OrderReady` (an EventBridge rule): the order's status becomes READY. */
export const handler = eventbridge(OrderReady, async (detail) => {
  await markOrderReady(detail.ticket.orderId, detail.readyAt, detail.correlationId, { orders });
});
