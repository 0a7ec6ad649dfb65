/**
 * The developer portal at its own local origin, `http://portal.localhost:<port>`: the static site
 * `npm run portal` wrote to `dist/portal`, with the security headers its CloudFront distribution
 * answers (`StaticSite`: a Content-Security-Policy allowing only its own origin), and the read-only
 * admin routes its live panels need, on the portal's own origin so the browser sends no
 * cross-origin request. Everything else of `/_local` (tokens, credentials, invoke, redeploy, moving
 * the clock) stays the developer's tools' alone: see `admin/guard.ts`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy } from '@slice/cdk';
import { type AdminContext, adminProblem, answerAdmin, isAdminPath } from './admin';

/** The portal's host name; the port is the local domain's. */
export const PORTAL_HOST = 'portal.localhost';

/** The admin routes the portal's pages may read: what the live panels show, nothing that acts or mints. */
export const portalReadRoutes: ReadonlySet<string> = new Set(
  [
    'health',
    'events',
    'logs',
    'queues',
    'streams',
    'executions',
    'schedules',
    'connections',
    'notifications',
    'functions',
    'tables',
    'clock',
  ].map((name) => `/_local/${name}`),
);

/** Whether a request's `Host` is the portal's (`portal.localhost:<port>`). */
export const isPortalHost = (host: string | undefined, port: number): boolean =>
  host?.toLowerCase() === `${PORTAL_HOST}:${port}`;

/**
 * Why the portal's pages may not make an admin request, or `undefined` when they may: only `GET`
 * (and `HEAD`) of a route in {@link portalReadRoutes}, with no `Origin` but the portal's own.
 *
 * @example
 * ```ts
 * portalAdminRefusal({ host: 'portal.localhost:3000' }, 'GET', '/_local/events', 3000); // undefined
 * portalAdminRefusal({ host: 'portal.localhost:3000' }, 'POST', '/_local/token', 3000); // 'not read-only'
 * ```
 */
export function portalAdminRefusal(
  headers: IncomingHttpHeaders,
  method: string | undefined,
  path: string,
  port: number,
): 'foreign-origin' | 'not read-only' | undefined {
  const { origin } = headers;
  if (origin !== undefined && origin.toLowerCase() !== `http://${PORTAL_HOST}:${port}`)
    return 'foreign-origin';
  if ((method !== 'GET' && method !== 'HEAD') || !portalReadRoutes.has(path)) return 'not read-only';
  return undefined;
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The headers the portal's distribution answers (`StaticSite`'s response headers policy). */
const securityHeaders = {
  'content-security-policy': contentSecurityPolicy([]),
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/** The file of the site a path names, if it is inside the site's folder and exists. */
function fileOf(folder: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^[/\\]+/, '');
  const file = join(folder, relative);
  if (!file.startsWith(`${folder}${sep}`) || !existsSync(file) || !statSync(file).isFile()) return undefined;
  return file;
}

function serveFile(folder: string, path: string, req: IncomingMessage, res: ServerResponse): void {
  const file = fileOf(folder, path);
  if (file === undefined) {
    const missing = existsSync(folder)
      ? `No ${path} in the portal.`
      : 'No portal yet: run `npm run portal` (npm start does) to write dist/portal.';
    // S3 behind origin access control (GetObject only, no ListBucket) answers a missing key 403.
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders });
    res.end(missing);
    return;
  }
  const body = readFileSync(file);
  res.writeHead(200, {
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'content-length': String(body.length),
    'cache-control': 'no-cache',
    ...securityHeaders,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Answers a request to the portal's host: an admin route it may read, or a file of the site.
 *
 * @example
 * ```ts
 * if (isPortalHost(req.headers.host, port)) return handlePortal(admin, join(root, 'dist/portal'), req, res);
 * ```
 */
export async function handlePortal(
  context: AdminContext,
  folder: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (isAdminPath(path)) {
    const refusal = portalAdminRefusal(req.headers, req.method, path, Number(new URL(context.url).port));
    if (refusal === undefined) return answerAdmin(context, req, res);
    req.resume();
    const detail =
      refusal === 'foreign-origin'
        ? "The portal's admin access answers only the portal's own pages."
        : `The portal may only read ${[...portalReadRoutes].join(', ')}; everything else of /_local is for the developer's own tools at http://localhost:<port>.`;
    return adminProblem(res, 403, 'Forbidden', detail);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.resume();
    res.writeHead(403, { 'content-type': 'text/plain', ...securityHeaders });
    res.end('The portal is a static site: GET and HEAD only.');
    return;
  }
  serveFile(folder, path, req, res);
}
