import type { APIGatewayProxyEvent } from 'aws-lambda';

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
 * Reads the `cognito:groups` claim in every shape API Gateway passes it: an array, a JSON array,
 * the bracketed form (`[staff customer]`) or a comma-separated list.
 */
function groupsOf(value: unknown): string[] {
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
export function userFromEvent(event: Pick<APIGatewayProxyEvent, 'requestContext'>): User | undefined {
  const authorizer: Record<string, unknown> | null | undefined = event.requestContext?.authorizer;
  if (!authorizer) return undefined;
  const claims = (authorizer.claims ?? authorizer) as Record<string, unknown>;
  const sub = claims.sub ?? authorizer.principalId;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const groups = groupsOf(claims['cognito:groups'] ?? claims.groups);
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  return { id: sub, groups, isStaff: groups.includes(staffGroup), ...(email ? { email } : {}) };
}
