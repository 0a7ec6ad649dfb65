/**
 * The fast path of `npm run dev`, as `cdk watch --hotswap` does for Lambda code: the changed
 * functions' handlers are bundled again with esbuild, with the Slice bundler's options, into a
 * fresh folder under `dist/.slice-dev/`, and swapped into the running cloud without a synth.
 * esbuild's incremental contexts keep the parsed inputs of each set of handlers, so a rebuild
 * parses only what changed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { esbuildOptionsOf, serviceBundling } from '@slice/cdk';
import { type BuildContext, context, formatMessages, type Message } from 'esbuild';
import type { CodeSwap } from '../redeploy';
import type { FunctionBundle } from './bundles';

/** What a rebundle came to: the new code folders, or esbuild's errors as it prints them. */
export type Rebundled = { readonly swaps: CodeSwap[] } | { readonly errors: string };

/** How many builds of `dist/.slice-dev` are kept: the running one and the one before it. */
const KEEP_BUILDS = 2;

const errorsOf = async (messages: Message[]) =>
  (await formatMessages(messages, { kind: 'error', color: false })).join('').trimEnd();

/**
 * Bundles handlers again, each set of handlers in one esbuild context kept for the next change.
 *
 * @example
 * ```ts
 * const bundler = new Rebundler(root);
 * const rebundled = await bundler.rebundle(bundles.using(functions, changed));
 * if ('errors' in rebundled) console.error(rebundled.errors);
 * else await cloud.swapCode(rebundled.swaps);
 * await bundler.close();
 * ```
 */
export class Rebundler {
  private readonly contexts = new Map<string, { context: BuildContext; outdir: string }>();
  private builds = 0;

  constructor(private readonly root: string) {}

  /**
   * Bundles the handlers of `bundles` into `dist/.slice-dev/<build>/<n>/` (`index.mjs` and its
   * source map; the context builds at the same depth, so the map's paths resolve from there),
   * dropping older builds.
   */
  async rebundle(bundles: readonly FunctionBundle[]): Promise<Rebundled> {
    const entries = bundles.map((bundle) => bundle.entry);
    const { context: build, outdir } = await this.contextFor(entries);
    let outputFiles;
    try {
      ({ outputFiles } = await build.rebuild());
    } catch (error) {
      const messages = (error as { errors?: Message[] }).errors;
      return { errors: messages ? await errorsOf(messages) : String(error) };
    }
    this.builds += 1;
    const target = join(this.root, 'dist', '.slice-dev', String(this.builds));
    for (const file of outputFiles ?? []) {
      const path = join(target, relative(outdir, file.path));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.contents);
    }
    rmSync(join(this.root, 'dist', '.slice-dev', String(this.builds - KEEP_BUILDS)), {
      recursive: true,
      force: true,
    });
    return {
      swaps: bundles.map((bundle, n) => ({ functionId: bundle.fn.id, codeDir: join(target, String(n)) })),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.contexts.values()].map((each) => each.context.dispose()));
    this.contexts.clear();
  }

  private async contextFor(entries: readonly string[]) {
    const key = entries.join('\n');
    const existing = this.contexts.get(key);
    if (existing) return existing;
    const outdir = join(this.root, 'dist', '.slice-dev', `context-${this.contexts.size}`);
    const entryPoints = Object.fromEntries(entries.map((entry, n) => [`${n}/index`, entry]));
    const created = {
      context: await context({ ...esbuildOptionsOf(serviceBundling, this.root), entryPoints, outdir }),
      outdir,
    };
    this.contexts.set(key, created);
    return created;
  }
}
