import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readInputs } from './inputs';
import { buildSite, writeSite } from './site';

const run = promisify(execFile);

/** What {@link generatePortal} wrote. */
export interface GeneratedPortal {
  readonly folder: string;
  readonly files: number;
  /** How many synthesized stacks it read (none: no tables or consumers shown). */
  readonly stacks: number;
}

/**
 * Writes the portal to `<root>/dist/portal`: first the OpenAPI documents through the contract
 * kit's own command (`npm run openapi`), then every page from the repo and the templates in `dist/`.
 *
 * @example
 * ```ts
 * const { folder, files } = await generatePortal(root); // dist/portal, 27 files
 * ```
 */
export async function generatePortal(root: string): Promise<GeneratedPortal> {
  await run('npm', ['run', '--silent', 'openapi'], { cwd: root });
  const inputs = await readInputs(root);
  const site = buildSite(inputs);
  const folder = join(root, 'dist/portal');
  writeSite(site, folder);
  return { folder, files: site.size, stacks: inputs.stacks.length };
}
