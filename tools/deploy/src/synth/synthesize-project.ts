/**
 * One `synth` task: a project's CDK app run in this process (see {@link runApp}), with what it
 * prints kept for Nx (the task's terminal output, replayed from the cache) and, in a batch, shown
 * as it comes with the project's name in front of each line.
 */
import { cdkAppOf } from './cdk-app';
import { runApp } from './run-app';

/** A `synth` task to run: which project, from where, for which stage. */
export interface SynthJob {
  /** The Nx task id (`menu:synth:prod`). */
  readonly id: string;
  readonly project: string;
  readonly projectRoot: string;
  readonly stage: string;
  /** Run aws-cdk-lib's built-in template validation (see `RunAppOptions`). @default true */
  readonly builtinValidation?: boolean;
}

/** What Nx records of a task (`TaskResult` of `@nx/devkit`). */
export interface SynthTaskResult {
  readonly success: boolean;
  readonly terminalOutput: string;
  readonly startTime: number;
  readonly endTime: number;
}

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

/**
 * Runs an app's entry file through the TypeScript loader this module was loaded with: tsx's own
 * (`--import tsx`) in a worker, a `tsx/cjs/api` namespace in Nx's process. A plain `require`, not
 * a `tsx/cjs/api` one per app: that one opens a new namespace each time, which misses tsx's
 * transform cache (every file of the app and the libraries transpiled again, about 1.5 s of CPU
 * for the eight deployables). The entry leaves the module cache, so a process can run the same app again;
 * what it imports (aws-cdk-lib, the libraries) stays loaded for the next app.
 */
function loadApp(entry: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the loader's require, see above
  require(entry);
  delete require.cache[require.resolve(entry)];
}

/**
 * Synthesizes `job`'s project here. `prefixed` shows each line under the project's name (several
 * projects print into one stream); the terminal output Nx keeps has no prefix.
 *
 * @example
 * ```ts
 * const result = synthesizeProject(root, { id: 'menu:synth', project: 'menu', projectRoot: 'apps/menu', stage: 'dev' });
 * ```
 */
export function synthesizeProject(workspaceRoot: string, job: SynthJob, prefixed = false): SynthTaskResult {
  const startTime = Date.now();
  const { value: run, output } = capturing(prefixed ? `${job.project}: ` : undefined, () => {
    process.stderr.write(`Synthesizing ${job.projectRoot} (stage ${job.stage})…\n`);
    const result = runApp(cdkAppOf(workspaceRoot, job.projectRoot), {
      stage: job.stage,
      builtinValidation: job.builtinValidation ?? true,
      load: loadApp,
    });
    if (!result.ok) process.stderr.write(`${result.problems.join('\n')}\n`);
    return result;
  });
  return { success: run.ok, terminalOutput: output, startTime, endTime: Date.now() };
}
