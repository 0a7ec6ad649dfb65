/** An event the local cloud saw put on a bus, as `GET /_local/events` lists it. */
export interface LocalEvent {
  readonly id: string;
  readonly time: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly eventBusName: string;
  readonly resources: readonly string[];
  /** The local function that put it (`SliceOrders-dev/PublishOrderEvents…`). */
  readonly functionId: string;
}

/** Which events {@link localEvents} and {@link waitForLocalEvents} return. */
export interface LocalEventQuery {
  readonly source?: string;
  readonly detailType?: string;
  /** Keeps only the events whose detail this returns true for (e.g. one order's). */
  readonly where?: (event: LocalEvent) => boolean;
}

async function fetchEvents(baseUrl: string, query: LocalEventQuery): Promise<LocalEvent[]> {
  const url = new URL('/_local/events', baseUrl);
  if (query.source) url.searchParams.set('source', query.source);
  if (query.detailType) url.searchParams.set('detailType', query.detailType);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`GET ${url.href} answered ${response.status}: is the local cloud running there?`);
  }
  const { events } = (await response.json()) as { events: LocalEvent[] };
  return query.where ? events.filter(query.where) : events;
}

/**
 * The events put on the local cloud's buses so far, oldest first, from its `/_local/events`
 * admin route.
 *
 * @example
 * ```ts
 * const placed = await localEvents('http://localhost:3000', { source: 'slice.orders', detailType: 'OrderPlaced' });
 * ```
 */
export function localEvents(baseUrl: string, query: LocalEventQuery = {}): Promise<LocalEvent[]> {
  return fetchEvents(baseUrl, query);
}

/**
 * Waits until at least one event matches, then waits `settleMs` more so that a duplicate (a
 * retried batch publishing twice) would show up too, and returns every match. Throws after
 * `timeoutMs` without one.
 *
 * @example
 * ```ts
 * const events = await waitForLocalEvents(baseUrl, {
 *   detailType: 'OrderPlaced',
 *   where: (event) => event.detail.id === orderId,
 * });
 * expect(events).toHaveLength(1); // exactly once
 * ```
 */
export async function waitForLocalEvents(
  baseUrl: string,
  query: LocalEventQuery,
  {
    timeoutMs = 10_000,
    settleMs = 500,
    pollMs = 50,
  }: { timeoutMs?: number; settleMs?: number; pollMs?: number } = {},
): Promise<LocalEvent[]> {
  const deadline = Date.now() + timeoutMs;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  while ((await fetchEvents(baseUrl, query)).length === 0) {
    if (Date.now() > deadline) {
      throw new Error(
        `No event ${JSON.stringify({ source: query.source, detailType: query.detailType })} reached the local bus within ${timeoutMs} ms`,
      );
    }
    await sleep(pollMs);
  }
  await sleep(settleMs);
  return fetchEvents(baseUrl, query);
}
