import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { join } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { badTokens, claimsOf, createLocalIssuer, type LocalIssuer, seconds } from '../src';

type Verdict =
  | { ok: true; payload: Record<string, unknown>; protectedHeader: Record<string, unknown> }
  | { ok: false; code: string };

/** Verifies tokens with jose's createLocalJWKSet and jwtVerify, in a Node process of its own (see fixtures/README.md). */
function verifyWithJose(
  jwks: JSONWebKeySet,
  tokens: Record<string, string>,
  expected: { issuer: string; audience: string },
): Record<string, Verdict> {
  const output = execFileSync(process.execPath, [join(__dirname, 'fixtures', 'verify-with-jose.mjs')], {
    input: JSON.stringify({ jwks, tokens, ...expected }),
    encoding: 'utf8',
  });
  return JSON.parse(output) as Record<string, Verdict>;
}

const decode = (token: string, part: 0 | 1): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[part] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

describe('createLocalIssuer', () => {
  const now = Date.UTC(2025, 2, 4, 18, 39, 39);
  let issuer: LocalIssuer;

  beforeAll(() => {
    issuer = createLocalIssuer({ now: () => now });
  });

  it('uses the local cloud issuer and audience by default', () => {
    expect(issuer.issuer).toBe('http://localhost:3000/_local/issuer');
    expect(issuer.audience).toBe('slice-local');
  });

  it('publishes one RS256 signing key with a kid', async () => {
    const { keys } = await issuer.jwks();

    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(keys[0]?.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('issues ID tokens with the claims and header Cognito gives them', async () => {
    const token = await issuer.token({ sub: 'user-1', groups: ['staff', 'admin'], email: 'ana@example.com' });
    const { keys } = await issuer.jwks();

    expect(decode(token, 0)).toEqual({ alg: 'RS256', kid: keys[0]?.kid });
    expect(decode(token, 1)).toEqual({
      sub: 'user-1',
      'cognito:groups': ['staff', 'admin'],
      email: 'ana@example.com',
      email_verified: true,
      iss: 'http://localhost:3000/_local/issuer',
      'cognito:username': 'user-1',
      aud: 'slice-local',
      token_use: 'id',
      origin_jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      auth_time: now / 1000,
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
  });

  it('leaves out the groups and email claims a user does not have', async () => {
    const payload = decode(await issuer.token({ sub: 'user-2', username: 'bo' }), 1);

    expect(payload).not.toHaveProperty('cognito:groups');
    expect(payload).not.toHaveProperty('email');
    expect(payload['cognito:username']).toBe('bo');
  });

  it('issues access tokens with client_id, username and scope instead of aud', async () => {
    const payload = decode(
      await issuer.token(
        { sub: 'user-1', groups: ['staff'] },
        { tokenUse: 'access', scopes: ['orders/read', 'orders/write'] },
      ),
      1,
    );

    expect(payload).toMatchObject({
      token_use: 'access',
      client_id: 'slice-local',
      username: 'user-1',
      scope: 'orders/read orders/write',
      'cognito:groups': ['staff'],
    });
    expect(payload).not.toHaveProperty('aud');
  });

  it('sets the lifetime from expiresIn and the issue time from age', async () => {
    const payload = decode(await issuer.token({ sub: 'u' }, { expiresIn: '15m', age: 60 }), 1);

    expect(payload.iat).toBe(now / 1000 - 60);
    expect(payload.exp).toBe(now / 1000 - 60 + 900);
  });

  it('signs with the key it publishes', async () => {
    const token = await issuer.token({ sub: 'u' });
    const [header, payload, signature] = token.split('.');
    const { keys } = await issuer.jwks();

    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: { kty: 'RSA', n: keys[0]?.n, e: keys[0]?.e }, format: 'jwk' }),
      Buffer.from(signature ?? '', 'base64url'),
    );

    expect(valid).toBe(true);
  });

  it('signs with a key it is given, whose kid stays the same across issuers', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });

    const first = await createLocalIssuer({ keyPair: { privateKey } }).jwks();
    const second = await createLocalIssuer({ keyPair: { privateKey: jwk } }).jwks();

    expect(second).toEqual(first);
    expect(first.keys[0]?.n).toBe(jwk.n);
  });

  it('refuses a key that is not RSA', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    await expect(createLocalIssuer({ keyPair: { privateKey } }).jwks()).rejects.toThrow(
      'The local issuer signs with an RSA key.',
    );
  });
});

