import { requireEnv } from '@slice/middleware';

/** Every setting of the monolith, read once at cold start; a missing one fails the start. */
export const config = {
  /** The one table every feature of the monolith shares (menu items, orders, stores). */
  tableName: requireEnv('TABLE_NAME'),
  /** Where the idempotent routes (`createMenuItem`, `placeOrder`) keep their records. */
  idempotencyTableName: requireEnv('IDEMPOTENCY_TABLE_NAME'),
  /**
   * The Secrets Manager secret whose value signs pagination cursors (a forged one is a 400): read
   * at cold start with Powertools Parameters, never held in the environment.
   */
  cursorSigningKeySecret: requireEnv('CURSOR_SIGNING_KEY_SECRET_ARN'),
  /**
   * The `iss` of the platform user pool's tokens, from SSM `/slice/<stage>/platform/token-issuer`;
   * its keys are at `<issuer>/.well-known/jwks.json`. The function verifies tokens itself: its one
   * `{proxy+}` resource serves public and signed-in routes alike, so no gateway authorizer can.
   */
  tokenIssuer: requireEnv('TOKEN_ISSUER'),
  /** The user pool app client tokens must be for, from SSM `/slice/<stage>/platform/user-pool-client-id`. */
  tokenAudience: requireEnv('TOKEN_AUDIENCE'),
  /**
   * The SSM parameter where the front door publishes the base paths it sends to services
   * (`/slice/<stage>/front-door/moved-base-paths`): their routes answer 404 here without
   * `x-slice-route: monolith`.
   */
  movedBasePathsParameter: requireEnv('MOVED_BASE_PATHS_PARAMETER'),
} as const;
