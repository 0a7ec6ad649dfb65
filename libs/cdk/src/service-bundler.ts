import { readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Stack, type ILocalBundling } from 'aws-cdk-lib';
import { buildSync, type BuildOptions, type Metafile, type OutputFile } from 'esbuild';
import type { IConstruct } from 'constructs';

/**
 * How a Slice function is bundled. Every field has the Slice default; a function that needs
 * another value gets a build of its own.
 *
 * @example
 * ```ts
 * new ServiceFunction(this, 'Tool', { entry, bundling: { minify: false } });
 * ```
 */
export interface ServiceBundlingOptions {
  /**
   * Minify the bundle. Identifiers are shortened, function and class names are kept, so stack
   * traces and `error.name` still read.
   *
   * @default true
   */
  readonly minify?: boolean;

  /**
   * Write `index.mjs.map` next to the bundle (without the sources: Node reads the map at start
   * with `--enable-source-maps`, and a smaller map parses faster).
   *
   * @default true
   */
  readonly sourceMap?: boolean;

  /**
   * Modules left out of the bundle, to be found at run time (a layer, the runtime's own copy).
   *
   * @default [] (everything is bundled, the AWS SDK too, at the version the repo pins)
   */
  readonly externalModules?: readonly string[];

  /**
   * Identifiers replaced at build time, as esbuild's `define`.
   *
   * @default {}
   */
  readonly define?: Readonly<Record<string, string>>;
}

/**
 * The bundling every Slice function gets: one minified ESM file for Node 24 with names kept and a
 * source map, every dependency inside it.
 *
 * @example
 * ```ts
 * const debug: ServiceBundlingOptions = { ...serviceBundling, minify: false };
 * ```
 */
export const serviceBundling: Required<ServiceBundlingOptions> = {
  minify: true,
  sourceMap: true,
  externalModules: [],
  define: {},
};

/** CommonJS dependencies call `require`; an ESM bundle has none unless it makes one. */
const requireShim = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** What one function's bundle weighs and holds, from esbuild's metafile. */
export interface BundleReport {
  /** The handler file the bundle starts from. */
  readonly entry: string;
  /** Size of `index.mjs` in bytes. */
  readonly bytes: number;
  /** Bytes each input contributes to `index.mjs`, by path relative to the repository root. */
  readonly inputs: Readonly<Record<string, number>>;
}

/**
 * The npm packages inside a bundle, each with the install paths its code came from: more than one
 * path is a second copy of the package (two versions, or one not deduplicated).
 *
 * @example
 * ```ts
 * const copies = [...packagesOf(report)].filter(([, paths]) => paths.length > 1);
 * ```
 */
export function packagesOf(report: BundleReport): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  for (const input of Object.keys(report.inputs)) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (!match?.[1] || !match[2]) continue;
    const paths = packages.get(match[2]) ?? [];
    if (!paths.includes(match[1])) paths.push(match[1]);
    packages.set(match[2], paths);
  }
  return packages;
}

/** One esbuild run: the bundles of every entry it was asked for, by entry path. */
interface Build {
  readonly files: ReadonlyMap<string, readonly OutputFile[]>;
  readonly reports: ReadonlyMap<string, BundleReport>;
}

/** The handler files next to `entry`: by the layout, one per function. Tests and types are not. */
function siblingsOf(entry: string): string[] {
  const directory = dirname(entry);
  const extension = extname(entry);
  return readdirSync(directory)
    .filter((name) => name.endsWith(extension) && !/\.(spec|test|d)\.[cm]?[jt]s$/.test(name))
    .map((name) => join(directory, name));
}

/** The esbuild options of a Slice bundle, from {@link ServiceBundlingOptions}. */
export function esbuildOptionsOf(options: Required<ServiceBundlingOptions>, root: string): BuildOptions {
  return {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    outExtension: { '.js': '.mjs' },
    banner: { js: requireShim },
    minify: options.minify,
    keepNames: true,
    sourcemap: options.sourceMap ? 'linked' : false,
    sourcesContent: false,
    external: [...options.externalModules],
    define: { ...options.define },
    metafile: true,
    write: false,
    logLevel: 'silent',
  };
}

/** Bytes per input of one output, keyed by the path relative to the repository root. */
function inputsOf(metafile: Metafile, output: string, root: string): Record<string, number> {
  const inputs: Record<string, number> = {};
  for (const [path, { bytesInOutput }] of Object.entries(metafile.outputs[output]?.inputs ?? {}))
    inputs[relative(root, resolve(root, path))] = bytesInOutput;
  return inputs;
}

/** Runs esbuild once for `entries`; each lands in `<outdir>/<n>/index.mjs`. */
function build(entries: readonly string[], options: Required<ServiceBundlingOptions>, root: string): Build {
  const outdir = join(root, 'dist', '.slice-bundles');
  const entryPoints = Object.fromEntries(entries.map((entry, n) => [`${n}/index`, entry]));
  const result = buildSync({ ...esbuildOptionsOf(options, root), entryPoints, outdir });
  const outputFiles = result.outputFiles ?? [];
  const metafile = result.metafile ?? { inputs: {}, outputs: {} };
  const files = new Map<string, OutputFile[]>();
  const reports = new Map<string, BundleReport>();
  entries.forEach((entry, n) => {
    const directory = join(outdir, String(n));
    const outputs = outputFiles.filter((file) => dirname(file.path) === directory);
    files.set(entry, outputs);
    const code = join(directory, 'index.mjs');
    const metafileKey = relative(root, code);
    reports.set(entry, {
      entry,
      bytes: outputs.find((file) => file.path === code)?.contents.byteLength ?? 0,
      inputs: inputsOf(metafile, metafileKey, root),
    });
  });
  return { files, reports };
}

const bundlers = new WeakMap<Stack, ServiceBundler>();

/**
 * Bundles a stack's functions with esbuild's JS API, through CDK's local bundling hook: the first
 * function of a handler folder builds every handler in that folder in one esbuild run (the layout
 * puts one function per file there), and the stack's other functions take their bundle from it.
 * One build per stack instead of a process per function; each bundle still holds only its own
 * entry's code paths (esbuild tree-shakes each entry point on its own). Prints one line per build.
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
    const built = build(entries, options, root);
    const ms = performance.now() - started;
    const sizes = [...built.reports.values()].map((report) => report.bytes);
    const kb = (bytes: number) => (bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0);
    process.stderr.write(
      `Bundled ${entries.length} ${entries.length === 1 ? 'function' : 'functions'} of ${this.stackName} (${relative(root, dirname(entry))}) in ${(ms / 1000).toFixed(1)} s, ${kb(Math.min(...sizes))}–${kb(Math.max(...sizes))} KB each\n`,
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