describe('badTokens', () => {
  const user = { sub: 'user-1', groups: ['customer'], email: 'ana@example.com' };
  let issuer: LocalIssuer;
  let verdicts: Record<string, Verdict>;

  beforeAll(async () => {
    issuer = createLocalIssuer();
    verdicts = verifyWithJose(
      await issuer.jwks(),
      { valid: await issuer.token(user), ...(await badTokens(issuer, user)) },
      { issuer: issuer.issuer, audience: issuer.audience },
    );
  });

  it('lets a token of the issuer verify with the expected issuer and audience', () => {
    expect(verdicts.valid).toMatchObject({
      ok: true,
      payload: {
        sub: 'user-1',
        'cognito:groups': ['customer'],
        iss: issuer.issuer,
        aud: issuer.audience,
        token_use: 'id',
      },
      protectedHeader: { alg: 'RS256' },
    });
  });

  it.each([
    ['expired', 'ERR_JWT_EXPIRED'],
    ['wrongIssuer', 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['wrongAudience', 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['algNone', 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['badSignature', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['unknownKey', 'ERR_JWKS_NO_MATCHING_KEY'],
    ['malformed', 'ERR_JWS_INVALID'],
  ])('makes %s fail verification (%s)', (name, code) => {
    expect(verdicts[name]).toEqual({ ok: false, code });
  });

  it('makes each bad token wrong in one way only', async () => {
    const bad = await badTokens(issuer, user);

    expect(decode(bad.expired, 1)).toMatchObject({ sub: 'user-1', iss: issuer.issuer, aud: issuer.audience });
    expect(decode(bad.wrongIssuer, 1)).toMatchObject({ aud: issuer.audience });
    expect(decode(bad.wrongAudience, 1)).toMatchObject({ iss: issuer.issuer });
    expect(decode(bad.algNone, 0)).toEqual({ alg: 'none', typ: 'JWT' });
    expect(bad.algNone.endsWith('.')).toBe(true);
    expect(decode(bad.badSignature, 1)['cognito:groups']).toEqual(['customer', 'staff']);
    expect(decode(bad.unknownKey, 1)).toMatchObject({ iss: issuer.issuer, aud: issuer.audience });
  });
});

describe('claimsOf', () => {
  it('turns a payload into the strings the Cognito authorizer passes to the Lambda', () => {
    const claims = claimsOf({
      sub: 'user-1',
      'cognito:groups': ['staff', 'admin'],
      email_verified: true,
      auth_time: 1680629979,
      iat: 1680629979,
      exp: 1680633579,
      'custom:tier': 3,
      address: { country: 'NL' },
      missing: undefined,
      empty: null,
    });

    expect(claims).toEqual({
      sub: 'user-1',
      'cognito:groups': 'staff,admin',
      email_verified: 'true',
      auth_time: '1680629979',
      iat: 'Tue Apr 04 17:39:39 UTC 2023',
      exp: 'Tue Apr 04 18:39:39 UTC 2023',
      'custom:tier': '3',
      address: '{"country":"NL"}',
    });
  });

  it('gives a single group as the bare group name', () => {
    expect(claimsOf({ 'cognito:groups': ['staff'] })['cognito:groups']).toBe('staff');
  });
});

describe('seconds', () => {
  it.each([
    [45, 45],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['2d', 172_800],
  ])('reads %p as %p seconds', (duration, expected) => {
    expect(seconds(duration)).toBe(expected);
  });

  it('refuses what is not a duration', () => {
    expect(() => seconds('soon')).toThrow(
      "soon is not a duration: use seconds or a number with s, m, h or d ('15m').",
    );
  });
});
