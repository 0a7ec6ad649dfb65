import type { LambdaRuntimeOptions } from './runtime';

/** The runtime's flags of `npm start`, as `node:util`'s `parseArgs` gives them. */
export interface LambdaFlags {
  readonly concurrency?: string | undefined;
  readonly 'idle-timeout'?: string | undefined;
}

function wholeNumber(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1)
    throw new Error(`--${flag} must be a whole number of at least 1, not "${text}".`);
  return Number(text);
}

/**
 * `--concurrency <invocations>` and `--idle-timeout <seconds>` as the Lambda runtime takes them;
 * an absent flag keeps the runtime's default, a bad one is an error naming it.
 *
 * @example
 * ```ts
 * lambdaFlags({ concurrency: '8', 'idle-timeout': '30' }); // { concurrency: 8, idleTimeoutMs: 30_000 }
 * lambdaFlags({ concurrency: 'many' }); // throws: --concurrency must be a whole number of at least 1, not "many".
 * ```
 */
export function lambdaFlags(flags: LambdaFlags): Pick<LambdaRuntimeOptions, 'concurrency' | 'idleTimeoutMs'> {
  return {
    ...(flags.concurrency === undefined
      ? {}
      : { concurrency: wholeNumber('concurrency', flags.concurrency) }),
    ...(flags['idle-timeout'] === undefined
      ? {}
      : { idleTimeoutMs: wholeNumber('idle-timeout', flags['idle-timeout']) * 1000 }),
  };
}
