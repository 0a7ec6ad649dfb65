/**
 * Which running functions a changed source file is part of, read from the source maps of their
 * bundles (`index.mjs.map`: esbuild lists every input file of the bundle), and the handler file
 * each bundle starts from (the last input that is not a package: esbuild writes the entry last).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FunctionSpec } from '../model';

/** A running function's bundle: its handler file and every source file inside it. */
export interface FunctionBundle {
  readonly fn: FunctionSpec;
  /** The handler file the bundle was built from (absolute). */
  readonly entry: string;
  /** Every workspace source file of the bundle (absolute), the entry included. */
  readonly sources: ReadonlySet<string>;
}

/**
 * Where the Slice bundler (`libs/cdk/src/service-bundler.ts`) wrote bundles before the CDK copied
 * them into the assembly: the source maps' paths are relative to it, not to the asset folder.
 */
const BUNDLER_OUTDIR = 'dist/.slice-bundles/0';

interface SourceMap {
  readonly sources?: readonly string[];
}

/** The bundle of one function, when its code folder has a source map naming workspace files. */
function bundleOf(root: string, fn: FunctionSpec): FunctionBundle | undefined {
  const mapFile = join(fn.codeDir, 'index.mjs.map');
  if (!existsSync(mapFile)) return undefined;
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMap;
  const own = (map.sources ?? []).filter((source) => !source.includes('node_modules/'));
  if (own.length === 0) return undefined;
  // A bundle of `npm run dev` maps relative to its own folder; an assembly's to the bundler's.
  const base = [dirname(mapFile), join(root, BUNDLER_OUTDIR)].find((candidate) =>
    existsSync(resolve(candidate, own.at(-1) ?? '')),
  );
  if (base === undefined) return undefined;
  const sources = own.map((source) => resolve(base, source));
  const entry = sources.at(-1);
  return entry === undefined ? undefined : { fn, entry, sources: new Set(sources) };
}

/**
 * The bundles of the running functions, read once per code folder.
 *
 * @example
 * ```ts
 * const bundles = new Bundles(root);
 * bundles.using(cloud.model.functions, ['/repo/apps/menu/src/handlers/get-menu-item.ts']); // [{ fn, entry, sources }]
 * ```
 */
export class Bundles {
  private readonly byCodeDir = new Map<string, FunctionBundle | undefined>();

  constructor(private readonly root: string) {}

  /** Every function's bundle that could be read. */
  all(functions: readonly FunctionSpec[]): FunctionBundle[] {
    return functions.flatMap((fn) => {
      if (!this.byCodeDir.has(fn.codeDir)) this.byCodeDir.set(fn.codeDir, bundleOf(this.root, fn));
      const bundle = this.byCodeDir.get(fn.codeDir);
      return bundle ? [{ ...bundle, fn }] : [];
    });
  }

  /** The bundles that hold any of `files`. */
  using(functions: readonly FunctionSpec[], files: readonly string[]): FunctionBundle[] {
    return this.all(functions).filter((bundle) => files.some((file) => bundle.sources.has(file)));
  }
}
