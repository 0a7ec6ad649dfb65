/**
 * Route selection of a WebSocket API, as API Gateway does it: the route selection expression
 * (`$request.body.action`) names a property of the message's JSON body; its value is the route
 * key. A message that is not JSON, lacks the property, or names no route goes to `$default`.
 */
import type { WebSocketApiSpec, WebSocketRouteSpec } from '../../model';
import { isRecord } from '../../json';

/** The property path of `$request.body.a.b` (also written `${request.body.a.b}`); none for other expressions. */
export function bodyPathOf(expression: string): readonly string[] | undefined {
  const match = /^\$\{?request\.body\.([^}]+)\}?$/.exec(expression.trim());
  return match?.[1]?.split('.');
}

/**
 * The route key a message selects by the API's expression: the string (or number) at the
 * expression's path of the JSON body; `undefined` for a binary message, a body that is not a JSON
 * object, or a missing value.
 *
 * @example
 * ```ts
 * selectionKey('$request.body.action', '{"action":"track","orderId":"o-1"}'); // 'track'
 * selectionKey('$request.body.action', 'hello'); // undefined: the $default route
 * ```
 */
export function selectionKey(expression: string, body: string | undefined): string | undefined {
  const path = bodyPathOf(expression);
  if (path === undefined || body === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
  for (const name of path) {
    if (!isRecord(value) || !Object.hasOwn(value, name)) return undefined;
    value = value[name];
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * The route of a message: the route whose key the message selects, else `$default`, else none
 * (API Gateway then answers the client `Forbidden`). The reserved `$connect` and `$disconnect`
 * routes are never selected by a message.
 *
 * @example
 * ```ts
 * selectRoute(api, '{"action":"track"}')?.routeKey; // 'track', or '$default' when there is no track route
 * ```
 */
export function selectRoute(api: WebSocketApiSpec, body: string | undefined): WebSocketRouteSpec | undefined {
  const key = selectionKey(api.routeSelectionExpression, body);
  const byKey = (routeKey: string) => api.routes.find((route) => route.routeKey === routeKey);
  const selected = key === undefined || key === '$connect' || key === '$disconnect' ? undefined : byKey(key);
  return selected ?? byKey('$default');
}
