/** The events Orders publishes. */
import { defineEvent } from '@slice/contract';
import { Order } from './schemas';

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
