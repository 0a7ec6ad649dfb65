/**
 * Sign-in with the user pool's hosted UI: the OAuth 2.0 authorization code grant with PKCE (S256),
 * as Cognito documents it for public clients. The same code path signs in against the local
 * cloud's issuer, which offers the same endpoints at its own origin.
 */
import * as z from 'zod';
import type { SiteConfig } from './config';

/** Where the hosted UI sends the browser back with the code: a path of the storefront itself. */
export const callbackPath = '/callback';

const pendingKey = 'slice.sign-in';
const sessionKey = 'slice.session';

/** A signed-in customer: the ID token the APIs' authorizers take, and who it names. */
export const Session = z.strictObject({
  idToken: z.string().min(1),
  accessToken: z.string().min(1),
  expiresAt: z.number(),
  user: z.strictObject({ sub: z.string(), name: z.string(), groups: z.array(z.string()) }),
});

/** A session. */
export type Session = z.infer<typeof Session>;

const Pending = z.strictObject({ state: z.string(), verifier: z.string(), returnTo: z.string() });

const TokenResponse = z.object({
  id_token: z.string(),
  access_token: z.string(),
  expires_in: z.number(),
  token_type: z.string(),
});

const IdClaims = z.object({
  sub: z.string(),
  'cognito:username': z.string().optional(),
  email: z.string().optional(),
  'cognito:groups': z.array(z.string()).optional(),
});

/** Sign-in failed: the hosted UI answered an error, or the answer did not match the request. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The PKCE S256 challenge of a verifier: `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

const redirectUri = (): string => `${location.origin}${callbackPath}`;

/** Sends the browser to the hosted UI's authorize endpoint; it comes back to {@link callbackPath}. */
export async function signIn(config: SiteConfig): Promise<void> {
  const pending = { state: randomString(), verifier: randomString(), returnTo: location.pathname };
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.signIn.clientId,
    redirect_uri: redirectUri(),
    scope: config.signIn.scopes.join(' '),
    state: pending.state,
    code_challenge: await codeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${config.signIn.url}/oauth2/authorize?${query.toString()}`);
}

function sessionOf(tokens: z.infer<typeof TokenResponse>): Session {
  const [, payload = ''] = tokens.id_token.split('.');
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const claims = IdClaims.parse(JSON.parse(json));
  return {
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    user: {
      sub: claims.sub,
      name: claims['cognito:username'] ?? claims.email ?? claims.sub,
      groups: claims['cognito:groups'] ?? [],
    },
  };
}

/**
 * Finishes a sign-in on the callback page: checks the state, trades the code and the PKCE verifier
 * for tokens at the token endpoint, keeps the session for this tab. Returns the path to go back to.
 */
export async function completeSignIn(config: SiteConfig, url: URL, fetchImpl = fetch): Promise<string> {
  const pending = Pending.safeParse(JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null'));
  sessionStorage.removeItem(pendingKey);
  const error = url.searchParams.get('error');
  if (error) throw new SignInError(url.searchParams.get('error_description') ?? error);
  const code = url.searchParams.get('code');
  if (!pending.success || !code || url.searchParams.get('state') !== pending.data.state)
    throw new SignInError('The sign-in answer does not match a sign-in of this tab; sign in again.');
  const response = await fetchImpl(`${config.signIn.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.signIn.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.data.verifier,
    }),
  });
  const body = (await response.json()) as unknown;
  if (!response.ok) {
    const reason = z.object({ error: z.string() }).safeParse(body);
    throw new SignInError(
      `The token endpoint refused the code: ${reason.success ? reason.data.error : response.status}.`,
    );
  }
  const session = sessionOf(TokenResponse.parse(body));
  sessionStorage.setItem(sessionKey, JSON.stringify(session));
  return pending.data.returnTo;
}

/** This tab's session, or `undefined` when nobody is signed in or the tokens expired. */
export function currentSession(): Session | undefined {
  const parsed = Session.safeParse(JSON.parse(sessionStorage.getItem(sessionKey) ?? 'null'));
  if (!parsed.success || parsed.data.expiresAt <= Date.now()) return undefined;
  return parsed.data;
}

/** Forgets the session and ends the hosted UI's own session, coming back to the storefront. */
export function signOut(config: SiteConfig): void {
  sessionStorage.removeItem(sessionKey);
  const query = new URLSearchParams({ client_id: config.signIn.clientId, logout_uri: `${location.origin}/` });
  location.assign(`${config.signIn.url}/logout?${query.toString()}`);
}
