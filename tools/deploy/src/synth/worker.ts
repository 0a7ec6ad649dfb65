/**
 * A child process of the synth executor's pool (see `workers.ts`): takes one job at a time over IPC,
 * synthesizes it here (the apps it runs share this process's aws-cdk-lib and template validator)
 * and answers with the result. Started with tsx, by the pool only.
 */
import { synthesizeProject, type SynthJob, type SynthTaskResult } from './synthesize-project';

/** What the pool sends: a job, or none (the queue is empty, the worker exits). */
export type WorkerRequest = { readonly job: SynthJob } | { readonly job: null };

/** What the worker answers for a job. */
export interface WorkerResult {
  readonly id: string;
  readonly result: SynthTaskResult;
}

const workspaceRoot = process.argv[2] ?? process.cwd();

process.on('message', (request: WorkerRequest) => {
  if (!request.job) {
    process.disconnect();
    return;
  }
  const result = synthesizeProject(workspaceRoot, request.job, true);
  process.send?.({ id: request.job.id, result } satisfies WorkerResult);
});
process.send?.({ ready: true });
