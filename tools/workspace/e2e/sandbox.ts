/**
 * A throw-away copy of the workspace for running the generators the way a team does: only what a
 * service needs to lint, test, synthesize and run (the shared libs, the tools, the platform stacks
 * and the monolith the front door falls back to), with `node_modules` linked rather than copied.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** What a generated service needs of the workspace. */
const copied = [
  'package.json',
  'package-lock.json',
  'nx.json',
  'tsconfig.base.json',
  'eslint.config.mjs',
  '.prettierrc.json',
  '.prettierignore',
  '.nxignore',
  '.nvmrc',
  '.github',
  'libs',
  'tools',
  'infra',
  'apps/monolith',
  // The monolith's seed replays Menu's (its legacy copy of the demo menu).
  'apps/menu/seed',
];

/** Build output, caches and installs: never copied. */
const skipped = /(^|\/)(node_modules|dist|\.nx|cdk\.out|coverage|\.stryker-tmp|e2e)(\/|$)/;

/**
 * Copies the workspace at `root` into a new temporary folder and links its `node_modules`: every
 * package points at the real install, except the workspace's own `@slice/*` links, which point
 * into the copy (so a generated package can be linked without touching the real install).
 *
 * @example
 * ```ts
 * const sandbox = createSandbox(workspaceRoot);
 * // ... npx nx g @slice/workspace:service demo --team menu, in sandbox.root
 * sandbox.remove();
 * ```
 */
export function createSandbox(root: string): { root: string; remove: () => void } {
  const sandbox = mkdtempSync(join(tmpdir(), 'slice-generators-'));
  for (const entry of copied) {
    cpSync(join(root, entry), join(sandbox, entry), {
      recursive: true,
      filter: (source) => !skipped.test(relative(root, source)),
    });
  }
  linkNodeModules(join(root, 'node_modules'), join(sandbox, 'node_modules'));
  keepRoutesToCopiedApps(sandbox);
  return { root: sandbox, remove: () => rmSync(sandbox, { recursive: true, force: true }) };
}

/**
 * The copy is a platform of the monolith alone (plus what is generated in it): the front door's
 * rules and WebSocket domains for services that were not copied would name API ids no stack
 * publishes.
 */
function keepRoutesToCopiedApps(sandbox: string): void {
  const path = join(sandbox, 'infra/front-door/src/routing.ts');
  const apps = new Set(
    readdirSync(join(sandbox, 'apps')).filter((app) =>
      existsSync(join(sandbox, 'apps', app, 'project.json')),
    ),
  );
  const kept = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => {
      const service = /^ *(?:webSockets: \[)?\{ service: '([^']+)'/.exec(line)?.[1];
      return service === undefined || apps.has(service);
    });
  writeFileSync(path, kept.join('\n'));
}

function linkNodeModules(real: string, copy: string): void {
  mkdirSync(copy);
  for (const entry of readdirSync(real)) {
    if (entry === '@slice') continue;
    symlinkSync(join(real, entry), join(copy, entry));
  }
  mkdirSync(join(copy, '@slice'));
  for (const entry of readdirSync(join(real, '@slice'))) {
    // Relative links (`../../libs/cdk`) resolve inside the copy.
    symlinkSync(readlinkSync(join(real, '@slice', entry)), join(copy, '@slice', entry));
  }
}
