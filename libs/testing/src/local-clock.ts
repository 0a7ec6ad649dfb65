/** The local cloud's clock, as `GET /_local/clock` answers it. */
export interface LocalClockReading {
  /** The time the local cloud shows, ISO 8601. */
  readonly now: string;
  /** How far ahead of the real time it has been moved. */
  readonly offsetMs: number;
}

async function clockRequest(baseUrl: string, init?: RequestInit): Promise<LocalClockReading> {
  const url = new URL('/_local/clock', baseUrl);
  const response = await fetch(url, init);
  if (!response.ok) {
    const detail = await response.text();
    throw new Error(`${init?.method ?? 'GET'} ${url.href} answered ${response.status}: ${detail}`);
  }
  return (await response.json()) as LocalClockReading;
}

/**
 * The local cloud's time.
 *
 * @example
 * ```ts
 * const { now } = await localClock('http://localhost:3000');
 * ```
 */
export function localClock(baseUrl: string): Promise<LocalClockReading> {
  return clockRequest(baseUrl);
}

/**
 * Moves the local cloud's clock forward, by milliseconds or an ISO 8601 duration (`PT10M`), or to
 * a time; resolves once every wait, timeout and schedule that fell due has run.
 *
 * @example
 * ```ts
 * await advanceLocalClock(baseUrl, 'PT10M');                       // past a ten-minute bake
 * await advanceLocalClock(baseUrl, { to: '2026-12-02T08:00:00Z' }); // to tomorrow's 09:00 in Amsterdam
 * ```
 */
export function advanceLocalClock(
  baseUrl: string,
  by: number | string | { readonly to: string | Date },
): Promise<LocalClockReading> {
  const body =
    typeof by === 'object'
      ? { advanceTo: by.to instanceof Date ? by.to.toISOString() : by.to }
      : { advanceBy: by };
  return clockRequest(baseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
