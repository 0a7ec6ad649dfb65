import type { APIGatewayProxyEvent } from 'aws-lambda';
import { decodeJwt } from 'jose';

/** The caller, from the claims the API Gateway authorizer verified. */
export interface User {
  /** The `sub` claim: stable for the life of the account. */
  readonly id: string;
  readonly groups: readonly string[];
  readonly isStaff: boolean;
  readonly email?: string;
}

/** The group whose members may call `staff` routes. */
export const staffGroup = 'staff';

/**
 * Reads the `cognito:groups` claim in the shapes it arrives in: an array (as the monolith passes
 * the token's list), a JSON array, HTTP APIs' bracketed form (`[staff customer]`) or the REST
 * Cognito authorizer's comma-joined string. The last two are renderings, not lists: a group
 * named `customer,staff` looks like two groups there, so {@link listedGroups} reads the list.
 */
function renderedGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON: API Gateway's own `[a b]` rendering.
    }
    return text
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  }
  return text
    .split(',')
    .map((group) => group.trim())
    .filter(Boolean);
}

/**
 * The `cognito:groups` list of the bearer token the authorizer verified, when the request carries
 * it: API Gateway's Cognito authorizer reads the `Authorization` header (as every Slice API is
 * configured) and passes its claims on, so a token with the same `sub` is that token. Decoded, not
 * verified: the authorizer verified it. `undefined` when there is no such token.
 */
function tokenGroups(
  headers: APIGatewayProxyEvent['headers'] | undefined,
  sub: string,
): string[] | undefined {
  const authorization = Object.entries(headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  if (!token) return undefined;
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token);
  } catch {
    return undefined;
  }
  if (payload.sub !== sub) return undefined;
  const groups = payload['cognito:groups'];
  if (groups === undefined) return [];
  return Array.isArray(groups) && groups.every((group) => typeof group === 'string') ? groups : undefined;
}

/**
 * The caller's groups as the list they are. A list claim is read as it is; a rendered one (a
 * string) is read from the verified token's list when the request carries it, and a group counts
 * only if the rendering holds it too, so a token can never add a group the authorizer did not pass.
 */
function listedGroups(
  claim: unknown,
  headers: APIGatewayProxyEvent['headers'] | undefined,
  sub: string,
): string[] {
  if (typeof claim !== 'string') return renderedGroups(claim);
  const rendered = renderedGroups(claim);
  const listed = tokenGroups(headers, sub);
  if (listed === undefined) return rendered;
  if (listed.join(',') === claim.trim()) return listed;
  return listed.filter((group) => rendered.includes(group));
}

/**
 * The caller of a REST API request, or `undefined` when no authorizer ran. Reads the Cognito
 * user-pool authorizer's `claims`, or a Lambda authorizer's context with a `sub` (or
 * `principalId`) and `groups`.
 *
 * @example
 * ```ts
 * const user = userFromEvent(event);
 * if (user?.isStaff) { ... }
 * ```
 */
export function userFromEvent(
  event: Pick<APIGatewayProxyEvent, 'requestContext'> & Partial<Pick<APIGatewayProxyEvent, 'headers'>>,
): User | undefined {
  const authorizer: Record<string, unknown> | null | undefined = event.requestContext?.authorizer;
  if (!authorizer) return undefined;
  const claims = (authorizer.claims ?? authorizer) as Record<string, unknown>;
  const sub = claims.sub ?? authorizer.principalId;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const groups = listedGroups(claims['cognito:groups'] ?? claims.groups, event.headers, sub);
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  return { id: sub, groups, isStaff: groups.includes(staffGroup), ...(email ? { email } : {}) };
}
