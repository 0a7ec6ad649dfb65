import { writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Stack, type ILocalBundling } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import {
  build,
  sharedBuild,
  siblingsOf,
  type Build,
  type BundleReport,
  type ServiceBundlingOptions,
} from './bundle-build';

export {
  buildSharedBundles,
  esbuildOptionsOf,
  packagesOf,
  serviceBundling,
  sharedBundlesVariable,
  type BundleReport,
  type ServiceBundlingOptions,
} from './bundle-build';

const bundlers = new WeakMap<Stack, ServiceBundler>();

/**
 * Bundles a stack's functions with esbuild's JS API, through CDK's local bundling hook: the first
 * function of a handler folder builds every handler in that folder in one esbuild run (the layout
 * puts one function per file there), and the stack's other functions take their bundle from it.
 * One build per stack instead of a process per function; each bundle still holds only its own
 * entry's code paths (esbuild tree-shakes each entry point on its own). In a batch synth the folder's
 * bundles come from the run every stack shares (`buildSharedBundles`), the same bytes. Prints one
 * line per build.
 *
 * @example
 * ```ts
 * const code = lambda.Code.fromAsset(dirname(entry), {
 *   assetHashType: AssetHashType.OUTPUT,
 *   bundling: { image: runtime.bundlingImage, local: ServiceBundler.of(this).localBundling(entry, serviceBundling, root) },
 * });
 * ```
 */
export class ServiceBundler {
  /**
   * The bundler of the stack that holds `scope`.
   *
   * @example
   * ```ts
   * ServiceBundler.of(fn).reports(); // what each bundle of the stack weighs
   * ```
   */
  static of(scope: IConstruct): ServiceBundler {
    const stack = Stack.of(scope);
    let bundler = bundlers.get(stack);
    if (!bundler) {
      bundler = new ServiceBundler(stack.stackName);
      bundlers.set(stack, bundler);
    }
    return bundler;
  }

  /** Builds so far, by handler folder and options. */
  private readonly builds = new Map<string, Build>();

  private constructor(private readonly stackName: string) {}

  /**
   * CDK's local bundling hook for `entry`: writes its `index.mjs` (and map) into the asset's
   * output directory, building the entry's folder first if no build holds it yet.
   *
   * @example
   * ```ts
   * bundling: { image: runtime.bundlingImage, local: bundler.localBundling(entry, serviceBundling, root) }
   * ```
   */
  localBundling(entry: string, options: Required<ServiceBundlingOptions>, root: string): ILocalBundling {
    return {
      tryBundle: (outputDir) => {
        for (const file of this.bundleOf(entry, options, root).files.get(entry) ?? [])
          writeFileSync(join(outputDir, basename(file.path)), file.contents);
        return true;
      },
      // CDK hashes the bundling options into the asset hash when bundling is skipped (tests): a
      // stable description, not this object's closure.
      toJSON: () => ({ bundler: 'slice-esbuild', entry: relative(root, entry), options }),
    } as ILocalBundling;
  }

  /**
   * What each bundle built so far weighs and holds, by entry (empty when bundling is skipped).
   *
   * @example
   * ```ts
   * const packages = Object.keys(ServiceBundler.of(stack).reports()[0]?.inputs ?? {});
   * ```
   */
  reports(): BundleReport[] {
    return [...this.builds.values()].flatMap((built) => [...built.reports.values()]);
  }

  private bundleOf(entry: string, options: Required<ServiceBundlingOptions>, root: string): Build {
    const folderKey = `${dirname(entry)}\n${JSON.stringify(options)}`;
    const existing = this.builds.get(folderKey);
    if (existing?.files.has(entry)) return existing;
    const entries = existing ? [entry] : siblingsOf(entry);
    if (!entries.includes(entry)) entries.push(entry);
    const started = performance.now();
    const shared = sharedBuild(entries, options, root);
    const built = shared?.build ?? build(entries, options, root);
    const ms = performance.now() - started;
    const sizes = [...built.reports.values()].map((report) => report.bytes);
    const kb = (bytes: number) => (bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0);
    process.stderr.write(
      `Bundled ${entries.length} ${entries.length === 1 ? 'function' : 'functions'} of ${this.stackName} (${relative(root, dirname(entry))}) in ${(ms / 1000).toFixed(1)} s${shared ? ' (the shared build)' : ''}, ${kb(Math.min(...sizes))}–${kb(Math.max(...sizes))} KB each\n`,
    );
    this.builds.set(
      folderKey,
      existing
        ? {
            files: new Map([...existing.files, ...built.files]),
            reports: new Map([...existing.reports, ...built.reports]),
          }
        : built,
    );
    return this.builds.get(folderKey) as Build;
  }
}
