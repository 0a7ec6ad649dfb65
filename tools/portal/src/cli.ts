/**
 * `npm run portal`: writes the developer portal to `dist/portal` from the repo as it is: the
 * OpenAPI documents (through `npm run openapi`), the synthesized templates in `dist/` (run
 * `npx nx run-many -t synth` to refresh them), the projects, teams, CODEOWNERS, the front door's
 * manifest and the READMEs. Serve the folder anywhere; `npm start` serves it at
 * `http://portal.localhost:<port>` with its live panels.
 */
import { resolve } from 'node:path';
import { generatePortal } from './generate';

generatePortal(resolve(__dirname, '../../..'))
  .then(({ files, stacks }) => {
    const note = stacks === 0 ? ' (no synthesized templates: tables and consumers are empty)' : '';
    console.log(`Wrote the developer portal (${files} files, from ${stacks} stacks) to dist/portal${note}.`);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
