/**
 * Builds the storefront into a directory the stack deploys: `app.js` (the TypeScript of `src/`
 * bundled by esbuild for browsers, minified, no source map published), and the static files of
 * `site/` (`index.html`, `styles.css`). Runs at synth, as the functions' bundling does.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const appRoot = join(__dirname, '..');

/** The directory the site is built into: `dist/apps/storefront/site`. */
export const siteOutDir = join(appRoot, '../../dist/apps/storefront/site');

/**
 * Builds the site into `outDir` (emptied first) and returns it.
 *
 * @example
 * ```ts
 * new StaticSite(this, 'Site', { stage, source: buildSite() });
 * ```
 */
export function buildSite(outDir = siteOutDir): string {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(join(appRoot, 'site'), outDir, { recursive: true });
  buildSync({
    entryPoints: [join(appRoot, 'src/main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    legalComments: 'none',
    tsconfig: join(appRoot, 'tsconfig.json'),
    logLevel: 'warning',
  });
  return outDir;
}
