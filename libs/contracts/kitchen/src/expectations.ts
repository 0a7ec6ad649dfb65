import { defineEventExpectations } from '@slice/contract';
import { ordersContract } from '@slice/contracts-orders';

/**
 * What Kitchen reads from Orders' events (`apps/kitchen/src/handlers/take-order-events.ts`): a
 * ticket is opened from `OrderPlaced` (the order's id, customer, what to cook and when it was
 * placed, and the customer's channel when the order names one) and cancelled by `OrderCancelled`
 * (the order's id). Orders' contract suite, and this
 * lib's tests, fail when Orders' published event schemas stop declaring any of them as required.
 */
export const kitchenEventExpectations = defineEventExpectations('kitchen', ordersContract, [
  {
    detailType: 'OrderPlaced',
    fields: [
      'id',
      'correlationId',
      'order.id',
      'order.customerId',
      'order.placedAt',
      'order.lines[].itemId',
      'order.lines[].name',
      'order.lines[].quantity',
    ],
    optionalFields: ['order.notify'],
    reason:
      "Opens one ticket per order, with what to cook, how long it bakes and the customer's channel for the ready notification.",
  },
  {
    detailType: 'OrderCancelled',
    fields: ['id', 'correlationId', 'order.id'],
    reason: "Cancels the order's ticket and stops its workflow.",
  },
]);
