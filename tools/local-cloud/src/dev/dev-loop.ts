/**
 * `npm run dev`'s watcher: on a saved change it takes the fastest way that keeps the running
 * cloud right, and prints what changed.
 *
 * - **Fast path** (handler and library code): the running functions whose bundles hold the file
 *   are type-checked (incrementally), bundled again with esbuild and hot-swapped into the cloud;
 *   the next request runs the new code. No synth: about as fast as esbuild.
 * - **Slow path** (a stack's CDK code, a contract, `infra/`, a project file, a file no bundle
 *   holds yet): the affected deployable projects are type-checked and synthesized through Nx, then
 *   redeployed (`POST /_local/redeploy`'s redeployer).
 *
 * A change that fails its type check, its bundle or its synth changes nothing: the running
 * version stays, and the error is printed.
 */
import { relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AsyncSubscription, Event } from '@parcel/watcher';
import type { LocalCloud } from '../cloud';
import { labelOf } from '../logs';
import { formatSummary } from '../redeploy-cli';
import { Bundles, type FunctionBundle } from './bundles';
import { Rebundler } from './hotswap';
import { affectedDeployables, projectGraph, typecheckAndSynth } from './projects';
import { TypeChecker } from './type-checker';

/** Options of {@link startDevLoop}. */
export interface DevLoopOptions {
  /** The workspace root: what is watched, where `dist/` is. */
  readonly root: string;
  readonly cloud: Pick<LocalCloud, 'model' | 'swapCode' | 'redeploy'>;
  /** @default console.log */
  readonly log?: (line: string) => void;
  /** @default console.error */
  readonly error?: (line: string) => void;
  /** How long to wait for more changes after one (an editor saving several files). @default 50 ms */
  readonly debounceMs?: number;
}

/** A running dev loop. */
export interface DevLoop {
  /** Stops watching; a change being applied finishes first. */
  close(): Promise<void>;
}

