/**
 * The portal as a static site: every page, the assets, the OpenAPI documents and the AsyncAPI
 * document, as files by path; {@link writeSite} puts them in a folder (`dist/portal`).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { toAsyncApi } from './asyncapi';
import { buildCatalog, type Catalog } from './catalog';
import { page } from './html';
import type { PortalInputs } from './inputs';
import { apiPages, eventsPage, frontDoorPage, livePage, servicePage, servicesPage, teamsPage } from './pages';

/** The generated site: file contents by path from its root. */
export type Site = ReadonlyMap<string, string>;

/** The files of the offline Swagger UI bundle the API pages load, from `swagger-ui-dist`. */
const swaggerFiles = ['swagger-ui-bundle.js', 'swagger-ui.css'];

const swaggerDir = () => dirname(require.resolve('swagger-ui-dist/package.json'));

function script(entry: string): string {
  const result = buildSync({
    entryPoints: [join(__dirname, 'browser', entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** The pages of a catalog, by path. */
export function pagesOf(catalog: Catalog): Map<string, string> {
  const specs = [
    servicesPage(catalog),
    teamsPage(catalog),
    frontDoorPage(catalog),
    eventsPage(catalog),
    ...catalog.services.map((service) => servicePage(catalog, service)),
    ...apiPages(catalog),
    livePage(),
  ];
  return new Map(specs.map((spec) => [spec.path, page(spec)]));
}

/**
 * Builds the whole site from the portal's inputs. The Swagger UI bundle is copied by
 * {@link writeSite}, not held here.
 *
 * @example
 * ```ts
 * const site = buildSite(await readInputs(root));
 * site.get('services/orders.html'); // '<!doctype html>...'
 * ```
 */
export function buildSite(inputs: PortalInputs): Site {
  const catalog = buildCatalog(inputs);
  const files = pagesOf(catalog);
  for (const [name, document] of Object.entries(inputs.openapi))
    files.set(`openapi/${name}.json`, `${JSON.stringify(document, null, 2)}\n`);
  files.set('asyncapi.json', `${JSON.stringify(toAsyncApi(catalog), null, 2)}\n`);
  files.set(
    'catalog.json',
    `${JSON.stringify({ ...catalog, services: catalog.services.map(({ readme: _readme, ...rest }) => rest) }, null, 2)}\n`,
  );
  files.set('assets/portal.css', readFileSync(join(__dirname, 'assets/portal.css'), 'utf8'));
  files.set('assets/api.js', script('api.ts'));
  files.set('assets/live.js', script('live.ts'));
  return files;
}

/** Writes a site to a folder, replacing what was there, with the Swagger UI bundle beside it. */
export function writeSite(site: Site, folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  for (const [path, content] of site) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  mkdirSync(join(folder, 'assets/swagger-ui'), { recursive: true });
  for (const file of swaggerFiles)
    copyFileSync(join(swaggerDir(), file), join(folder, 'assets/swagger-ui', file));
}
