import {
  TrackRequest,
  trackedEventOf,
  trackingContract,
  type ErrorMessage,
  type ServerMessage,
  type StatusMessage,
} from '@slice/contracts-tracking';
import type { TrackedOrder, TrackingDeps, Watch } from './ports';
import { connectionExpiry, maxOrdersPerConnection, stringAt } from './rules';

/** Who sent a message: the connection, and the customer the authorizer let in on it. */
export interface Caller {
  readonly connectionId: string;
  readonly customerId: string;
}

const acceptedActions = Object.keys(trackingContract.accepts);

/** Another customer's order answers the same as an order that does not exist. */
export const orderNotFound = (orderId: string): ErrorMessage => ({
  type: 'error',
  code: 'order-not-found',
  message: 'No such order for this caller.',
  orderId,
});

const statusOf = (order: TrackedOrder): StatusMessage | undefined =>
  order.status && order.at
    ? { type: 'status', orderId: order.orderId, status: order.status, at: order.at }
    : undefined;

/** Records a connection the authorizer let in, with its TTL at the two-hour connection limit. */
export async function openConnection(caller: Caller, { store, now }: TrackingDeps): Promise<void> {
  const connectedAt = now();
  await store.saveConnection({
    ...caller,
    connectedAt: connectedAt.toISOString(),
    expiresAt: connectionExpiry(connectedAt),
  });
}

/** Forgets a connection that closed, and every order it followed. */
export async function closeConnection(connectionId: string, { store }: TrackingDeps): Promise<void> {
  await store.forgetConnection(connectionId);
}

/** A message body parsed against `TrackRequest`, or the error that says what is wrong with it. */
export function parseTrackRequest(
  body: string | undefined,
): { readonly request: TrackRequest } | { readonly error: ErrorMessage } {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return { error: { type: 'error', code: 'invalid-message', message: 'A message is a JSON object.' } };
  }
  const parsed = TrackRequest.safeParse(value);
  if (parsed.success) return { request: parsed.data };
  return {
    error: {
      type: 'error',
      code: 'invalid-message',
      message: 'The track message is not valid; see fields.',
      fields: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(message)',
        message: issue.message,
      })),
    },
  };
}

/**
 * Follows an order for its owner: the current status at once (`pending` when Tracking has not
 * heard of the order yet), then every change. Another customer's order is `order-not-found` and
 * is not followed; more than {@link maxOrdersPerConnection} orders on one connection is refused.
 */
export async function trackOrder(
  request: TrackRequest,
  caller: Caller,
  { store, now }: TrackingDeps,
): Promise<ServerMessage> {
  const { orderId } = request;
  const known = await store.order(orderId);
  if (known?.customerId !== undefined && known.customerId !== caller.customerId)
    return orderNotFound(orderId);
  const watch: Watch = { orderId, ...caller, expiresAt: connectionExpiry(now()) };
  if (!(await store.saveWatch(watch, maxOrdersPerConnection))) {
    return {
      type: 'error',
      code: 'too-many-orders',
      message: `One connection follows at most ${maxOrdersPerConnection} orders; open another.`,
      orderId,
    };
  }
  // Read again after the watch is saved: a change recorded in between is then either in this
  // answer or pushed to the watch, never lost.
  const order = (await store.order(orderId)) ?? known;
  if (order?.customerId !== undefined && order.customerId !== caller.customerId) {
    await store.removeWatch(orderId, caller.connectionId);
    return orderNotFound(orderId);
  }
  return (
    (order && statusOf(order)) ?? {
      type: 'pending',
      orderId,
      message: 'This order is not known to tracking yet; its status follows as soon as it is.',
    }
  );
}

/** The answer to a message no route takes: what the API accepts. */
export function unknownAction(body: string | undefined): ErrorMessage {
  let action: unknown;
  try {
    action = (JSON.parse(body ?? '') as { action?: unknown } | null)?.action;
  } catch {
    return {
      type: 'error',
      code: 'invalid-message',
      message: `A message is a JSON object with an action; this API accepts: ${acceptedActions.join(', ')}.`,
    };
  }
  const named = typeof action === 'string' ? `Unknown action "${action.slice(0, 40)}"` : 'No action';
  return {
    type: 'error',
    code: 'unknown-action',
    message: `${named}; this API accepts: ${acceptedActions.join(', ')}.`,
  };
}

/** An event as the rule delivers it, its detail already parsed against its contract. */
export interface IncomingEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: { readonly id: string; readonly occurredAt: string };
}

/** What one event's pushes did. */
export interface PushReport {
  readonly sent: number;
  /** Connections that answered GoneException, now forgotten. */
  readonly gone: number;
  /** Watches of another customer, told `order-not-found` and removed. */
  readonly refused: number;
}

const nothingPushed: PushReport = { sent: 0, gone: 0, refused: 0 };

/**
 * Projects one followed event (owner, status) and pushes the new status to every connection of
 * the order's owner following it. A watch of someone else (made before the owner was known) is
 * told `order-not-found` and removed; a connection that is gone is forgotten. A stale event (the
 * projection holds a later status) pushes nothing. Any other failed push fails the whole event,
 * so the rule retries it and every watcher gets the status at least once.
 */
export async function announceEvent(event: IncomingEvent, deps: TrackingDeps): Promise<PushReport> {
  const tracked = trackedEventOf(event.source, event.detailType);
  const orderId = tracked && stringAt(event.detail, tracked.orderId);
  if (!tracked || !orderId) return nothingPushed;
  const owner = tracked.customerId ? stringAt(event.detail, tracked.customerId) : undefined;
  if (owner) await deps.store.recordOwner(orderId, owner);
  const order = await deps.store.recordStatus({
    orderId,
    status: tracked.status,
    at: event.detail.occurredAt,
    eventId: event.detail.id,
  });
  const status = order && statusOf(order);
  // Until an event names the owner, nobody is told anything.
  if (!order?.customerId || !status) return nothingPushed;
  return pushToWatchers(order.customerId, status, deps);
}

async function pushToWatchers(owner: string, status: StatusMessage, deps: TrackingDeps): Promise<PushReport> {
  const { store, pusher } = deps;
  const watchers = await store.watchers(status.orderId);
  const outcomes = await Promise.allSettled(
    watchers.map(async (watch) => {
      if (watch.customerId !== owner) {
        await store.removeWatch(watch.orderId, watch.connectionId);
        const answer = await pusher.push(watch.connectionId, orderNotFound(watch.orderId));
        if (answer === 'gone') await store.forgetConnection(watch.connectionId);
        return 'refused' as const;
      }
      const answer = await pusher.push(watch.connectionId, status);
      if (answer === 'gone') await store.forgetConnection(watch.connectionId);
      return answer;
    }),
  );
  const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
  if (failed.length > 0) {
    const reasons = failed.map((outcome) => outcome.reason as unknown);
    const names = [...new Set(reasons.map((reason) => (reason instanceof Error ? reason.name : 'Error')))];
    throw new AggregateError(
      reasons,
      `${failed.length} of ${watchers.length} pushes of ${status.orderId} failed (${names.join(', ')}).`,
    );
  }
  const count = (value: string) =>
    outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value === value).length;
  return { sent: count('sent'), gone: count('gone'), refused: count('refused') };
}
