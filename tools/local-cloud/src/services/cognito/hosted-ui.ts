/**
 * The user pool's hosted sign-in, on the local issuer, at its own local origin
 * (`http://auth.localhost:<port>`), with the OAuth 2.0 endpoints Cognito documents for a user pool
 * domain: `GET /oauth2/authorize` (redirects to `/login` with the same parameters), `GET|POST
 * /login` (the sign-in form, here for the demo users), `POST /oauth2/token` (the authorization
 * code grant with PKCE S256 checked, and the refresh token grant) and `GET /logout`. A browser app
 * runs the same code against it as against Cognito.
 *
 * The local issuer is the user pool and has one app client, its audience (`slice-local`, the
 * local value of `/slice/<stage>/platform/user-pool-client-id`); its OAuth settings are those of
 * the templates' app clients that allow OAuth flows, their URLs made local.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalIssuer } from '@slice/emulation';
import type { OAuthClientSpec } from '../../model';

/** A demo user of the local sign-in page. */
export interface DemoUser {
  readonly username: string;
  readonly email: string;
  readonly groups: readonly string[];
}

/** Who can sign in on the local hosted UI, with {@link demoPassword}. */
export const demoUsers: readonly DemoUser[] = [
  { username: 'alice', email: 'alice@example.com', groups: ['customer'] },
  { username: 'bob', email: 'bob@example.com', groups: ['customer'] },
  { username: 'chef', email: 'chef@example.com', groups: ['staff'] },
];

/** The password of every demo user. */
export const demoPassword = 'slice-demo';

/** How long a code may be redeemed: Cognito's authorization codes are valid for five minutes. */
const codeLifetimeMs = 5 * 60_000;

