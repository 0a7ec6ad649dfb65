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
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { require as tsxRequire } from 'tsx/cjs/api';
import type { SynthJob, SynthTaskResult, synthesizeProject as SynthesizeProject } from './synthesize-project';
import type {
  batchEndLine as BatchEndLine,
  heaviestFirst as HeaviestFirst,
  synthesizeInWorkers as SynthesizeInWorkers,
} from './workers';
import type {
  buildSharedBundles as BuildSharedBundles,
  sharedBundlesVariable as SharedBundlesVariable,
} from '@slice/cdk/bundles';

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
const { batchEndLine, heaviestFirst, synthesizeInWorkers } = tsxRequire('./workers.ts', import.meta.url) as {
  batchEndLine: typeof BatchEndLine;
  heaviestFirst: typeof HeaviestFirst;
  synthesizeInWorkers: typeof SynthesizeInWorkers;
};
// esbuild and Slice's options only, not aws-cdk-lib: cheap to load in Nx's process.
const bundles = () =>
  tsxRequire('@slice/cdk/bundles', import.meta.url) as {
    buildSharedBundles: typeof BuildSharedBundles;
    sharedBundlesVariable: typeof SharedBundlesVariable;
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
    const result = inProcess().synthesizeProject(context.root, only, true);
    yield { task: only.id, result };
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(`${batchEndLine(1, 1, seconds, result.success ? [] : [only.id])}\n`);
    return;
  }
  const workers = Math.min(availableParallelism(), jobs.length);
  const shared = startSharedBundles(context.root, jobs);
  const failed: string[] = [];
  try {
    for await (const { id, result } of synthesizeInWorkers(
      context.root,
      heaviestFirst(context.root, jobs),
      workers,
      shared.env,
    )) {
      if (!result.success) failed.push(id);
      yield { task: id, result };
    }
    await shared.done;
  } finally {
    rmSync(shared.dir, { recursive: true, force: true });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`${batchEndLine(jobs.length, workers, seconds, failed)}\n`);
}

/**
 * Starts one esbuild run over the handlers of every project in the batch (`src/handlers`), in
 * esbuild's own process, while the workers load aws-cdk-lib and build the stacks' constructs; each
 * stack then takes its functions' bundles from it (the same bytes its own build makes, see
 * `buildSharedBundles`), and esbuild parses the modules the stacks share once. Prints a line
 * when it ends.
 */
function startSharedBundles(workspaceRoot: string, jobs: readonly SynthJob[]) {
  const { buildSharedBundles, sharedBundlesVariable } = bundles();
  const dir = mkdtempSync(join(tmpdir(), 'slice-bundles-'));
  const folders = jobs.map((job) => join(job.projectRoot, 'src/handlers'));
  const done = buildSharedBundles(workspaceRoot, folders, dir).then(
    ({ functions, ms, failed }) => {
      if (functions > 0)
        process.stderr.write(
          failed === undefined
            ? `Bundled ${functions} functions of ${jobs.length} projects in one esbuild run in ${(ms / 1000).toFixed(1)} s\n`
            : `The shared esbuild run failed; each stack bundles its own functions (${failed.split('\n')[0]})\n`,
        );
    },
    () => undefined,
  );
  return { dir, done, env: { [sharedBundlesVariable]: dir } };
}
