import { declareEventExpectations, type EventContract, type EventExpectation } from '@slice/contract';
import { OrderReady } from '@slice/contracts-kitchen';
import { OrderCancelled, OrderPlaced } from '@slice/contracts-orders';

/**
 * One event Tracking follows: the status it means for the order, and where in the event's detail
 * the order id and (when the event carries it) the order's owner are, as dot paths.
 */
export interface TrackedEvent<S extends string = string> {
  readonly event: EventContract;
  /** The status a customer sees once this event happened: `placed`. */
  readonly status: S;
  /** Where the order id is in the detail: `order.id`. */
  readonly orderId: string;
  /** Where the customer who owns the order is in the detail, when the event carries it: `order.customerId`. */
  readonly customerId?: string;
}

/**
 * Declares an event Tracking follows.
 *
 * @example
 * ```ts
 * trackedEvent(OrderPlaced, 'placed', { orderId: 'order.id', customerId: 'order.customerId' });
 * ```
 */
export function trackedEvent<const S extends string>(
  event: EventContract,
  status: S,
  paths: { readonly orderId: string; readonly customerId?: string },
): TrackedEvent<S> {
  return { event, status, ...paths };
}

/**
 * Every event Tracking follows, in the order an order lives through them. The EventBridge rule,
 * the projection and the statuses customers see all come from this list: following one more event
 * (another of Kitchen's) is one line here.
 */
export const trackedEvents = [
  trackedEvent(OrderPlaced, 'placed', { orderId: 'order.id', customerId: 'order.customerId' }),
  trackedEvent(OrderReady, 'ready', { orderId: 'ticket.orderId', customerId: 'ticket.customerId' }),
  trackedEvent(OrderCancelled, 'cancelled', { orderId: 'order.id', customerId: 'order.customerId' }),
] as const;

/** A status a customer sees. */
export type TrackedStatus = (typeof trackedEvents)[number]['status'];

/** The tracked event of a source and detail type, or `undefined` when Tracking does not follow it. */
export function trackedEventOf(source: string, detailType: string): TrackedEvent<TrackedStatus> | undefined {
  return trackedEvents.find(
    (tracked) => tracked.event.source === source && tracked.event.detailType === detailType,
  );
}

/**
 * What Tracking relies on in the events it follows: the order id, the owner where the event
 * carries one, and the envelope's `id` (deduplication) and `occurredAt` (ordering). Declared as
 * data (source, detail type, paths), like every consumer's expectations on events, and checked
 * against each provider's published event schemas by this lib's tests and by the provider's
 * contract suite.
 */
export const trackingExpectations: EventExpectation[] = trackedEvents.flatMap((tracked: TrackedEvent) =>
  declareEventExpectations('tracking', tracked.event.source.replace(/^slice\./, ''), [
    {
      source: tracked.event.source,
      detailType: tracked.event.detailType,
      fields: ['id', 'occurredAt', tracked.orderId, ...(tracked.customerId ? [tracked.customerId] : [])],
      reason: `Pushes '${tracked.status}' to the customer tracking the order${tracked.customerId ? ', and keeps who owns it' : ''}.`,
    },
  ]),
);
