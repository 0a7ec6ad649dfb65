import { Order, OrderCancelled, OrderPlaced } from '@slice/contracts-orders';
import type { DetailOf } from '@slice/contract';
import * as z from 'zod/mini';

/**
 * A message of the Kitchen queue: the EventBridge event the rule delivered, whole. Its detail is
 * parsed against Orders' published schema of its detail type, so a message that breaks the
 * contract fails (and ends in the dead-letter queue), never half handled.
 */
export const OrderEventMessage = z.object({
  source: z.literal('slice.orders'),
  'detail-type': z.enum([OrderPlaced.detailType, OrderCancelled.detailType]),
  detail: z.unknown(),
});

/** A message of the Kitchen queue. */
export type OrderEventMessage = z.infer<typeof OrderEventMessage>;

/** An order event with its checked detail. */
export type OrderEvent =
  | { readonly type: 'OrderPlaced'; readonly detail: DetailOf<typeof OrderPlaced> }
  | { readonly type: 'OrderCancelled'; readonly detail: DetailOf<typeof OrderCancelled> };

/** The order event a queue message carries; throws zod's error naming the field that breaks Orders' schema. */
export function orderEventOf(message: OrderEventMessage): OrderEvent {
  return message['detail-type'] === 'OrderPlaced'
    ? {
        type: 'OrderPlaced',
        detail: OrderPlaced.detail.parse(message.detail) as DetailOf<typeof OrderPlaced>,
      }
    : {
        type: 'OrderCancelled',
        detail: OrderCancelled.detail.parse(message.detail) as DetailOf<typeof OrderCancelled>,
      };
}

/** What the preparation workflow's execution input is: the order, its correlation and causation ids. */
export const WorkflowInputSchema = z.object({
  order: Order,
  correlationId: z.string().check(z.minLength(1)),
  causationId: z.optional(z.string().check(z.minLength(1))),
});
