import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
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
}

/**
 * A cursor codec whose signing key is a Secrets Manager secret, read with Powertools Parameters
 * at cold start (the read starts when this is called, at module load) and cached, so the key is
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
  const maxAge = options.maxAgeSeconds ?? 3600;
  let codec: { key: string; codec: CursorCodec } | undefined;
  let reading: Promise<CursorCodec> | undefined;
  const read = async (): Promise<CursorCodec> => {
    const key = await getSecret(secretId, { maxAge });
    if (typeof key !== 'string') throw new TypeError(`The secret ${secretId} holds no string.`);
    if (codec?.key !== key) codec = { key, codec: createCursorCodec(key) };
    return codec.codec;
  };
  // One read at a time: requests during the cold-start read wait for it rather than read again.
  const load = (): Promise<CursorCodec> =>
    (reading ??= read().finally(() => {
      reading = undefined;
    }));
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
