/** An email, SMS or HTTP/S message the local SNS captured instead of sending, as `GET /_local/notifications` lists it. */
export interface LocalNotification {
  readonly subscriptionArn: string;
  /** `email`, `email-json`, `sms`, `http` or `https`. */
  readonly protocol: string;
  /** The address, phone number or URL subscribed. */
  readonly endpoint: string;
  readonly messageId: string;
  readonly subject?: string;
  /** What the endpoint would have received: the message (email, SMS), the envelope, or the raw message. */
  readonly body: string;
  readonly timestamp: string;
}

/** Which notifications {@link localNotifications} and {@link waitForLocalNotifications} return. */
export interface LocalNotificationQuery {
  readonly protocol?: string;
  readonly endpoint?: string;
  readonly topicArn?: string;
  /** Keeps only the notifications this returns true for (e.g. one order's). */
  readonly where?: (notification: LocalNotification) => boolean;
}

async function fetchNotifications(
  baseUrl: string,
  query: LocalNotificationQuery,
): Promise<LocalNotification[]> {
  const url = new URL('/_local/notifications', baseUrl);
  for (const name of ['protocol', 'endpoint', 'topicArn'] as const) {
    const value = query[name];
    if (value) url.searchParams.set(name, value);
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`GET ${url.href} answered ${response.status}: is the local cloud running there?`);
  }
  const { notifications } = (await response.json()) as { notifications: LocalNotification[] };
  return query.where ? notifications.filter(query.where) : notifications;
}

/**
 * The email, SMS and HTTP/S messages the local cloud's SNS captured so far, oldest first, from
 * its `/_local/notifications` admin route.
 *
 * @example
 * ```ts
 * const texts = await localNotifications('http://localhost:3000', { protocol: 'sms', endpoint: '+31600000000' });
 * ```
 */
export function localNotifications(
  baseUrl: string,
  query: LocalNotificationQuery = {},
): Promise<LocalNotification[]> {
  return fetchNotifications(baseUrl, query);
}

/**
 * Waits until at least one notification matches, then waits `settleMs` more so that a duplicate
 * would show up too, and returns every match. Throws after `timeoutMs` without one.
 *
 * @example
 * ```ts
 * const emails = await waitForLocalNotifications(baseUrl, {
 *   protocol: 'email',
 *   where: (notification) => notification.body.includes(orderId),
 * });
 * expect(emails).toHaveLength(1); // exactly once
 * ```
 */
export async function waitForLocalNotifications(
  baseUrl: string,
  query: LocalNotificationQuery,
  {
    timeoutMs = 10_000,
    settleMs = 500,
    pollMs = 50,
  }: { timeoutMs?: number; settleMs?: number; pollMs?: number } = {},
): Promise<LocalNotification[]> {
  const deadline = Date.now() + timeoutMs;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  while ((await fetchNotifications(baseUrl, query)).length === 0) {
    if (Date.now() > deadline) {
      const { where: _where, ...shown } = query;
      throw new Error(
        `No notification ${JSON.stringify(shown)} was captured by the local SNS within ${timeoutMs} ms`,
      );
    }
    await sleep(pollMs);
  }
  await sleep(settleMs);
  return fetchNotifications(baseUrl, query);
}
