/**
 * `--dry-run` must never deploy, at any depth of the task graph. These tests run the real Nx
 * commands against the workspace's real `nx.json`, `project.json` and `package.json` files and the
 * real deploy driver, in a scratch copy whose `node_modules/.bin/cdk` is a stand-in that records
 * its arguments: Nx puts `node_modules/.bin` before the caller's PATH, so that is the first `cdk`
 * any task finds. The assemblies are small hand-written manifests, so nothing is synthesized.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '../../..');
const nxBin = join(root, 'node_modules/nx/dist/bin/nx.js');
const projectFiles = ['project.json', 'package.json', 'cdk.json'];
const sourceFolders = ['apps', 'libs', 'infra', 'tools'];

interface Deployable {
  readonly project: string;
  readonly root: string;
}

let workspace: string;
let calls: string;
let deployables: Deployable[];

/** Every project folder (a folder with a project.json or package.json) under the source folders. */
function projectFolders(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const here = entries.some((entry) => entry.isFile() && projectFiles.includes(entry.name)) ? [dir] : [];
  const below = entries
    .filter(
      (entry) =>
        entry.isDirectory() && !['node_modules', 'dist', 'cdk.out', 'src', 'test'].includes(entry.name),
    )
    .flatMap((entry) => projectFolders(join(dir, entry.name)));
  return [...here, ...below];
}

/** A scratch workspace: the real configuration, the real deploy driver, a recording `cdk`. */
function scratchWorkspace(): void {
  workspace = mkdtempSync(join(tmpdir(), 'slice-dry-run-'));
  calls = join(workspace, 'cdk-calls.log');
  for (const file of ['nx.json', 'package.json', 'tsconfig.base.json'])
    cpSync(join(root, file), join(workspace, file));
  cpSync(join(root, 'tools/deploy/src'), join(workspace, 'tools/deploy/src'), { recursive: true });
  deployables = [];
  for (const folder of sourceFolders.flatMap((name) => projectFolders(join(root, name)))) {
    const projectRoot = relative(root, folder);
    mkdirSync(join(workspace, projectRoot), { recursive: true });
    for (const file of projectFiles.filter((name) => existsSync(join(folder, name)))) {
      cpSync(join(folder, file), join(workspace, projectRoot, file));
    }
    const project = readProject(folder);
    if (project?.deploys) deployables.push({ project: project.name, root: projectRoot });
  }
  for (const { project, root: projectRoot } of deployables) writeAssembly(projectRoot, `Stand${project}`);
  linkNodeModules();
}

function readProject(folder: string): { name: string; deploys: boolean } | undefined {
  const path = join(folder, 'project.json');
  if (!existsSync(path)) return undefined;
  const project = JSON.parse(readFileSync(path, 'utf8')) as {
    name: string;
    targets?: Record<string, unknown>;
  };
  return { name: project.name, deploys: 'deploy' in (project.targets ?? {}) };
}

