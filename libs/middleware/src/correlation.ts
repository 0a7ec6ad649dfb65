import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Both ids in one store: each `run` of an AsyncLocalStorage costs a warm call about a microsecond. */
interface Ids {
  readonly correlationId?: string;
  readonly causationId?: string;
}
const store = new AsyncLocalStorage<Ids>();

/** The header that carries a correlation id across HTTP hops. */
export const correlationHeader = 'x-correlation-id';

/** A correlation id a caller may send: 1 to 128 visible ASCII characters. Anything else is replaced. */
const acceptable = /^[\x21-\x7e]{1,128}$/;

/**
 * The correlation id of the invocation (or record) being handled, for outgoing events and calls.
 *
 * @example
 * ```ts
 * await bus.publish({ ...detail, correlationId: currentCorrelationId() ?? detail.id });
 * ```
 */
export function currentCorrelationId(): string | undefined {
  return store.getStore()?.correlationId;
}

/**
 * Runs `fn` with `correlationId` as the current correlation id.
 *
 * @example
 * ```ts
 * await withCorrelationId(detail.correlationId, () => handleOrderPlaced(detail));
 * ```
 */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return store.run({ ...store.getStore(), correlationId }, fn);
}

/**
 * The causation id of the invocation (or record) being handled: the id of what caused it (the
 * event or message it handles, or the HTTP request's id), which the events it publishes carry.
 *
 * @example
 * ```ts
 * publisher.publish([{ event: OrderPlaced, id, occurredAt, causationId: currentCausationId(), entity }]);
 * ```
 */
export function currentCausationId(): string | undefined {
  return store.getStore()?.causationId;
}

/**
 * Runs `fn` with `causationId` as the current causation id.
 *
 * @example
 * ```ts
 * await withCausationId(detail.id, () => handleOrderPlaced(detail));
 * ```
 */
export function withCausationId<T>(causationId: string, fn: () => T): T {
  return store.run({ ...store.getStore(), causationId }, fn);
}

/**
 * Runs `fn` with both ids at once, as `withCorrelationId` around `withCausationId` does.
 *
 * @example
 * ```ts
 * await withRequestIds(correlationIdFrom(header), event.requestContext.requestId, () => answer(event));
 * ```
 */
export function withRequestIds<T>(correlationId: string, causationId: string, fn: () => T): T {
  return store.run({ correlationId, causationId }, fn);
}

/**
 * The correlation id to use for an incoming value: the caller's when it is acceptable, a new one
 * otherwise.
 *
 * @example
 * ```ts
 * correlationIdFrom(event.headers['x-correlation-id']); // the caller's, or a new UUID
 * ```
 */
export function correlationIdFrom(value: unknown): string {
  return typeof value === 'string' && acceptable.test(value) ? value : randomUUID();
}

/**
 * The X-Ray trace header of the invocation being handled (Lambda's `_X_AMZN_TRACE_ID`, set per
 * invocation with active tracing), for HTTP calls to other services: the AWS SDK forwards it on
 * its own calls, a plain `fetch` does not.
 *
 * @example
 * ```ts
 * createClient(menuContract, { baseUrl, correlationId: currentCorrelationId, traceHeader: currentTraceHeader });
 * ```
 */
export function currentTraceHeader(): string | undefined {
  const header = process.env._X_AMZN_TRACE_ID;
  return header === undefined || header === '' ? undefined : header;
}
