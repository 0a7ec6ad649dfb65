import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
} from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, SignJWT, type JSONWebKeySet } from 'jose';

const generateRsaKeyPair = promisify(generateKeyPair);

/** The signing key of a local issuer. */
export interface LocalIssuerKeyPair {
  /** An RSA private key, as a key object or a private JWK (so it can be kept on disk). */
  readonly privateKey: KeyObject | JsonWebKey;
}

/** What {@link createLocalIssuer} creates an issuer from. */
export interface LocalIssuerOptions {
  /** The `iss` of every token. @default 'http://localhost:3000/_local/issuer' */
  readonly issuer?: string;
  /** The `aud` of ID tokens and `client_id` of access tokens: the user pool app client. @default 'slice-local' */
  readonly audience?: string;
  /** @default a fresh 2048-bit RSA key, generated on first use */
  readonly keyPair?: LocalIssuerKeyPair;
  /** The clock, in epoch milliseconds. @default `Date.now` */
  readonly now?: () => number;
}

/** A user a token is issued to. */
export interface LocalUser {
  readonly sub: string;
  /** `cognito:username` (ID tokens) or `username` (access tokens). @default the `sub` */
  readonly username?: string;
  /** User pool groups (`cognito:groups`); Cognito leaves the claim out when there are none. */
  readonly groups?: readonly string[];
  readonly email?: string;
}

/** A duration: seconds, or a string such as `'90s'`, `'15m'`, `'1h'`, `'2d'`. */
export type Duration = number | string;

/** How {@link LocalIssuer.token} issues a token. */
export interface TokenOptions {
  /** How long the token is valid after it was issued. @default '1h' (Cognito's default) */
  readonly expiresIn?: Duration;
  /** How long ago the token was issued, to mint one that has already expired. @default 0 */
  readonly age?: Duration;
  /** @default the issuer's */
  readonly issuer?: string;
  /** @default the issuer's */
  readonly audience?: string;
  /** `id` tokens carry `aud` and `cognito:username`; `access` tokens `client_id`, `username` and `scope`. @default 'id' */
  readonly tokenUse?: 'id' | 'access';
  /** The `scope` of an access token. @default ['aws.cognito.signin.user.admin'] */
  readonly scopes?: readonly string[];
}

/** A stand-in for a Cognito user pool: signs RS256 JWTs with a local key and publishes its JWKS. */
export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The key set to verify tokens with, as Cognito publishes it at `/.well-known/jwks.json`. */
  jwks(): Promise<JSONWebKeySet>;
  /** A token with the claims Cognito puts in ID (or access) tokens. */
  token(user: LocalUser, options?: TokenOptions): Promise<string>;
  /** Signs any payload with the issuer's key and `kid`, for tokens `token()` cannot describe. */
  sign(payload: Readonly<Record<string, unknown>>): Promise<string>;
}

const base64url = (input: string | Buffer): string => Buffer.from(input).toString('base64url');

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Seconds in a {@link Duration}.
 *
 * @example
 * ```ts
 * seconds('15m'); // 900
 * seconds(30);    // 30
 * ```
 */
export function seconds(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const match = /^\s*(\d+)\s*([smhd])\s*$/.exec(duration);
  const unit = match ? units[match[2] ?? ''] : undefined;
  if (!match || unit === undefined) {
    throw new Error(`${duration} is not a duration: use seconds or a number with s, m, h or d ('15m').`);
  }
  return Number(match[1]) * unit;
}

/**
 * Creates a local issuer: the identity provider the local cloud and the tests use in place of
 * the Cognito user pool. Tokens are RS256 JWTs with a `kid` (the key's RFC 7638 thumbprint) and
 * the claims Cognito puts in its tokens, so API Gateway's Cognito authorizer (or the local
 * cloud's) accepts them unchanged. Signed with jose; keys from `node:crypto`.
 *
 * @example
 * ```ts
 * const issuer = createLocalIssuer();
 * const token = await issuer.token({ sub: 'user-1', groups: ['staff'], email: 'ana@example.com' });
 * const jwks = await issuer.jwks(); // serve at <issuer>/.well-known/jwks.json
 * ```
 */
