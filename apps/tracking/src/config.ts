import { requireEnv, requireIntEnv } from '@slice/middleware';

/**
 * The settings of Tracking's route and event functions, read once at cold start (`deps.ts`); a
 * missing one fails the start.
 */
export function trackingConfig() {
  return {
    /** Tracking's table: connections, watches and the orders' projection. */
    tableName: requireEnv('TABLE_NAME'),
    /**
     * The `@connections` endpoint of the WebSocket API's stage
     * (`https://<api-id>.execute-api.<region>.amazonaws.com/<stage>`), where pushes are posted.
     */
    connectionsUrl: requireEnv('CONNECTIONS_URL'),
    /** How long one DynamoDB or management API call may take; well under the function's timeout. */
    requestTimeoutMs: requireIntEnv('AWS_REQUEST_TIMEOUT_MS'),
  } as const;
}

/** The settings of the `$connect` authorizer, read once at its cold start (`authorizer-deps.ts`). */
export function authorizerConfig() {
  return {
    /**
     * The `iss` of the platform user pool's tokens, from SSM `/slice/<stage>/platform/token-issuer`;
     * its keys are at `<issuer>/.well-known/jwks.json`.
     */
    tokenIssuer: requireEnv('TOKEN_ISSUER'),
    /** The user pool app client tokens must be for, from SSM `/slice/<stage>/platform/user-pool-client-id`. */
    tokenAudience: requireEnv('TOKEN_AUDIENCE'),
  } as const;
}
