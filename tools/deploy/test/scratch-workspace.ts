/**
 * A scratch copy of the workspace for running the real Nx commands with a stand-in `cdk`: the real
 * `nx.json`, `package.json`, `tsconfig.base.json`, every project's `project.json`, `package.json`
 * and `cdk.json`, the real deploy driver, and `node_modules` linked package by package, except
 * `node_modules/.bin/cdk`, which records its arguments. Nx puts `node_modules/.bin` before the
 * caller's PATH, so that is the first `cdk` any task finds, and a stand-in put earlier on PATH would
 * never be reached. The assemblies are small hand-written manifests with a `<name>-dev` and a
 * `<name>-prod` stack per deployable (`Stand<project>`), so nothing is synthesized: the `synth`
 * target (which runs the CDK apps in process, not through `cdk`) is a no-op there.
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
/** The real workspace. */
export const workspaceRoot = join(__dirname, '../../..');
const nxBin = join(workspaceRoot, 'node_modules/nx/dist/bin/nx.js');
const projectFiles = ['project.json', 'package.json', 'cdk.json'];
const sourceFolders = ['apps', 'libs', 'infra', 'tools'];

/** A project with a deploy target, and its folder. */
export interface Deployable {
  readonly project: string;
  readonly root: string;
}

/** What one Nx command printed and every command line the stand-in `cdk` was given. */
export interface NxRun {
  readonly output: string;
  readonly cdkCalls: string[];
}

export interface ScratchWorkspace {
  readonly dir: string;
  readonly deployables: readonly Deployable[];
  /** Runs Nx there (daemon, cloud and cache off). */
  nx(...args: string[]): Promise<NxRun>;
  remove(): void;
}

/** Every project folder (a folder with a project.json or package.json) under `dir`. */
function projectFolders(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const here = entries.some((entry) => entry.isFile() && projectFiles.includes(entry.name)) ? [dir] : [];
  const skipped = ['node_modules', 'dist', 'cdk.out', 'src', 'test'];
  const below = entries
    .filter((entry) => entry.isDirectory() && !skipped.includes(entry.name))
    .flatMap((entry) => projectFolders(join(dir, entry.name)));
  return [...here, ...below];
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

function writeAssembly(dir: string, projectRoot: string, name: string): void {
  const assembly = join(dir, 'dist', projectRoot, 'cdk.out');
  mkdirSync(assembly, { recursive: true });
  const artifacts = Object.fromEntries(
    ['dev', 'prod'].map((stage) => [
      `${name}-${stage}`,
      { type: 'aws:cloudformation:stack', properties: { stackName: `${name}-${stage}` } },
    ]),
  );
  writeFileSync(join(assembly, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
}

function linkNodeModules(dir: string, calls: string): void {
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  for (const entry of readdirSync(join(workspaceRoot, 'node_modules'))) {
    if (entry !== '.bin') symlinkSync(join(workspaceRoot, 'node_modules', entry), join(modules, entry));
  }
  for (const entry of readdirSync(join(workspaceRoot, 'node_modules/.bin'))) {
    if (entry !== 'cdk')
      symlinkSync(join(workspaceRoot, 'node_modules/.bin', entry), join(modules, '.bin', entry));
  }
  const standIn = join(modules, '.bin/cdk');
  writeFileSync(standIn, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\n`);
  chmodSync(standIn, 0o755);
}

async function runNx(dir: string, calls: string, args: string[]): Promise<NxRun> {
  rmSync(calls, { force: true });
  const env = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: 'true',
  };
  const { stdout, stderr } = await run(process.execPath, [nxBin, ...args, '--outputStyle=static'], {
    cwd: dir,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const recorded = existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [];
  return { output: `${stdout}\n${stderr}`, cdkCalls: recorded };
}

/**
 * Nothing is built in the scratch workspace: a project's own `generate` target (the portal writes
 * its site before its synth) becomes a no-op, as `synth` does through the target defaults.
 */
function noopBuildTargets(projectJson: string): void {
  if (!existsSync(projectJson)) return;
  const project = JSON.parse(readFileSync(projectJson, 'utf8')) as { targets?: Record<string, unknown> };
  if (!project.targets?.generate) return;
  project.targets.generate = { executor: 'nx:noop' };
  writeFileSync(projectJson, JSON.stringify(project, null, 2));
}

/** Builds the scratch workspace (a temporary folder; `remove()` deletes it). */
export function createScratchWorkspace(): ScratchWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'slice-dry-run-'));
  const calls = join(dir, 'cdk-calls.log');
  for (const file of ['package.json', 'tsconfig.base.json']) {
    cpSync(join(workspaceRoot, file), join(dir, file));
  }
  const nxJson = JSON.parse(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8')) as {
    targetDefaults: Record<string, unknown>;
  };
  nxJson.targetDefaults.synth = { executor: 'nx:noop' };
  writeFileSync(join(dir, 'nx.json'), JSON.stringify(nxJson, null, 2));
  cpSync(join(workspaceRoot, 'tools/deploy/src'), join(dir, 'tools/deploy/src'), { recursive: true });
  const deployables: Deployable[] = [];
  for (const folder of sourceFolders.flatMap((name) => projectFolders(join(workspaceRoot, name)))) {
    const projectRoot = relative(workspaceRoot, folder);
    mkdirSync(join(dir, projectRoot), { recursive: true });
    for (const file of projectFiles.filter((name) => existsSync(join(folder, name)))) {
      cpSync(join(folder, file), join(dir, projectRoot, file));
    }
    noopBuildTargets(join(dir, projectRoot, 'project.json'));
    const project = readProject(folder);
    if (project?.deploys) deployables.push({ project: project.name, root: projectRoot });
  }
  for (const { project, root } of deployables) writeAssembly(dir, root, `Stand${project}`);
  linkNodeModules(dir, calls);
  return {
    dir,
    deployables,
    nx: (...args) => runNx(dir, calls, args),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The `cdk deploy` command lines among the stand-in's calls. */
export const deploysIn = (cdkCalls: readonly string[]) =>
  cdkCalls.filter((call) => call.startsWith('deploy'));
