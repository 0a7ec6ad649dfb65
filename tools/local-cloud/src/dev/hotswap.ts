/**
 * The fast path of `npm run dev`, as `cdk watch --hotswap` does for Lambda code: the changed
 * functions' handlers are bundled again with esbuild, with the Slice bundler's options, into a
 * fresh folder under `dist/.slice-dev/`, and swapped into the running cloud without a synth.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { esbuildOptionsOf, serviceBundling } from '@slice/cdk';
import { build, formatMessages, type Message } from 'esbuild';
import type { CodeSwap } from '../redeploy';
import type { FunctionBundle } from './bundles';

/** What a rebundle came to: the new code folders, or esbuild's errors as it prints them. */
export type Rebundled = { readonly swaps: CodeSwap[] } | { readonly errors: string };

/** How many builds of `dist/.slice-dev` are kept: the running one and the one before it. */
const KEEP_BUILDS = 2;

const errorsOf = async (messages: Message[]) =>
  (await formatMessages(messages, { kind: 'error', color: false })).join('').trimEnd();

/**
 * Bundles the handlers of `bundles` in one esbuild run into `dist/.slice-dev/<build>/<n>/`
 * (`index.mjs` and its source map, whose paths resolve from there), dropping older builds.
 *
 * @example
 * ```ts
 * const rebundled = await rebundle(root, bundles.using(functions, changed), 7);
 * if ('errors' in rebundled) console.error(rebundled.errors);
 * else await cloud.swapCode(rebundled.swaps);
 * ```
 */
export async function rebundle(
  root: string,
  bundles: readonly FunctionBundle[],
  buildNumber: number,
): Promise<Rebundled> {
  const outdir = join(root, 'dist', '.slice-dev', String(buildNumber));
  const entryPoints = Object.fromEntries(bundles.map((bundle, n) => [`${n}/index`, bundle.entry]));
  let outputFiles;
  try {
    ({ outputFiles } = await build({ ...esbuildOptionsOf(serviceBundling, root), entryPoints, outdir }));
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    return { errors: messages ? await errorsOf(messages) : String(error) };
  }
  for (const file of outputFiles ?? []) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents);
  }
  rmSync(join(root, 'dist', '.slice-dev', String(buildNumber - KEEP_BUILDS)), {
    recursive: true,
    force: true,
  });
  return {
    swaps: bundles.map((bundle, n) => ({ functionId: bundle.fn.id, codeDir: join(outdir, String(n)) })),
  };
}
