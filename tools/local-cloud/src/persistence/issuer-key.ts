import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** The file the local issuer's signing key is kept in, inside the data directory. */
export const issuerKeyFileName = 'slice-issuer-key.json';

const isPrivateRsaJwk = (value: unknown): value is JsonWebKey =>
  typeof value === 'object' &&
  value !== null &&
  (value as JsonWebKey).kty === 'RSA' &&
  typeof (value as JsonWebKey).d === 'string' &&
  typeof (value as JsonWebKey).n === 'string';

/**
 * The local issuer's RSA signing key, kept in the data directory so that a token minted before a
 * restart (or a crash) still verifies after it, as a Cognito user pool's keys outlive any one
 * request. Created on first use: written to a side file readable by the owner only, synced, then
 * renamed into place, so a crash never leaves half a key. A file that holds no private RSA JWK
 * is a clear error naming it.
 *
 * @example
 * ```ts
 * const issuer = createLocalIssuer({ issuer, audience, keyPair: { privateKey: issuerKeyIn(dataDir) } });
 * ```
 */
export function issuerKeyIn(dataDir: string): JsonWebKey {
  const file = join(dataDir, issuerKeyFileName);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    let key: unknown;
    try {
      key = JSON.parse(text);
    } catch {
      key = undefined;
    }
    if (!isPrivateRsaJwk(key))
      throw new Error(
        `${file} does not hold the local issuer's RSA key: delete it to get a new one (tokens minted before then stop verifying).`,
      );
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const side = `${file}.${process.pid}.tmp`;
  const fd = openSync(side, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(key));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(side, file);
  } catch (error) {
    rmSync(side, { force: true });
    throw error;
  }
  return key;
}
