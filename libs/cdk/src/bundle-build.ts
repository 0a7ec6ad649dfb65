/**
 * How Slice bundles a function with esbuild, without aws-cdk-lib: the options, one run over several
 * entries, and the build several stacks share (the synth executor starts it before the stacks
 * load aws-cdk-lib). `ServiceBundler` (`service-bundler.ts`) hands the bundles to CDK.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Esbuild from 'esbuild';
import type { BuildOptions, Metafile, OutputFile } from 'esbuild';

// esbuild through Node's own require: a loader namespace (tsx's `require` API, which the synth
// executor loads this module with) adds a query to each file name it loads, and esbuild finds its
// binary from its own file name.
const { build: buildAsync, buildSync } = createRequire(join(__dirname, 'bundle-build.ts'))(
  'esbuild',
) as typeof Esbuild;

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
export interface Build {
  readonly files: ReadonlyMap<string, readonly OutputFile[]>;
  readonly reports: ReadonlyMap<string, BundleReport>;
}

/** The handler files next to `entry`: by the layout, one per function. Tests and types are not. */
export function siblingsOf(entry: string): string[] {
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

/** Where every build puts entry `n`: `<outdir>/<n>/index.mjs`; the source map's paths are relative to it. */
const bundleOutdir = (root: string) => join(root, 'dist', '.slice-bundles');

const entryPointsOf = (entries: readonly string[]) =>
  Object.fromEntries(entries.map((entry, n) => [`${n}/index`, entry]));

/** Each entry's output files and report, from one esbuild run over `entries`. */
function buildOf(
  entries: readonly string[],
  outputFiles: readonly OutputFile[],
  metafile: Metafile,
  root: string,
): Build {
  const outdir = bundleOutdir(root);
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

/** Runs esbuild once for `entries`; each lands in `<outdir>/<n>/index.mjs`. */
export function build(
  entries: readonly string[],
  options: Required<ServiceBundlingOptions>,
  root: string,
): Build {
  const result = buildSync({
    ...esbuildOptionsOf(options, root),
    entryPoints: entryPointsOf(entries),
    outdir: bundleOutdir(root),
  });
  return buildOf(entries, result.outputFiles ?? [], result.metafile ?? { inputs: {}, outputs: {} }, root);
}

/**
 * The environment variable naming a shared build's folder (see {@link buildSharedBundles}): a
 * process that synthesizes stacks with it set takes each bundle the build holds instead of
 * building it again.
 */
export const sharedBundlesVariable = 'SLICE_SHARED_BUNDLES';

/** What a shared build leaves in its folder once it ends (`bundles.json`). */
interface SharedBundles {
  /** Each entry's files (the name the asset gets, the file in the folder) and report. */
  readonly entries?: Readonly<
    Record<string, { readonly files: readonly (readonly [string, string])[]; readonly report: BundleReport }>
  >;
  /** Why the build failed: each stack then builds its own and reports the error. */
  readonly failed?: string;
}

/** What a shared build of `folders` is for: `plan.json`, written before it starts. */
interface SharedPlan {
  readonly entries: readonly string[];
}

/**
 * Bundles the handlers of several stacks (every handler file of each folder in `folders`, with the
 * Slice defaults, {@link serviceBundling}) in one esbuild run, into `dir`: esbuild parses each
 * module the stacks share (the AWS SDK, Powertools, middy, zod, the libraries) once instead of
 * once per stack, about a fifth less CPU for the 29 functions of the services. Each entry's bundle
 * is byte for byte the one a stack's own build makes (esbuild links, tree-shakes and names each
 * entry point on its own; every build puts entry `n` at the same depth, so the source maps' paths
 * match), so the asset, its hash and the template are the same. A process synthesizing with
 * {@link sharedBundlesVariable} set to `dir` takes its bundles from here (waiting for the build if
 * it has not ended); a bundle with other options, or a build that failed, is built by the stack.
 *
 * @example
 * ```ts
 * const shared = await buildSharedBundles(root, ['apps/menu/src/handlers', 'apps/orders/src/handlers'], dir);
 * // Bundled 13 functions of 2 stacks in 2.4 s
 * ```
 */
export async function buildSharedBundles(
  root: string,
  folders: readonly string[],
  dir: string,
): Promise<{ readonly functions: number; readonly ms: number; readonly failed?: string }> {
  const started = performance.now();
  const entries = folders.flatMap((folder) => {
    const absolute = resolve(root, folder);
    return existsSync(absolute) ? siblingsOf(join(absolute, 'index.ts')) : [];
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ entries } satisfies SharedPlan));
  let shared: SharedBundles;
  try {
    const result = await buildAsync({
      ...esbuildOptionsOf(serviceBundling, root),
      entryPoints: entryPointsOf(entries),
      outdir: bundleOutdir(root),
    });
    const built = buildOf(
      entries,
      result.outputFiles ?? [],
      result.metafile ?? { inputs: {}, outputs: {} },
      root,
    );
    const listed: Record<string, { files: [string, string][]; report: BundleReport }> = {};
    entries.forEach((entry, n) => {
      mkdirSync(join(dir, String(n)), { recursive: true });
      const files = (built.files.get(entry) ?? []).map((file): [string, string] => {
        const path = join(dir, String(n), basename(file.path));
        writeFileSync(path, file.contents);
        return [basename(file.path), path];
      });
      listed[entry] = { files, report: built.reports.get(entry) as BundleReport };
    });
    shared = { entries: listed };
  } catch (error) {
    shared = { failed: error instanceof Error ? error.message : String(error) };
  }
  // Written whole, then renamed: a reader never sees half of it.
  writeFileSync(join(dir, 'bundles.json.tmp'), JSON.stringify(shared));
  renameSync(join(dir, 'bundles.json.tmp'), join(dir, 'bundles.json'));
  return {
    functions: entries.length,
    ms: performance.now() - started,
    ...(shared.failed === undefined ? {} : { failed: shared.failed }),
  };
}

/** Sleeps this thread (a synthesis is synchronous: CDK's bundling hook cannot await). */
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** How long a stack waits for the shared build before it builds its own bundles. */
const sharedBuildPatience = 300_000;

/**
 * `entries`' bundles from the shared build named by {@link sharedBundlesVariable}, once it ends;
 * nothing when there is none, it does not plan every entry, or it failed.
 */
export function sharedBuild(
  entries: readonly string[],
  options: Required<ServiceBundlingOptions>,
  root: string,
): { build: Build; waitedMs: number } | undefined {
  const dir = process.env[sharedBundlesVariable];
  if (!dir || JSON.stringify(options) !== JSON.stringify(serviceBundling)) return undefined;
  const planPath = join(dir, 'plan.json');
  if (!existsSync(planPath)) return undefined;
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as SharedPlan;
  if (!entries.every((entry) => plan.entries.includes(entry))) return undefined;
  const started = performance.now();
  const done = join(dir, 'bundles.json');
  while (!existsSync(done)) {
    if (performance.now() - started > sharedBuildPatience) return undefined;
    sleep(20);
  }
  const shared = JSON.parse(readFileSync(done, 'utf8')) as SharedBundles;
  if (!shared.entries) return undefined;
  const files = new Map<string, OutputFile[]>();
  const reports = new Map<string, BundleReport>();
  const outdir = bundleOutdir(root);
  for (const entry of entries) {
    const listed = shared.entries[entry];
    if (!listed) return undefined;
    files.set(
      entry,
      listed.files.map(([name, path]) => {
        const contents = readFileSync(path);
        return {
          path: join(outdir, name),
          contents,
          hash: '',
          get text() {
            return contents.toString();
          },
        };
      }),
    );
    reports.set(entry, listed.report);
  }
  return { build: { files, reports }, waitedMs: performance.now() - started };
}
