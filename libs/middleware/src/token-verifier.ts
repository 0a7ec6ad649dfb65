import { ServiceUnavailableError } from '@slice/contract';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** What a token verifier needs to know about the user pool. */
export interface TokenVerifierOptions {
  /** The `iss` every token must carry; its keys are at `<issuer>/.well-known/jwks.json`. */
  readonly issuer: string;
  /** The app client: `aud` of ID tokens, `client_id` of access tokens. */
  readonly audience: string;
  /**
   * Where the keys come from.
   * @default the issuer's JWKS over HTTPS, cached, fetched again for an unknown `kid`
   */
  readonly keys?: JWTVerifyGetKey;
  /**
   * How long to wait for the key set before answering 503.
   * @default 1500
   */
  readonly timeoutMs?: number;
}

/**
 * The claims of a verified token, as the handlers read them: every value a string, as API Gateway's
 * Cognito authorizer renders them, except lists (`cognito:groups`), which stay the lists they are.
 */
export type Claims = Readonly<Record<string, string | readonly string[]>>;

/**
 * Verifies a bearer token (`Authorization` header) as API Gateway's Cognito user-pool authorizer
 * does; `undefined` when it is missing or not acceptable.
 */
export type TokenVerifier = (authorization: string | undefined) => Promise<Claims | undefined>;

/**
 * Turns a verified payload into the claims map of `requestContext.authorizer.claims`: every value a
 * string as the Cognito authorizer renders it, but lists (`cognito:groups`) kept as lists. Joined
 * with commas, a group named `customer,staff` would read as two groups, one of them `staff`.
 */
export function claimsOf(payload: JWTPayload): Claims {
  const claims: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) claims[name] = value.map(String);
    else if (typeof value === 'string') claims[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') claims[name] = String(value);
    else claims[name] = JSON.stringify(value);
  }
  return claims;
}

/**
 * What jose throws when the token itself is wrong (malformed, badly signed, expired, another
 * issuer, a disallowed `alg`, a key the pool does not hold): a 401. Every other failure, such as
 * the key set answering 500 or not being a key set, says nothing about the token: a 503.
 */
const tokenErrors = [
  errors.JWSInvalid,
  errors.JWTInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
] as const;

/**
 * A verifier of the platform user pool's tokens, with jose: an RS256 JWT (never `none` or HMAC)
 * signed by a key of the pool's JWKS, with an `exp` in the future, from the pool's issuer, for the
 * app client (`aud` of an ID token, `client_id` of an access token). A key set that cannot be
 * fetched (unreachable, slow, a 5xx, not a key set) is a 503, not a 401: the caller's token may be
 * fine. The key set is cached (jose: ten minutes, fetched again for an unknown `kid` at most every
 * 30 seconds), once per cold start.
 *
 * @example
 * ```ts
 * const verify = tokenVerifier({ issuer: config.tokenIssuer, audience: config.tokenAudience });
 * const claims = await verify(event.headers.authorization);
 * ```
 */
export function tokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { issuer, audience } = options;
  const keys =
    options.keys ??
    createRemoteJWKSet(new URL(`${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`), {
      timeoutDuration: options.timeoutMs ?? 1500,
    });
  return async (authorization) => {
    const token = authorization?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        algorithms: ['RS256'],
        // jose checks `exp` only when present; a token that never expires is not the pool's.
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (tokenErrors.some((kind) => error instanceof kind)) return undefined;
      // Anything else is about the key set (unreachable, a 5xx, a timeout, not a key set).
      throw new ServiceUnavailableError('The user pool keys are unavailable.', { cause: error });
    }
    const forClient =
      payload['token_use'] === 'access'
        ? payload['client_id'] === audience
        : [payload.aud].flat().includes(audience);
    return forClient ? claimsOf(payload) : undefined;
  };
}
