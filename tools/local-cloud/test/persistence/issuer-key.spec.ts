import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createLocalIssuer } from '@slice/emulation';
import { issuerKeyFileName, issuerKeyIn } from '../../src/persistence/issuer-key';

describe('issuerKeyIn', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'slice-issuer-')), 'data');
  });

  afterEach(() => rmSync(dirname(dataDir), { recursive: true, force: true }));

  it('creates the key once, readable by its owner only, and answers the same key afterwards', () => {
    const first = issuerKeyIn(dataDir);
    const second = issuerKeyIn(dataDir);

    expect(second).toEqual(first);
    expect(first).toEqual(expect.objectContaining({ kty: 'RSA', d: expect.any(String) }));
    expect(statSync(join(dataDir, issuerKeyFileName)).mode & 0o777).toBe(0o600);
  });

  it('lets a token minted before a restart verify with the issuer after it', async () => {
    // Prepare: an issuer before the restart mints a token.
    const options = { issuer: 'http://localhost:3800/_local/issuer', audience: 'slice-local' };
    const before = createLocalIssuer({ ...options, keyPair: { privateKey: issuerKeyIn(dataDir) } });
    const token = await before.token({ sub: 'dana', groups: ['customer'] });

    // Act: a new issuer (a new process) on the same data directory.
    const after = createLocalIssuer({ ...options, keyPair: { privateKey: issuerKeyIn(dataDir) } });
    const verified = await jwtVerify(token, createLocalJWKSet(await after.jwks()), options);

    // Assess
    expect(verified.payload.sub).toBe('dana');
  });

  it('refuses a key file that holds no private RSA key, naming it', () => {
    issuerKeyIn(dataDir);
    writeFileSync(join(dataDir, issuerKeyFileName), '{"kty":"RSA"');

    expect(() => issuerKeyIn(dataDir)).toThrow(`${join(dataDir, issuerKeyFileName)} does not hold`);
  });
});
