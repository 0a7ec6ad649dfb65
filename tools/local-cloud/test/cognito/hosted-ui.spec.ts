import { createServer, request, type Server } from 'node:http';
import { createLocalIssuer } from '@slice/emulation';
import { decodeJwt } from 'jose';
import { listen } from '../../src/http';
import { createHostedUi, demoPassword, s256 } from '../../src/services/cognito/hosted-ui';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

const callback = 'http://www.localhost:3000/callback';
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const client = {
  clientId: 'n8q939xq44yotj1ipplmmjw80w',
  flows: ['code'],
  scopes: ['openid', 'email', 'profile'],
  callbackUrls: [callback],
  logoutUrls: ['http://www.localhost:3000/'],
  hasSecret: false,
};

describe('the hosted sign-in of the local issuer (Cognito OAuth 2.0 endpoints)', () => {
  const issuer = createLocalIssuer({ issuer: 'http://localhost:3000/_local/issuer' });
  let server: Server;
  let port: number;

  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<Answer>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', fail);
      req.end(body);
    });
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
  const authorizeQuery = (overrides: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: 'slice-local',
      redirect_uri: callback,
      scope: 'openid email',
      state: 'xyz',
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
      ...overrides,
    });

  /** Signs alice in through the login form; the code from the redirect. */
  async function codeFor(username = 'alice', overrides: Record<string, string> = {}): Promise<string> {
    const fields = Object.fromEntries(authorizeQuery(overrides));
    const answer = await send(
      'POST',
      '/login',
      form({ ...fields, username, password: demoPassword }),
      formHeaders,
    );
    const location = new URL(String(answer.headers.location));
    return location.searchParams.get('code') ?? '';
  }
  const redeem = (code: string, fields: Record<string, string> = {}) =>
    send(
      'POST',
      '/oauth2/token',
      form({
        grant_type: 'authorization_code',
        client_id: 'slice-local',
        code,
        redirect_uri: callback,
        code_verifier: verifier,
        ...fields,
      }),
      { ...formHeaders, origin: 'http://www.localhost:3000' },
    );

  beforeAll(async () => {
    const hostedUi = createHostedUi({ issuer, clients: () => [client] });
    server = createServer((req, res) => void hostedUi.handle(req, res));
    port = (await listen(server, 0, '127.0.0.1')).port;
  });

  afterAll(() => new Promise((done) => server.close(done)));

  it('redirects /oauth2/authorize to /login with the same parameters', async () => {
    const query = authorizeQuery().toString();
    const answer = await send('GET', `/oauth2/authorize?${query}`);

    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe(`/login?${query}`);
  });

  it('shows an error page, and redirects nowhere, for a redirect_uri that is not a callback URL', async () => {
    const answer = await send(
      'GET',
      `/oauth2/authorize?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' }).toString()}`,
    );

    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.body).toContain('redirect_mismatch');
  });

  it('redirects back with error=invalid_scope for a scope the client may not ask for', async () => {
    const answer = await send(
      'GET',
      `/oauth2/authorize?${authorizeQuery({ scope: 'openid admin' }).toString()}`,
    );

    const location = new URL(String(answer.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(callback);
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'invalid_scope', state: 'xyz' });
  });

  it('refuses a code challenge method other than S256', async () => {
    const answer = await send(
      'GET',
      `/oauth2/authorize?${authorizeQuery({ code_challenge_method: 'plain' }).toString()}`,
    );

    expect(new URL(String(answer.headers.location)).searchParams.get('error')).toBe('invalid_request');
  });

  it('shows the login form for the demo users, and refuses a wrong password on it', async () => {
    const page = await send('GET', `/login?${authorizeQuery().toString()}`);
    const wrong = await send(
      'POST',
      '/login',
      form({ ...Object.fromEntries(authorizeQuery()), username: 'alice', password: 'nope' }),
      formHeaders,
    );

    expect(page.status).toBe(200);
    expect(page.body).toContain('alice (customer)');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('Incorrect username or password.');
  });

  it('redeems a code with its PKCE verifier for ID, access and refresh tokens of the user, for the browser origin', async () => {
    const answer = await redeem(await codeFor('chef'));

    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('http://www.localhost:3000');
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, refresh_token: expect.any(String) });
    expect(decodeJwt(String(body.id_token))).toMatchObject({
      sub: 'chef',
      aud: 'slice-local',
      token_use: 'id',
      'cognito:groups': ['staff'],
      iss: 'http://localhost:3000/_local/issuer',
    });
    expect(decodeJwt(String(body.access_token))).toMatchObject({
      token_use: 'access',
      scope: 'openid email',
    });
  });

  it('refuses a code whose verifier does not match its challenge with invalid_grant', async () => {
    const answer = await redeem(await codeFor(), {
      code_verifier: 'another-verifier-of-forty-three-characters-x',
    });

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: 'invalid_grant' });
  });

  it('redeems a code once: the second time is invalid_grant', async () => {
    const code = await codeFor();
    const first = await redeem(code);
    const second = await redeem(code);

    expect(first.status).toBe(200);
    expect(JSON.parse(second.body)).toEqual({ error: 'invalid_grant' });
  });

  it('refuses a code redeemed for another redirect_uri, an unknown client and an unknown grant type', async () => {
    const otherUri = await redeem(await codeFor(), { redirect_uri: 'http://www.localhost:3000/other' });
    const unknownClient = await redeem(await codeFor(), { client_id: 'someone-else' });
    const unknownGrant = await redeem('x', { grant_type: 'password' });

    expect(JSON.parse(otherUri.body)).toEqual({ error: 'invalid_grant' });
    expect(unknownClient.status).toBe(401);
    expect(JSON.parse(unknownClient.body)).toEqual({ error: 'invalid_client' });
    expect(JSON.parse(unknownGrant.body)).toEqual({ error: 'unsupported_grant_type' });
  });

  it('trades a refresh token for new tokens', async () => {
    const { refresh_token } = JSON.parse((await redeem(await codeFor())).body) as { refresh_token: string };
    const answer = await send(
      'POST',
      '/oauth2/token',
      form({ grant_type: 'refresh_token', client_id: 'slice-local', refresh_token }),
      formHeaders,
    );

    expect(answer.status).toBe(200);
    expect(decodeJwt(String((JSON.parse(answer.body) as { id_token: string }).id_token)).sub).toBe('alice');
  });

  it('signs out to a sign-out URL of the client only', async () => {
    const ok = await send(
      'GET',
      `/logout?client_id=slice-local&logout_uri=${encodeURIComponent('http://www.localhost:3000/')}`,
    );
    const other = await send(
      'GET',
      `/logout?client_id=slice-local&logout_uri=${encodeURIComponent('https://evil.example/')}`,
    );

    expect(ok).toMatchObject({ status: 302, headers: { location: 'http://www.localhost:3000/' } });
    expect(other.status).toBe(400);
  });
});
