import type { ServerMessage, TrackedStatus } from '@slice/contracts-tracking';

/** An open connection and who opened it. */
export interface Connection {
  readonly connectionId: string;
  readonly customerId: string;
  readonly connectedAt: string;
  /** When API Gateway closes it at the latest (two hours after it opened): the item's TTL. */
  readonly expiresAt: Date;
}

/** A connection following an order, and who asked. */
export interface Watch {
  readonly orderId: string;
  readonly connectionId: string;
  readonly customerId: string;
  readonly expiresAt: Date;
}

/** What Tracking knows of an order, projected from the events it follows. */
export interface TrackedOrder {
  readonly orderId: string;
  /** The customer who owns it; unknown until an event that carries it (OrderPlaced) arrives. */
  readonly customerId?: string;
  /** The latest status and when the order reached it; unknown until a status event arrives. */
  readonly status?: TrackedStatus;
  readonly at?: string;
}

/** A status change one event brings. */
export interface StatusChange {
  readonly orderId: string;
  readonly status: TrackedStatus;
  /** When it happened (`occurredAt` of the event). */
  readonly at: string;
  /** The event's id: a redelivery of the same event counts as fresh again, so its pushes are retried. */
  readonly eventId: string;
}

/** Tracking's table: connections, who watches which order, and the orders' projection. */
export interface TrackingStore {
  saveConnection(connection: Connection): Promise<void>;
  /** Records a watch; `false` when the connection already watches as many orders as it may. */
  saveWatch(watch: Watch, maxPerConnection: number): Promise<boolean>;
  /** Removes a connection and every watch of it. */
  forgetConnection(connectionId: string): Promise<void>;
  removeWatch(orderId: string, connectionId: string): Promise<void>;
  order(orderId: string): Promise<TrackedOrder | undefined>;
  watchers(orderId: string): Promise<Watch[]>;
  /** Records who owns an order, once: the first owner an event names stays the owner. */
  recordOwner(orderId: string, customerId: string): Promise<void>;
  /**
   * Records a status unless the projection already holds a later one; returns the order as it is
   * now, or `undefined` when the change was stale (nothing to push).
   */
  recordStatus(change: StatusChange): Promise<TrackedOrder | undefined>;
}

/** How a message reaches a connection. */
export interface Pusher {
  /** Sends `message`; `gone` when the connection no longer exists (GoneException). */
  push(connectionId: string, message: ServerMessage): Promise<'sent' | 'gone'>;
}

/** Everything the use-cases need, wired once per cold start (`deps.ts`). */
export interface TrackingDeps {
  readonly store: TrackingStore;
  readonly pusher: Pusher;
  readonly now: () => Date;
}
