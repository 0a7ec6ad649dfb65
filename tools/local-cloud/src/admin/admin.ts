import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AdminRefusal, adminRefusal } from './guard';
import { type AdminContext, adminRoutes } from './routes';

/** Every admin route is under this prefix; nothing else of the local domain is. */
export const ADMIN_PREFIX = '/_local/';

const refusals: Readonly<Record<AdminRefusal, string>> = {
  'foreign-host':
    'The /_local admin routes answer only requests to the local domain: send them to http://localhost:<port>.',
  'foreign-origin':
    "The /_local admin routes answer only the developer's own tools, not a web page of another origin.",
};

function send(res: ServerResponse, status: number, contentType: string, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
    // Tokens and credentials: never kept by a cache.
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Answers a problem+json, never cached. */
export function adminProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers = {},
): void {
  send(res, status, 'application/problem+json', { type: 'about:blank', title, status, detail }, headers);
}

/** Whether a path is the admin module's to answer (`/_local/...`), whatever its method. */
export const isAdminPath = (path: string): boolean => path.startsWith(ADMIN_PREFIX);

/**
 * Answers a request to a `/_local` admin route: refused with 403 unless it comes from the
 * developer's own tools ({@link adminRefusal}: the local domain's `Host`, no foreign `Origin`),
 * 404 for an unknown route, 405 for another method (a preflight `OPTIONS` too: the admin routes
 * answer no CORS headers, so a browser never lets another origin call or read them).
 *
 * @example
 * ```ts
 * if (isAdminPath(path)) return handleAdmin(context, req, res);
 * return gateway.handle(req, res);
 * ```
 */
export async function handleAdmin(
  context: AdminContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const refusal = adminRefusal(req.headers, Number(new URL(context.url).port));
  if (refusal !== undefined) {
    req.resume();
    return adminProblem(res, 403, 'Forbidden', refusals[refusal]);
  }
  return answerAdmin(context, req, res);
}

/**
 * Answers an admin route for a request a guard already let through: 404 for an unknown route, 405
 * for another method. {@link handleAdmin} and the portal's read-only access (`../portal.ts`) share it.
 */
export async function answerAdmin(
  context: AdminContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const routes = [adminRoutes.get(path) ?? []].flat();
  if (routes.length === 0) {
    req.resume();
    return adminProblem(res, 404, 'Not Found', `No admin route ${path}: see the local cloud's README.`);
  }
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const route = routes.find((each) => each.method === method);
  if (!route) {
    const allowed = routes.map((each) => each.method).join(', ');
    req.resume();
    return adminProblem(res, 405, 'Method Not Allowed', `${path} answers ${allowed} only.`, {
      allow: allowed,
    });
  }
  const answer = await route.answer(context, req);
  send(res, answer.status, 'application/json', answer.body);
}
