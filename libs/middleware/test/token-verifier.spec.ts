import { ServiceUnavailableError } from '@slice/contract';
import { badTokens, createLocalIssuer } from '@slice/testing';
import { tokenVerifier } from '../src/token-verifier';

const issuer = createLocalIssuer({ issuer: 'https://issuer.verifier.test', audience: 'slice-test' });
const jwksUrl = 'https://issuer.verifier.test/.well-known/jwks.json';

/** What the key set endpoint answers next; every request is counted. */
let answer: () => Promise<Response>;
let requests: string[];
beforeEach(() => {
  requests = [];
  answer = async () =>
    new Response(JSON.stringify(await issuer.jwks()), { headers: { 'content-type': 'application/json' } });
  jest.spyOn(globalThis, 'fetch').mockImplementation((url) => {
    requests.push(url instanceof Request ? url.url : String(url));
    return answer();
  });
});
afterEach(() => jest.restoreAllMocks());

// A fresh verifier per test: each caches its own key set, as one cold start does.
const verifier = () => tokenVerifier({ issuer: issuer.issuer, audience: issuer.audience });

describe('the platform token verifier', () => {
  it('accepts an ID token and an access token of the app client, with claims as the authorizer passes them', async () => {
    const verify = verifier();
    const id = await verify(`Bearer ${await issuer.token({ sub: 'dana', groups: ['staff', 'customer'] })}`);
    expect(id).toMatchObject({ sub: 'dana', 'cognito:groups': ['staff', 'customer'], token_use: 'id' });
    const access = await verify(`Bearer ${await issuer.token({ sub: 'dana' }, { tokenUse: 'access' })}`);
    expect(access).toMatchObject({ sub: 'dana', client_id: 'slice-test', token_use: 'access' });
    expect(requests).toEqual([jwksUrl]);
  });

  it('refuses every bad token: expired, wrong issuer or audience, alg none, tampered, unknown key, garbage', async () => {
    const verify = verifier();
    const bad = await badTokens(issuer, { sub: 'dana', groups: ['staff'] });
    for (const [kind, token] of Object.entries(bad)) {
      expect({ kind, claims: await verify(`Bearer ${token}`) }).toEqual({ kind, claims: undefined });
    }
  });

  it('refuses a token without an expiry, and an access token of another app client', async () => {
    const verify = verifier();
    const base = { sub: 'dana', iss: issuer.issuer, aud: issuer.audience, token_use: 'id' };
    expect(await verify(`Bearer ${await issuer.sign(base)}`)).toBeUndefined();
    const foreign = await issuer.token({ sub: 'dana' }, { tokenUse: 'access', audience: 'another-client' });
    expect(await verify(`Bearer ${foreign}`)).toBeUndefined();
  });

  it('answers undefined for no token without fetching the keys', async () => {
    const verify = verifier();
    expect(await verify(undefined)).toBeUndefined();
    expect(await verify('Bearer ')).toBeUndefined();
    expect(requests).toEqual([]);
  });

  it('reports a key set that cannot be read as unavailable (503), never as a bad token', async () => {
    const token = `Bearer ${await issuer.token({ sub: 'dana' })}`;
    const failures: Array<[string, () => Promise<Response>]> = [
      ['a 500', () => Promise.resolve(new Response('oops', { status: 500 }))],
      ['not JSON', () => Promise.resolve(new Response('<html>', { status: 200 }))],
      ['not a key set', () => Promise.resolve(new Response('{"keys":"none"}', { status: 200 }))],
      ['unreachable', () => Promise.reject(new TypeError('fetch failed'))],
    ];
    for (const [kind, failure] of failures) {
      answer = failure;
      const outcome = await verifier()(token).then(
        () => 'verified',
        (error: unknown) => (error instanceof ServiceUnavailableError ? 'unavailable' : String(error)),
      );
      expect({ kind, outcome }).toEqual({ kind, outcome: 'unavailable' });
    }
  });
});