/** Folders never watched. */
const IGNORED = ['node_modules', 'dist', 'tmp', 'coverage', '.git', '.nx', '.slice', '**/*.md'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;
/** Tests, fixtures of tests and docs: nothing that deploys. */
const NOT_DEPLOYED = /(^|\/)(test|tests|e2e|__tests__)\/|\.(spec|test)\.[cm]?[jt]s$/;
/** What the templates are made of: a change here needs a synth. */
const TEMPLATE_INPUT =
  /(^|\/)cdk\/|^infra\/|^libs\/cdk\/|^libs\/contracts?\/|(^|\/)(project|package|cdk|tsconfig[\w.]*)\.json$/;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What one cycle of the loop works on. */
interface Cycle {
  readonly files: readonly string[];
  readonly relative: readonly string[];
}

class Loop {
  private readonly bundles: Bundles;
  private readonly checker: TypeChecker;
  private readonly bundler: Rebundler;
  private readonly log: (line: string) => void;
  private readonly error: (line: string) => void;

  constructor(private readonly options: DevLoopOptions) {
    this.bundles = new Bundles(options.root);
    this.checker = new TypeChecker(options.root);
    this.bundler = new Rebundler(options.root);
    this.log = options.log ?? ((line) => console.log(line));
    this.error = options.error ?? ((line) => console.error(line));
  }

  /** Builds the type checker's programs in the background, so the first edit is fast too. */
  warm(): void {
    const started = performance.now();
    const entries = this.bundles.all(this.options.cloud.model.functions).map((bundle) => bundle.entry);
    this.checker.check([...new Set(entries)]).then(
      () => this.log(`dev: type checker ready in ${seconds(performance.now() - started)}`),
      (error: unknown) => this.error(`dev: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  async run(files: readonly string[]): Promise<void> {
    const cycle: Cycle = {
      files,
      relative: files.map((file) => relative(this.options.root, file).split(sep).join('/')),
    };
    const swapped = this.bundles.using(this.options.cloud.model.functions, files);
    const held = new Set(swapped.flatMap((bundle) => [...bundle.sources]));
    const slow = cycle.files.filter(
      (file, n) => TEMPLATE_INPUT.test(cycle.relative[n] ?? '') || !held.has(file),
    );
    this.log(`dev: changed ${cycle.relative.join(', ')}`);
    if (swapped.length > 0 && !(await this.hotswap(cycle, swapped))) return;
    if (slow.length > 0) await this.synthesize(slow);
  }

  async close(): Promise<void> {
    await this.checker.close();
    await this.bundler.close();
  }

  /** The fast path; false when the change was refused (the running code stays). */
  private async hotswap(cycle: Cycle, bundles: readonly FunctionBundle[]): Promise<boolean> {
    const labels = bundles.map((bundle) => labelOf(bundle.fn)).join(', ');
    const started = performance.now();
    const timed = async <T>(work: Promise<T>) => {
      const value = await work;
      return { value, ms: Math.round(performance.now() - started) };
    };
    // The type check (a worker thread) and the bundle (esbuild's own process) run side by side.
    const [checked, rebundled] = await Promise.all([
      timed(this.checker.check([...new Set(bundles.map((bundle) => bundle.entry))], cycle.files)),
      timed(this.bundler.rebundle(bundles)),
    ]);
    if ('errors' in rebundled.value) {
      this.error(
        `dev: the bundle failed; ${labels} keep running the code they ran:\n${rebundled.value.errors}`,
      );
      return false;
    }
    if (checked.value !== undefined) {
      this.error(`dev: type errors; ${labels} keep running the code they ran:\n${checked.value}`);
      return false;
    }
    const swapping = performance.now();
    await this.options.cloud.swapCode(rebundled.value.swaps);
    const done = performance.now();
    this.log(
      `dev: hot-swapped ${labels} in ${Math.round(done - started)} ms (type check ${checked.ms} ms and bundle ${rebundled.ms} ms side by side, swap ${Math.round(done - swapping)} ms): the next request runs the new code`,
    );
    return true;
  }

  /** The slow path: type check and synth through Nx, then a redeploy of each affected assembly. */
  private async synthesize(files: readonly string[]): Promise<void> {
    const deployables = affectedDeployables(await projectGraph(), this.options.root, files);
    if (deployables.length === 0) return;
    const names = deployables.map((each) => each.name);
    const started = performance.now();
    this.log(`dev: type-checking and synthesizing ${names.join(', ')} (nx run-many -t typecheck synth)…`);
    const synth = await typecheckAndSynth(this.options.root, names);
    if (!synth.ok) {
      this.error(
        `${synth.tail.join('\n')}\ndev: the type check or synth of ${names.join(', ')} failed (above); the running version stays.`,
      );
      return;
    }
    for (const deployable of deployables) {
      try {
        const summary = await this.options.cloud.redeploy(deployable.assembly);
        this.log(formatSummary(deployable.name, summary));
      } catch (error) {
        this.error(
          `dev: ${deployable.name} was not redeployed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    this.log(`dev: ${names.join(', ')} redeployed in ${seconds(performance.now() - started)}`);
  }
}

/** The changed files of a batch of watcher events that may deploy: sources, not tests. */
function deployableChanges(root: string, events: readonly Event[]): string[] {
  return [...new Set(events.map((event) => event.path))].filter((file) => {
    const path = relative(root, file).split(sep).join('/');
    return SOURCE.test(path) && !NOT_DEPLOYED.test(path) && !path.startsWith('..');
  });
}

/**
 * Watches the workspace and applies each saved change to the running cloud (see the module's
 * comment for the two paths). Changes saved while one is applied are applied next, together.
 *
 * @example
 * ```ts
 * const cloud = await startLocalCloud({ root });
 * const loop = await startDevLoop({ root, cloud });
 * // … edit apps/menu/src/handlers/get-menu-item.ts: "dev: hot-swapped menu/get-menu-item in 240 ms"
 * await loop.close();
 * ```
 */
export async function startDevLoop(options: DevLoopOptions): Promise<DevLoop> {
  const watcher = await import('@parcel/watcher');
  const loop = new Loop(options);
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const flush = () => {
    const files = [...pending];
    pending.clear();
    running = running
      .then(() => loop.run(files))
      .catch((error: unknown) =>
        (options.error ?? console.error)(
          `dev: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
      );
  };
  const subscription: AsyncSubscription = await watcher.subscribe(
    options.root,
    (error, events) => {
      if (error) return (options.error ?? console.error)(`dev: the watcher failed: ${error.message}`);
      for (const file of deployableChanges(options.root, events)) pending.add(file);
      if (pending.size === 0) return;
      clearTimeout(timer);
      timer = setTimeout(flush, options.debounceMs ?? 50);
    },
    { ignore: IGNORED },
  );
  loop.warm();
  (options.log ?? console.log)(
    `dev: watching ${options.root} for changes: handler code is hot-swapped, stacks and contracts are synthesized and redeployed`,
  );
  return {
    async close() {
      clearTimeout(timer);
      await subscription.unsubscribe();
      await running;
      await loop.close();
    },
  };
}