/** An assembly with a stack per stage, as `<name>-dev` and `<name>-prod`. */
function writeAssembly(projectRoot: string, name: string): void {
  const assembly = join(workspace, 'dist', projectRoot, 'cdk.out');
  mkdirSync(assembly, { recursive: true });
  const artifacts = Object.fromEntries(
    ['dev', 'prod'].map((stage) => [
      `${name}-${stage}`,
      { type: 'aws:cloudformation:stack', properties: { stackName: `${name}-${stage}` } },
    ]),
  );
  writeFileSync(join(assembly, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
}

/** Links every installed package, and every binary but `cdk`, which records its argv instead. */
function linkNodeModules(): void {
  const modules = join(workspace, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry !== '.bin') symlinkSync(join(root, 'node_modules', entry), join(modules, entry));
  }
  for (const entry of readdirSync(join(root, 'node_modules/.bin'))) {
    if (entry !== 'cdk') symlinkSync(join(root, 'node_modules/.bin', entry), join(modules, '.bin', entry));
  }
  const standIn = join(modules, '.bin/cdk');
  writeFileSync(standIn, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\n`);
  chmodSync(standIn, 0o755);
}

/** Runs Nx in the scratch workspace and returns what it printed and what `cdk` was asked to do. */
async function nx(...args: string[]): Promise<{ output: string; cdkCalls: string[] }> {
  rmSync(calls, { force: true });
  const env = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: 'true',
  };
  const { stdout, stderr } = await run(process.execPath, [nxBin, ...args, '--outputStyle=static'], {
    cwd: workspace,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const recorded = existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [];
  return { output: `${stdout}\n${stderr}`, cdkCalls: recorded };
}

const deploys = (cdkCalls: string[]) => cdkCalls.filter((call) => call.startsWith('deploy'));
const planned = (output: string) => [...output.matchAll(/^stacks: +(.+)$/gm)].map((match) => match[1]);

beforeAll(scratchWorkspace);
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('deploy --dry-run', () => {
  it('has something to prove: without --dry-run the stand-in cdk sees every deploy', async () => {
    const { cdkCalls } = await nx('run', 'menu:deploy', '--configuration=dev');

    expect(deploys(cdkCalls)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ Standinfra-dev$/),
        expect.stringMatching(/ Standmenu-dev$/),
      ]),
    );
  }, 120_000);

  it('never deploys the platform a single service depends on', async () => {
    const { output, cdkCalls } = await nx('run', 'menu:deploy', '--configuration=dev', '--dry-run');

    expect(deploys(cdkCalls)).toEqual([]);
    expect(planned(output).sort()).toEqual(['Standinfra-dev', 'Standmenu-dev']);
  }, 120_000);

  it('never deploys anything in nx run-many', async () => {
    const { output, cdkCalls } = await nx('run-many', '-t', 'deploy', '--configuration=dev', '--dry-run');

    expect(deploys(cdkCalls)).toEqual([]);
    expect(planned(output).sort()).toEqual(deployables.map(({ project }) => `Stand${project}-dev`).sort());
  }, 120_000);

  it('never deploys an unaffected dependency in nx affected', async () => {
    const { output, cdkCalls } = await nx(
      'affected',
      '-t',
      'deploy',
      '--configuration=dev',
      '--dry-run',
      '--files=apps/menu/project.json',
    );

    expect(deploys(cdkCalls)).toEqual([]);
    expect(planned(output)).toEqual(expect.arrayContaining(['Standinfra-dev', 'Standmenu-dev']));
    expect(planned(output)).not.toContain('Standorders-dev');
  }, 120_000);
});

/**
 * Every `npx nx` command docs/deploying.md shows, with the placeholders filled in and `--dry-run`
 * added where it is missing (the doc's real deploys would touch AWS).
 */
function documentedNxCommands(): string[][] {
  const doc = readFileSync(join(root, 'docs/deploying.md'), 'utf8');
  const commands = [...doc.matchAll(/npx nx ([^`\n#]+)/g)].map((match) =>
    match[1]!
      .trim()
      .replaceAll('<stage>', 'dev')
      .replaceAll('<service>', 'orders')
      .replaceAll('<project>', 'orders')
      .split(/\s+/),
  );
  // The scratch workspace has no git history: `affected` is told which file changed.
  const dry = commands
    .map((args) => (args.includes('--dry-run') ? args : [...args, '--dry-run']))
    .map((args) => (args[0] === 'affected' ? [...args, '--files=apps/orders/project.json'] : args));
  return [...new Map(dry.map((args) => [args.join(' '), args])).values()];
}

describe('docs/deploying.md', () => {
  it('shows deploy commands', () => {
    expect(documentedNxCommands().length).toBeGreaterThanOrEqual(3);
  });

  it.each(documentedNxCommands().map((args) => [args.join(' '), args]))(
    'npx nx %s exits 0 and deploys nothing',
    async (_name, args) => {
      const { cdkCalls } = await nx(...args);

      expect(deploys(cdkCalls)).toEqual([]);
    },
    120_000,
  );
});
