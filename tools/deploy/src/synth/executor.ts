/**
 * The Nx `synth` executor: runs each deployable's CDK app (its `cdk.json` app, from its folder, with
 * the context the CDK CLI would hand it) and leaves the cloud assembly where `cdk synth` leaves it.
 *
 * When several projects synthesize in one run (`nx run-many -t synth`, `npm start` on a fresh
 * clone), Nx hands them all to {@link synthBatch}, which runs the apps one after another in a
 * single process: aws-cdk-lib, the TypeScript loader and the template validator load once instead
 * of once per project. Nx still caches and replays each project's assembly on its own.
 *
 * Nx loads this file with Node's own type stripping, so it holds only erasable TypeScript and
 * imports nothing from the workspace but through tsx.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as turn } from 'node:timers/promises';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { require as tsxRequire } from 'tsx/cjs/api';
import type { cdkAppOf as CdkAppOf } from './cdk-app';
import type { runApp as RunApp } from './run-app';

/** The options of the `synth` target (`tools/deploy/src/synth/schema.json`). */
export interface SynthOptions {
  /** The stage to synthesize: `SLICE_STAGE` of the app. */
  readonly stage: string;
}

interface TaskResult {
  readonly success: boolean;
  readonly terminalOutput: string;
  readonly startTime: number;
  readonly endTime: number;
}

// The workspace's own modules load through tsx, as the apps do (Node's stripping cannot resolve them).
const { cdkAppOf } = tsxRequire('./cdk-app.ts', import.meta.url) as { cdkAppOf: typeof CdkAppOf };
const { runApp } = tsxRequire('./run-app.ts', import.meta.url) as { runApp: typeof RunApp };

/**
 * Runs `run` with what it writes to stdout and stderr also kept, and, with a `prefix`, each line
 * shown with it (a batch prints several projects into one stream, as Nx prefixes its own).
 */
function capturing<T>(prefix: string | undefined, run: () => T): { value: T; output: string } {
  let output = '';
  let atLineStart = true;
  const intercept = (stream: NodeJS.WriteStream) => {
    const original = stream.write.bind(stream);
    stream.write = (chunk: string | Uint8Array): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      output += text;
      if (prefix === undefined) return original(chunk);
      const shown = text.replace(/^(?=.)/gm, (_, offset: number) =>
        offset > 0 || atLineStart ? prefix : '',
      );
      atLineStart = text.endsWith('\n');
      return original(shown);
    };
    return () => {
      stream.write = original;
    };
  };
  const restores = [intercept(process.stdout), intercept(process.stderr)];
  try {
    return { value: run(), output };
  } finally {
    for (const restore of restores) restore();
  }
}

/** Synthesizes one project, as the task `project:synth` with `options`. */
function synthesizeProject(
  workspaceRoot: string,
  projectRoot: string,
  options: SynthOptions,
  prefix?: string,
): TaskResult {
  const startTime = Date.now();
  const { value: run, output } = capturing(prefix, () => {
    process.stderr.write(`Synthesizing ${projectRoot} (stage ${options.stage})…\n`);
    const result = runApp(cdkAppOf(workspaceRoot, projectRoot), {
      stage: options.stage,
      load: (entry) => {
        tsxRequire(entry, import.meta.url);
      },
    });
    if (!result.ok) process.stderr.write(`${result.problems.join('\n')}\n`);
    return result;
  });
  return { success: run.ok, terminalOutput: output, startTime, endTime: Date.now() };
}

function projectRootOf(context: ExecutorContext, project: string): string {
  const root = context.projectsConfigurations?.projects[project]?.root;
  if (root === undefined) throw new Error(`synth: no project ${project} in the workspace.`);
  return root;
}

/**
 * `nx run <project>:synth`: synthesizes the project's CDK app.
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
  const result = synthesizeProject(context.root, projectRootOf(context, project), options);
  return Promise.resolve({ success: result.success });
}

/**
 * The batch form of {@link synthExecutor}: every task of the batch in this process, one after
 * another, each reported to Nx as it finishes (Nx caches it then), each line it prints prefixed
 * with its project.
 */
export async function* synthBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, SynthOptions>,
  _overrides: SynthOptions,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: TaskResult }> {
  const started = performance.now();
  const tasks = Object.values(taskGraph.tasks);
  for (const task of tasks) {
    const project = task.target.project;
    const options = inputs[task.id] ?? { stage: 'dev' };
    const result = synthesizeProject(context.root, projectRootOf(context, project), options, `${project}: `);
    yield { task: task.id, result };
    // The apps run synchronously: let Nx hear of this task (and cache it) before the next begins.
    await turn();
  }
  process.stderr.write(
    `Ran ${tasks.length} CDK ${tasks.length === 1 ? 'app' : 'apps'} in one process in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