interface IssuedCode {
  readonly user: DemoUser;
  readonly redirectUri: string;
  readonly challenge?: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

/** Options of {@link createHostedUi}. */
export interface HostedUiOptions {
  readonly issuer: LocalIssuer;
  /** The templates' OAuth app clients, their URLs local. */
  readonly clients: () => readonly OAuthClientSpec[];
  /** @default Date.now */
  readonly now?: () => number;
}

/** The hosted sign-in's request handler. */
export interface HostedUi {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

type Params = URLSearchParams;

const random = () => randomBytes(24).toString('base64url');

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function page(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    // No form-action: browsers apply it to the redirect after the form too (to the app's callback).
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>${body}</body></html>`,
  );
}

/** Cognito's token endpoint answers errors as `{"error": "…"}` with 400 (401 for a client it cannot authenticate). */
function tokenError(res: ServerResponse, origin: string | undefined, error: string, status = 400): void {
  json(res, origin, status, { error });
}

function json(res: ServerResponse, origin: string | undefined, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    // Browser apps redeem their codes here cross-origin.
    ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
  });
  res.end(JSON.stringify(body));
}

async function formOf(req: IncomingMessage): Promise<Params> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) break;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The S256 challenge of a verifier (RFC 7636 §4.2). */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** What the endpoints share: the issuer, the one app client's settings, the codes and refresh tokens issued. */
interface HostedUiState {
  readonly issuer: LocalIssuer;
  /** The one local app client: the issuer's audience. */
  readonly clientId: string;
  readonly clients: () => readonly OAuthClientSpec[];
  readonly now: () => number;
  readonly codes: Map<string, IssuedCode>;
  readonly refreshTokens: Map<string, DemoUser>;
}

/** The one local app client's settings: the union of the templates' OAuth clients. */
function settingsOf(state: HostedUiState) {
  const all = state.clients();
  return {
    known: all.length > 0,
    flows: new Set(all.flatMap((each) => each.flows)),
    scopes: new Set(all.flatMap((each) => each.scopes)),
    callbacks: new Set(all.flatMap((each) => each.callbackUrls)),
    logouts: new Set(all.flatMap((each) => each.logoutUrls)),
  };
}

const scopesOf = (params: Params) => (params.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);

/** `redirectUri` with the answer's parameters and the request's `state`. */
function back(redirectUri: string, params: Params, answer: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(answer)) url.searchParams.set(name, value);
  const state = params.get('state');
  if (state) url.searchParams.set('state', state);
  return url.toString();
}

/** The authorize or login request's problem, or undefined; a bad client or callback is an error page. */
function checkRequest(
  state: HostedUiState,
  params: Params,
): { page: string } | { redirect: string } | undefined {
  const settings = settingsOf(state);
  const redirectUri = params.get('redirect_uri') ?? '';
  if (params.get('client_id') !== state.clientId || !settings.known)
    return { page: 'The client_id is not an app client of this user pool.' };
  if (!settings.callbacks.has(redirectUri))
    return { page: 'redirect_mismatch: the redirect_uri is not a callback URL of the app client.' };
  const refuse = (error: string) => ({ redirect: back(redirectUri, params, { error }) });
  if (params.get('response_type') !== 'code' || !settings.flows.has('code'))
    return refuse('unsupported_response_type');
  if (scopesOf(params).some((scope) => !settings.scopes.has(scope))) return refuse('invalid_scope');
  if (params.get('code_challenge') && params.get('code_challenge_method') !== 'S256')
    return refuse('invalid_request');
  return undefined;
}

function loginForm(res: ServerResponse, params: Params, message?: string): void {
  const hidden = [...params]
    .filter(([name]) => !['username', 'password'].includes(name))
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const users = demoUsers.map((user) => `${user.username} (${user.groups.join(', ')})`).join(', ');
  page(
    res,
    message ? 400 : 200,
    `<h1>Sign in to Slice</h1>
      <p>Local sign-in: ${escapeHtml(users)}; password <code>${demoPassword}</code>.</p>
      ${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
      <form method="post" action="/login">${hidden}
        <label>Username <input name="username" autocomplete="username" required></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
      </form>`,
  );
}

/** Answers a checked request with `then`, else with its error page or its redirect back. */
function answerRequest(state: HostedUiState, res: ServerResponse, params: Params, then: () => void): void {
  const problem = checkRequest(state, params);
  if (!problem) return then();
  if ('redirect' in problem) return redirect(res, problem.redirect);
  page(
    res,
    400,
    `<h1>An error was encountered with the requested page.</h1><p>${escapeHtml(problem.page)}</p>`,
  );
}

async function login(state: HostedUiState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = await formOf(req);
  answerRequest(state, res, params, () => {
    const user = demoUsers.find((each) => each.username === params.get('username')?.trim().toLowerCase());
    if (!user || params.get('password') !== demoPassword)
      return loginForm(res, params, 'Incorrect username or password.');
    const code = random();
    const challenge = params.get('code_challenge');
    const redirectUri = params.get('redirect_uri') ?? '';
    state.codes.set(code, {
      user,
      redirectUri,
      ...(challenge ? { challenge } : {}),
      scopes: scopesOf(params),
      expiresAt: state.now() + codeLifetimeMs,
    });
    redirect(res, back(redirectUri, params, { code }));
  });
}

async function tokensFor(state: HostedUiState, user: DemoUser, scopes: readonly string[]) {
  const identity = {
    sub: user.username,
    username: user.username,
    email: user.email,
    groups: [...user.groups],
  };
  return {
    id_token: await state.issuer.token(identity),
    access_token: await state.issuer.token(identity, { tokenUse: 'access', scopes }),
    token_type: 'Bearer',
    expires_in: 3600,
  };
}

async function token(state: HostedUiState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  if (!/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? ''))
    return tokenError(res, origin, 'invalid_request');
  const form = await formOf(req);
  if (form.get('client_id') !== state.clientId || !settingsOf(state).known)
    return tokenError(res, origin, 'invalid_client', 401);
  const grant = form.get('grant_type');
  if (grant === 'refresh_token') {
    const user = state.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!user) return tokenError(res, origin, 'invalid_grant');
    return json(res, origin, 200, await tokensFor(state, user, ['openid']));
  }
  if (grant !== 'authorization_code') return tokenError(res, origin, 'unsupported_grant_type');
  const code = form.get('code') ?? '';
  const issued = state.codes.get(code);
  // A code is redeemed once, whatever the outcome.
  state.codes.delete(code);
  if (!issued || issued.expiresAt <= state.now() || issued.redirectUri !== form.get('redirect_uri'))
    return tokenError(res, origin, 'invalid_grant');
  if (issued.challenge !== undefined && s256(form.get('code_verifier') ?? '') !== issued.challenge)
    return tokenError(res, origin, 'invalid_grant');
  const refresh = random();
  state.refreshTokens.set(refresh, issued.user);
  json(res, origin, 200, { ...(await tokensFor(state, issued.user, issued.scopes)), refresh_token: refresh });
}

function logout(state: HostedUiState, res: ServerResponse, params: Params): void {
  const logoutUri = params.get('logout_uri') ?? '';
  if (params.get('client_id') !== state.clientId || !settingsOf(state).logouts.has(logoutUri))
    return page(
      res,
      400,
      '<h1>An error was encountered with the requested page.</h1><p>The logout_uri is not a sign-out URL of the app client.</p>',
    );
  redirect(res, logoutUri);
}

/**
 * The hosted sign-in of the local issuer.
 *
 * @example
 * ```ts
 * const hostedUi = createHostedUi({ issuer, clients: () => model.signIn?.clients ?? [] });
 * if (host === 'auth.localhost') return hostedUi.handle(req, res);
 * ```
 */
export function createHostedUi(options: HostedUiOptions): HostedUi {
  const state: HostedUiState = {
    issuer: options.issuer,
    clientId: options.issuer.audience,
    clients: options.clients,
    now: options.now ?? Date.now,
    codes: new Map(),
    refreshTokens: new Map(),
  };
  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://auth.localhost');
      const route = `${req.method ?? 'GET'} ${url.pathname}`;
      if (route === 'GET /oauth2/authorize')
        return answerRequest(state, res, url.searchParams, () => redirect(res, `/login${url.search}`));
      if (route === 'GET /login')
        return answerRequest(state, res, url.searchParams, () => loginForm(res, url.searchParams));
      if (route === 'POST /login') return login(state, req, res);
      if (route === 'POST /oauth2/token') return token(state, req, res);
      if (route === 'GET /logout') return logout(state, res, url.searchParams);
      page(res, 404, '<h1>Not found</h1>');
    },
  };
}
