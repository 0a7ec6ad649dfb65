/**
 * `nx affected` as a team relies on it, proven on a throwaway git repository copied from the
 * workspace: a change deploys exactly the services it can break, and a README change deploys none.
 * A project whose dependencies or inputs were declared wrongly changes these sets and fails here.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repo = resolve(__dirname, '../../..');
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  GIT_AUTHOR_NAME: 'slice',
  GIT_AUTHOR_EMAIL: 'slice@localhost',
  GIT_COMMITTER_NAME: 'slice',
  GIT_COMMITTER_EMAIL: 'slice@localhost',
};
let copy: string;

const git = (...args: string[]) => execFileSync('git', args, { cwd: copy, env, encoding: 'utf8' });

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'slice-affected-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(repo, file), join(copy, file));
  }
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
}, 60_000);

afterAll(() => rmSync(copy, { recursive: true, force: true }));

afterEach(() => {
  git('checkout', '-q', '--', '.');
});

/** The projects whose deploy target `nx affected` would run after changing `file`. */
function deploysAfterChanging(file: string): string[] {
  appendFileSync(join(copy, file), '\n// a change\n');
  const out = execFileSync(
    process.execPath,
    [
      join(repo, 'node_modules/nx/dist/bin/nx.js'),
      'show',
      'projects',
      '--affected',
      '--base=main',
      '-t',
      'deploy',
      '--json',
    ],
    {
      cwd: copy,
      env,
      encoding: 'utf8',
    },
  );
  return (JSON.parse(out) as string[]).sort();
}

describe('nx affected -t deploy', () => {
  // The portal is generated from every deployable's synthesized templates (its generate target
  // depends on their synth), so whatever may change a template redeploys it too.
  it("deploys only Menu, and the portal derived from its template, after a change in Menu's code", () => {
    expect(deploysAfterChanging('apps/menu/src/config.ts')).toEqual(['menu', 'portal']);
  });

  it("deploys Menu, its consumers (Orders, and Kitchen and Tracking through Orders' contract, the storefront that bundles its schemas) and the monolith that still serves it after a change in Menu's contract", () => {
    expect(deploysAfterChanging('libs/contracts/menu/src/index.ts')).toEqual([
      'kitchen',
      'menu',
      'monolith',
      'orders',
      'portal',
      'storefront',
      'tracking',
    ]);
  });

  it('deploys every service after a change in the shared middleware', () => {
    expect(deploysAfterChanging('libs/middleware/src/http.ts')).toEqual([
      'kitchen',
      'menu',
      'monolith',
      'orders',
      'portal',
      'tracking',
    ]);
  });

  it('deploys the front door and the portal (its route map) after a change in the routing manifest, and nothing else', () => {
    expect(deploysAfterChanging('infra/front-door/src/routing.ts')).toEqual(['front-door', 'portal']);
  });

  it('deploys nothing after a README change', () => {
    expect(deploysAfterChanging('apps/menu/README.md')).toEqual([]);
  });
});
