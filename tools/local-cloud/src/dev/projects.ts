/**
 * The slow path of `npm run dev`: a change the fast path cannot take (a stack's CDK code, a
 * contract, a new file) synthesizes the deployable projects it affects, found in Nx's project
 * graph, after their type check, both through Nx (cached); then each assembly is redeployed.
 */
import { spawn } from 'node:child_process';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { ProjectGraph } from '@nx/devkit';

/** A project with a `synth` target: what a redeploy takes. */
export interface Deployable {
  readonly name: string;
  /** Its cloud assembly, `dist/<root>/cdk.out`. */
  readonly assembly: string;
}

/** The project a file belongs to: the one with the longest root containing it. */
function ownerOf(graph: ProjectGraph, root: string, file: string): string | undefined {
  const path = relative(root, file).split(sep).join('/');
  let owner: { name: string; length: number } | undefined;
  for (const [name, node] of Object.entries(graph.nodes)) {
    const projectRoot = node.data.root;
    const inside = projectRoot === '.' || path.startsWith(`${projectRoot}/`);
    if (inside && projectRoot.length > (owner?.length ?? -1)) owner = { name, length: projectRoot.length };
  }
  return owner?.name;
}

/** Every project that depends on `names`, directly or not, and `names` themselves. */
function dependents(graph: ProjectGraph, names: readonly string[]): Set<string> {
  const found = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, dependencies] of Object.entries(graph.dependencies)) {
      if (found.has(name)) continue;
      if (dependencies.some((dependency) => found.has(dependency.target))) {
        found.add(name);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * The deployable projects that changed `files` affect, as Nx's `affected` would find them: the
 * files' projects and every project depending on them, that have a `synth` target.
 *
 * @example
 * ```ts
 * affectedDeployables(graph, root, ['/repo/apps/menu/cdk/menu-stack.ts']); // [{ name: 'menu', assembly: '/repo/dist/apps/menu/cdk.out' }]
 * ```
 */
export function affectedDeployables(
  graph: ProjectGraph,
  root: string,
  files: readonly string[],
): Deployable[] {
  const owners = files.flatMap((file) => ownerOf(graph, root, file) ?? []);
  return [...dependents(graph, owners)]
    .map((name) => graph.nodes[name])
    .filter((node) => node?.data.targets?.synth !== undefined)
    .map((node) => ({
      name: node?.name ?? '',
      assembly: join(root, 'dist', node?.data.root ?? '', 'cdk.out'),
    }));
}

/** Loads Nx's project graph of the workspace (cached by Nx between runs). */
export async function projectGraph(): Promise<ProjectGraph> {
  const { createProjectGraphAsync } = await import('@nx/devkit');
  return createProjectGraphAsync({ exitOnError: false });
}

/**
 * Runs `nx run-many -t typecheck synth -p <projects>` and answers whether both passed, with the
 * last lines Nx printed (to show what failed).
 */
export async function typecheckAndSynth(
  root: string,
  projects: readonly string[],
): Promise<{ ok: boolean; tail: string[] }> {
  const nx = spawn(
    process.execPath,
    [
      join(root, 'node_modules/nx/dist/bin/nx.js'),
      'run-many',
      '-t',
      'typecheck',
      'synth',
      '-p',
      projects.join(','),
      '--outputStyle=stream',
    ],
    {
      cwd: root,
      env: { ...process.env, NX_TUI: 'false', NX_DAEMON: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  createInterface({ input: nx.stdout }).on('line', keep);
  createInterface({ input: nx.stderr }).on('line', keep);
  const code = await new Promise<number | null>((done) => nx.once('close', done));
  return { ok: code === 0, tail };
}
