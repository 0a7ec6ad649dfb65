import type { Route } from './route';

/**
 * Every error status a route may answer with: its own domain errors plus the ones the platform
 * adds (validation, auth, idempotency, throttling, failures), each with when it happens.
 *
 * @example
 * ```ts
 * Object.keys(errorsOf(placeOrder)); // ['400', '401', '409', '413', '415', '422', '429', '500', '503']
 * ```
 */
export function errorsOf(route: Route): Record<number, string> {
  const { request } = route;
  const takesInput =
    Boolean(request.path ?? request.query ?? request.headers ?? request.body) || route.idempotencyKey;
  const errors: Record<number, string> = {};
  if (takesInput) errors[400] = 'The request breaks the schema; `errors` names each field.';
  if (route.auth !== 'public') errors[401] = 'No valid token.';
  if (route.auth === 'staff') errors[403] = 'The caller is not staff.';
  if (request.body) {
    errors[413] = 'The body is too large.';
    errors[415] = 'The body is not application/json.';
  }
  if (route.idempotencyKey) {
    errors[409] = 'A request with this Idempotency-Key is still in progress.';
    errors[422] = 'This Idempotency-Key was used with another body.';
  }
  errors[429] = 'Too many requests; retry after `Retry-After` seconds.';
  errors[500] = 'An unexpected failure; the body carries only the correlation id.';
  errors[503] = 'A dependency is unavailable; retry after `Retry-After` seconds.';
  for (const [status, description] of Object.entries(route.errors)) {
    const code = Number(status);
    errors[code] = errors[code] ? `${description} Or: ${errors[code]}` : description;
  }
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => Number(a) - Number(b)));
}
