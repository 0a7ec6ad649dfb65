/**
 * The Nx `synth` executor: runs each deployable's CDK app (its `cdk.json` app, from its folder, with
 * the context the CDK CLI would hand it) and leaves the cloud assembly where `cdk synth` leaves it.
 *
 * When several projects synthesize in one run (`nx run-many -t synth`, `npm start` on a fresh
 * clone), Nx hands them all to {@link synthBatch}, which shares them among one child process per
 * core: each child loads aws-cdk-lib, the TypeScript loader and the template validator once for
 * the apps it runs, instead of once per project. Nx still caches and replays each project's
 * assembly on its own.
 *
 * Nx loads this file with Node's own type stripping, so it holds only erasable TypeScript and
 * loads the workspace's modules through tsx.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { require as tsxRequire } from 'tsx/cjs/api';
import type { SynthJob, SynthTaskResult, synthesizeProject as SynthesizeProject } from './synthesize-project';
import type { heaviestFirst as HeaviestFirst, synthesizeInWorkers as SynthesizeInWorkers } from './workers';

/** The options of the `synth` target (`tools/deploy/src/synth/schema.json`). */
export interface SynthOptions {
  /** The stage to synthesize: `SLICE_STAGE` of the app. */
  readonly stage: string;
  /**
   * Run aws-cdk-lib's built-in CloudFormation validation; the `local` configuration (`npm start`)
   * turns it off. A different value is a different task hash, so an assembly synthesized without
   * it is never replayed for a task that asked for it.
   * @default true
   */
  readonly builtinValidation?: boolean;
}

// Loaded when a project synthesizes here (it loads aws-cdk-lib); a batch only starts workers.
const inProcess = () =>
  tsxRequire('./synthesize-project.ts', import.meta.url) as { synthesizeProject: typeof SynthesizeProject };
const { heaviestFirst, synthesizeInWorkers } = tsxRequire('./workers.ts', import.meta.url) as {
  heaviestFirst: typeof HeaviestFirst;
  synthesizeInWorkers: typeof SynthesizeInWorkers;
};

function projectRootOf(context: ExecutorContext, project: string): string {
  const root = context.projectsConfigurations?.projects[project]?.root;
  if (root === undefined) throw new Error(`synth: no project ${project} in the workspace.`);
  return root;
}

/**
 * `nx run <project>:synth`: synthesizes the project's CDK app in this process.
 *
 * @example
 * ```sh
 * npx nx run menu:synth --configuration=prod
 * ```
 */
export default function synthExecutor(
  options: SynthOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = context.projectName ?? '';
  const id = `${project}:synth`;
  const job = {
    id,
    project,
    projectRoot: projectRootOf(context, project),
    stage: options.stage,
    builtinValidation: options.builtinValidation ?? true,
  };
  return Promise.resolve({ success: inProcess().synthesizeProject(context.root, job).success });
}

/**
 * The batch form of {@link synthExecutor}: one task in this process; more shared among one child
 * process per core (each takes the next task when it finishes one, the heaviest first). Each result goes to Nx as it
 * arrives (Nx caches it then), each line shown under its project's name.
 */
export async function* synthBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, SynthOptions>,
  _overrides: SynthOptions,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: SynthTaskResult }> {
  const started = performance.now();
  const jobs: SynthJob[] = Object.values(taskGraph.tasks).map((task) => ({
    id: task.id,
    project: task.target.project,
    projectRoot: projectRootOf(context, task.target.project),
    stage: inputs[task.id]?.stage ?? 'dev',
    builtinValidation: inputs[task.id]?.builtinValidation ?? true,
  }));
  const [only] = jobs;
  if (jobs.length === 1 && only) {
    yield { task: only.id, result: inProcess().synthesizeProject(context.root, only, true) };
    return;
  }
  const workers = Math.min(availableParallelism(), jobs.length);
  for await (const { id, result } of synthesizeInWorkers(
    context.root,
    heaviestFirst(context.root, jobs),
    workers,
  ))
    yield { task: id, result };
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`Ran ${jobs.length} CDK apps in ${workers} processes in ${seconds} s\n`);
}
