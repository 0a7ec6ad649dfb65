/**
 * `npm run portal`: writes the developer portal to `dist/portal` from the repo as it is: the
 * OpenAPI documents (`npm run openapi` runs first), the synthesized templates in `dist/` (run
 * `npx nx run-many -t synth` to refresh them), the projects, teams, CODEOWNERS, the front door's
 * manifest and the READMEs. Serve the folder anywhere; `npm start` serves it at
 * `http://portal.localhost:<port>` with its live panels.
 */
import { join, resolve } from 'node:path';
import { readInputs } from './inputs';
import { buildSite, writeSite } from './site';

const root = resolve(__dirname, '../../..');

async function main(): Promise<void> {
  const inputs = await readInputs(root);
  const site = buildSite(inputs);
  const folder = join(root, 'dist/portal');
  writeSite(site, folder);
  const withoutTemplates =
    inputs.stacks.length === 0 ? ' (no synthesized templates: tables and consumers are empty)' : '';
  console.log(`Wrote the developer portal (${site.size} files) to dist/portal${withoutTemplates}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
