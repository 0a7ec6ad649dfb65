/**
 * Runs synth jobs in a few child processes at once, each taking the next job as it finishes one:
 * a machine with two cores builds one stack's bundles while it constructs another's, and each
 * child loads aws-cdk-lib, tsx and the template validator once for all the jobs it takes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import type { SynthJob, SynthTaskResult } from './synthesize-project';
import type { WorkerRequest, WorkerResult } from './worker';

/** Pipes a child's output to ours a whole line at a time, so two children never share a line. */
function forwardLines(from: NodeJS.ReadableStream | null, to: NodeJS.WriteStream): void {
  if (from) createInterface({ input: from }).on('line', (line) => to.write(`${line}\n`));
}

function startWorker(workspaceRoot: string, env: NodeJS.ProcessEnv): ChildProcess {
  // The workspace's tsx, as `npx tsx` would find it (this module's own `require` is tsx's).
  const tsx = createRequire(join(workspaceRoot, 'package.json')).resolve('tsx');
  const child = fork(join(__dirname, 'worker.ts'), [workspaceRoot], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env },
    execArgv: ['--import', pathToFileURL(tsx).href],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  forwardLines(child.stdout, process.stdout);
  forwardLines(child.stderr, process.stderr);
  return child;
}

/** A project's handler files (`src/handlers/*.ts`, tests aside): the bundles its synth builds. */
function handlerCount(workspaceRoot: string, projectRoot: string): number {
  const handlers = join(workspaceRoot, projectRoot, 'src/handlers');
  if (!existsSync(handlers)) return 0;
  return readdirSync(handlers).filter((name) => /\.ts$/.test(name) && !/\.(spec|test|d)\.ts$/.test(name))
    .length;
}

/**
 * `jobs` with the heaviest first, by the functions each bundles (the bulk of a stack's synth),
 * Nx's order among equals: the pool then ends on small stacks rather than with one core waiting
 * for the last big one.
 *
 * @example
 * ```ts
 * heaviestFirst(root, jobs).map((job) => job.project); // ['kitchen', 'menu', …, 'front-door']
 * ```
 */
export function heaviestFirst(workspaceRoot: string, jobs: readonly SynthJob[]): SynthJob[] {
  const weight = new Map(jobs.map((job) => [job.id, handlerCount(workspaceRoot, job.projectRoot)]));
  return [...jobs].sort((a, b) => (weight.get(b.id) ?? 0) - (weight.get(a.id) ?? 0));
}

/** A failed result for a job whose worker died before answering. */
const lost = (job: SynthJob, output: string): SynthTaskResult => ({
  success: false,
  terminalOutput: `${job.project}: the synth worker exited before it finished (${output}).\n`,
  startTime: Date.now(),
  endTime: Date.now(),
});

/**
 * Synthesizes `jobs` in up to `workers` child processes (with `env` over this process's
 * environment), yielding each result as it arrives.
 *
 * @example
 * ```ts
 * for await (const { id, result } of synthesizeInWorkers(root, jobs, 2)) report(id, result);
 * ```
 */
export async function* synthesizeInWorkers(
  workspaceRoot: string,
  jobs: readonly SynthJob[],
  workers: number,
  env: NodeJS.ProcessEnv = {},
): AsyncGenerator<WorkerResult> {
  const queue = [...jobs];
  const results: WorkerResult[] = [];
  let wake: (() => void) | undefined;
  const arrived = (result: WorkerResult) => {
    results.push(result);
    wake?.();
  };
  let running = Math.min(workers, jobs.length);
  const children = Array.from({ length: running }, () => startWorker(workspaceRoot, env));
  for (const child of children) {
    let current: SynthJob | undefined;
    const next = () => {
      current = queue.shift();
      child.send({ job: current ?? null } satisfies WorkerRequest);
    };
    child.on('message', (message: WorkerResult | { ready: true }) => {
      if ('id' in message) {
        current = undefined;
        arrived(message);
      }
      next();
    });
    child.once('exit', (code, signal) => {
      const why = `code ${code}, signal ${signal}`;
      if (current) arrived({ id: current.id, result: lost(current, why) });
      // The last worker gone: nobody is left to take what is queued.
      if (--running === 0) for (const job of queue.splice(0)) arrived({ id: job.id, result: lost(job, why) });
    });
  }
  for (let received = 0; received < jobs.length; received++) {
    while (results.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    yield results.shift() as WorkerResult;
  }
}

/**
 * The line a batch ends with, once every result went to Nx: `npm start` reads it to start the
 * cloud without waiting for Nx to exit (`tools/local-cloud/src/synth.ts`), so it says whether
 * every app synthesized.
 */
export function batchEndLine(
  apps: number,
  workers: number,
  seconds: string,
  failed: readonly string[],
): string {
  const ran = `Ran ${apps} CDK app${apps === 1 ? '' : 's'} in ${workers} process${workers === 1 ? '' : 'es'} in ${seconds} s`;
  return failed.length === 0 ? `${ran}, none failed` : `${ran}; failed: ${failed.join(', ')}`;
}