export function createLocalIssuer(options: LocalIssuerOptions = {}): LocalIssuer {
  const issuer = options.issuer ?? 'http://localhost:3000/_local/issuer';
  const audience = options.audience ?? 'slice-local';
  const now = options.now ?? Date.now;

  let key: Promise<{ privateKey: KeyObject; publicJwk: JsonWebKey; kid: string }> | undefined;
  const signingKey = () =>
    (key ??= (async () => {
      const given = options.keyPair?.privateKey;
      const privateKey =
        given === undefined
          ? (await generateRsaKeyPair('rsa', { modulusLength: 2048 })).privateKey
          : isKeyObject(given)
            ? given
            : createPrivateKey({ key: given, format: 'jwk' });
      if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('The local issuer signs with an RSA key.');
      const { kty, n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
      const kid = await calculateJwkThumbprint({ kty: kty ?? 'RSA', n, e }, 'sha256');
      return { privateKey, publicJwk: { kty, n, e }, kid };
    })());

  const signPayload = async (payload: Readonly<Record<string, unknown>>): Promise<string> => {
    const { privateKey, kid } = await signingKey();
    return new SignJWT({ ...payload }).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
  };

  return {
    issuer,
    audience,
    jwks: async () => {
      const { publicJwk, kid } = await signingKey();
      return { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] };
    },
    sign: signPayload,
    token: (user, tokenOptions = {}) => {
      const iat = Math.floor(now() / 1000) - seconds(tokenOptions.age ?? 0);
      const username = user.username ?? user.sub;
      const common = {
        sub: user.sub,
        ...(user.groups?.length ? { 'cognito:groups': [...user.groups] } : {}),
        iss: tokenOptions.issuer ?? issuer,
        origin_jti: randomUUID(),
        event_id: randomUUID(),
        auth_time: iat,
        exp: iat + seconds(tokenOptions.expiresIn ?? '1h'),
        iat,
        jti: randomUUID(),
      };
      const audienceOf = tokenOptions.audience ?? audience;
      const payload =
        tokenOptions.tokenUse === 'access'
          ? {
              ...common,
              client_id: audienceOf,
              token_use: 'access',
              scope: (tokenOptions.scopes ?? ['aws.cognito.signin.user.admin']).join(' '),
              username,
            }
          : {
              ...common,
              ...(user.email === undefined ? {} : { email: user.email, email_verified: true }),
              'cognito:username': username,
              aud: audienceOf,
              token_use: 'id',
            };
      return signPayload(payload);
    },
  };
}

function isKeyObject(key: KeyObject | JsonWebKey): key is KeyObject {
  return typeof (key as KeyObject).export === 'function' && typeof (key as KeyObject).type === 'string';
}

/** Tokens a Cognito authorizer must refuse with 401, each wrong in one way only. */
export interface BadTokens {
  /** Expired an hour ago. */
  readonly expired: string;
  /** Signed by the issuer's key, but naming another issuer. */
  readonly wrongIssuer: string;
  /** Signed by the issuer's key, but for another app client. */
  readonly wrongAudience: string;
  /** Unsigned, with `alg: none`. */
  readonly algNone: string;
  /** A valid token whose payload was edited after signing (the `staff` group added). */
  readonly badSignature: string;
  /** Correct claims, signed by a key the issuer's JWKS does not hold. */
  readonly unknownKey: string;
  /** Not a JWT at all. */
  readonly malformed: string;
}

/**
 * The tokens the shared contract suite sends to prove a route answers 401 before its handler
 * runs: expired, wrong issuer, wrong audience, `alg: none`, a tampered payload, an unknown key
 * and garbage. Each is otherwise a valid ID token for `user`.
 *
 * @example
 * ```ts
 * const bad = await badTokens(issuer, { sub: 'user-1' });
 * for (const [name, token] of Object.entries(bad)) {
 *   expect((await api.get('/orders', { token })).status).toBe(401);
 * }
 * ```
 */
export async function badTokens(issuer: LocalIssuer, user: LocalUser): Promise<BadTokens> {
  const valid = await issuer.token(user);
  const [header = '', payload = '', signature = ''] = valid.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as unknown[]) : [];
  const tampered = base64url(JSON.stringify({ ...claims, 'cognito:groups': [...groups, 'staff'] }));
  const stranger = createLocalIssuer({ issuer: issuer.issuer, audience: issuer.audience });
  return {
    expired: await issuer.token(user, { age: '2h', expiresIn: '1h' }),
    wrongIssuer: await issuer.token(user, {
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Forged',
    }),
    wrongAudience: await issuer.token(user, { audience: 'another-app-client' }),
    algNone: `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`,
    badSignature: `${header}.${tampered}.${signature}`,
    unknownKey: await stranger.token(user),
    malformed: 'not-a-jwt',
  };
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const monthNames = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
const two = (value: number): string => String(value).padStart(2, '0');

// `iat` and `exp` reach the Lambda as Java's Date#toString in UTC: `Tue Apr 04 18:39:39 UTC 2023`.
function javaDate(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return (
    `${days[date.getUTCDay()] ?? ''} ${monthNames[date.getUTCMonth()] ?? ''} ${two(date.getUTCDate())} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

/**
 * Turns a verified token payload into the claims map API Gateway's Cognito user-pool authorizer
 * passes to a REST API Lambda in `requestContext.authorizer.claims`: every value a string, a list
 * such as `cognito:groups` joined with commas (`'staff,admin'`), `iat` and `exp` as dates
 * (`'Tue Apr 04 18:39:39 UTC 2023'`), other numbers and booleans as their text.
 *
 * @example
 * ```ts
 * const { payload } = await jwtVerify(token, createLocalJWKSet(await issuer.jwks()), { issuer: issuer.issuer });
 * const event = restApiEvent({ method: 'GET', path: '/orders', claims: claimsOf(payload) });
 * ```
 */
export function claimsOf(payload: Readonly<Record<string, unknown>>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((name === 'iat' || name === 'exp') && typeof value === 'number') claims[name] = javaDate(value);
    else if (Array.isArray(value)) claims[name] = value.map(String).join(',');
    else if (typeof value === 'string') claims[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      claims[name] = String(value);
    else claims[name] = JSON.stringify(value);
  }
  return claims;
}
