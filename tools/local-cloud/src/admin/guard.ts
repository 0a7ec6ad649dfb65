import type { IncomingHttpHeaders } from 'node:http';

/** The host names that reach the local cloud: it listens on the loopback interface only. */
const loopbackNames: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why a request may not use the admin routes; `undefined` when it may. */
export type AdminRefusal = 'foreign-host' | 'foreign-origin';

/**
 * Whether a request may use the `/_local` admin routes, which mint tokens and redeploy code: only
 * the developer's own tools may. Its `Host` must be the local domain (a loopback name with the
 * cloud's port), so a page on another domain that resolves to 127.0.0.1 (DNS rebinding) is
 * refused; and it must carry no `Origin` but the local domain's, so a page on any other origin
 * (including `null`) is refused, whatever a browser would let it send. The admin routes never
 * answer CORS headers, so a browser never lets another origin read them either.
 *
 * @example
 * ```ts
 * adminRefusal({ host: 'localhost:3000' }, 3000); // undefined: curl, the CLIs, the tests
 * adminRefusal({ host: 'localhost:3000', origin: 'https://example.com' }, 3000); // 'foreign-origin'
 * adminRefusal({ host: 'rebound.example:3000' }, 3000); // 'foreign-host'
 * ```
 */
export function adminRefusal(headers: IncomingHttpHeaders, port: number): AdminRefusal | undefined {
  const local = localOrigins(headers.host, port);
  if (local === undefined) return 'foreign-host';
  const { origin } = headers;
  if (origin !== undefined && !local.has(origin.toLowerCase())) return 'foreign-origin';
  return undefined;
}

/** The origins of the local domain when `host` names it (`localhost:3000`), else `undefined`. */
function localOrigins(host: string | undefined, port: number): ReadonlySet<string> | undefined {
  if (host === undefined) return undefined;
  const separator = host.lastIndexOf(':');
  if (separator === -1 || host.endsWith(']')) return undefined;
  const name = host.slice(0, separator).toLowerCase();
  if (!loopbackNames.has(name) || host.slice(separator + 1) !== String(port)) return undefined;
  return new Set([...loopbackNames].map((each) => `http://${each}:${port}`));
}
