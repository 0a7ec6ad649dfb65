import { awsJsonClient, type AwsJsonCall } from '@slice/middleware';
import { createCursorCodec, type CursorCodec } from './cursor';

/** A cursor codec, or where to get one once its signing key is known (see {@link secretCursorCodec}). */
export type CursorCodecSource = CursorCodec | (() => Promise<CursorCodec>);

/** Options of {@link secretCursorCodec}. */
export interface SecretCursorCodecOptions {
  /**
   * How long the key is cached before Secrets Manager is asked again.
   * @default 3600 (rotating the key by a redeploy starts new environments anyway)
   */
  readonly maxAgeSeconds?: number;
  /**
   * Calls Secrets Manager.
   * @default a Secrets Manager client of the function's region ({@link secretsManagerService})
   */
  readonly secretsManager?: AwsJsonCall;
}

/** Secrets Manager as its JSON protocol names it. */
export const secretsManagerService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  endpointId: 'SECRETS_MANAGER',
} as const;

/**
 * A cursor codec whose signing key is a Secrets Manager secret, read with `GetSecretValue` at
 * cold start (the read starts when this is called, at module load) and cached, so the key is
 * never in the function's environment, where anyone allowed to read a function's configuration
 * would see it. A failed read is retried on the next request that needs a cursor; until then that
 * request fails (a 500, as any dependency failure), and requests without cursors are unaffected.
 *
 * @example
 * ```ts
 * const cursors = secretCursorCodec(requireEnv('CURSOR_SIGNING_KEY_SECRET_ARN'));
 * const page = await queryPage(client, input, { limit, cursor, codec: cursors, scope, keyAttributes });
 * ```
 */
export function secretCursorCodec(
  secretId: string,
  options: SecretCursorCodecOptions = {},
): () => Promise<CursorCodec> {
  const maxAgeMs = (options.maxAgeSeconds ?? 3600) * 1000;
  const secretsManager = options.secretsManager ?? awsJsonClient(secretsManagerService);
  let codec: { key: string; codec: CursorCodec; expiresAt: number } | undefined;
  let reading: Promise<CursorCodec> | undefined;
  const read = async (): Promise<CursorCodec> => {
    const { SecretString: key } = await secretsManager<{ SecretString?: unknown }>('GetSecretValue', {
      SecretId: secretId,
    });
    if (typeof key !== 'string') throw new TypeError(`The secret ${secretId} holds no string.`);
    const expiresAt = Date.now() + maxAgeMs;
    codec = codec?.key === key ? { ...codec, expiresAt } : { key, codec: createCursorCodec(key), expiresAt };
    return codec.codec;
  };
  // One read at a time: requests during the cold-start read wait for it rather than read again.
  const load = async (): Promise<CursorCodec> => {
    if (codec && Date.now() < codec.expiresAt) return codec.codec;
    return (reading ??= read().finally(() => {
      reading = undefined;
    }));
  };
  // Cold start: fetch now, while the environment initialises; a failure is retried on first use.
  load().catch(() => undefined);
  return load;
}

/**
 * The codec a {@link CursorCodecSource} stands for.
 *
 * @example
 * ```ts
 * const codec = await codecOf(page.codec);
 * ```
 */
export async function codecOf(source: CursorCodecSource): Promise<CursorCodec> {
  return typeof source === 'function' ? source() : source;
}
