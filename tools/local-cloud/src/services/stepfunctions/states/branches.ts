import type { StatesDefinition } from '../definition';
import { StatesError } from '../errors';
import type { Json } from '../json';
import type { Lane, StateStep } from '../runtime';
import { newScope } from '../variables';
import type { RunBranch } from '../interpreter';

/** One branch or iteration to run in a lane of its own. */
export interface BranchWork {
  readonly definition: StatesDefinition;
  readonly input: Json;
  readonly mapItem?: { readonly Index: number; readonly Value: Json };
  readonly onStart?: (lane: Lane) => void;
  readonly onSuccess?: (lane: Lane) => void;
  readonly onFailure?: (lane: Lane) => void;
}

/**
 * Runs branches (Parallel) or iterations (Map) at most `concurrency` at a time, each in a lane
 * with its own variable scope inside the state's, and answers their outputs in order. The first
 * failure stops the others (their lanes' signal aborts) and is thrown once they have unwound.
 */
export const runBranches = async (
  step: StateStep,
  runBranch: RunBranch,
  works: readonly BranchWork[],
  concurrency: number,
): Promise<Json[]> => {
  const controller = new AbortController();
  const signal = AbortSignal.any([step.lane.signal, controller.signal]);
  const outputs: Json[] = new Array<Json>(works.length).fill(null);
  let failure: Error | undefined;
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && nextIndex < works.length) {
      const index = nextIndex++;
      const work = works[index] as BranchWork;
      const lane: Lane = {
        scope: newScope(step.lane.scope),
        signal,
        language: step.language,
        lastEventId: step.lane.lastEventId,
        ...(work.mapItem ? { mapItem: work.mapItem } : {}),
      };
      work.onStart?.(lane);
      try {
        outputs[index] = await runBranch(work.definition, work.input, lane);
        work.onSuccess?.(lane);
      } catch (error) {
        if (failure === undefined) {
          failure = error instanceof Error ? error : new Error('A branch failed.', { cause: error });
          if (error instanceof StatesError) work.onFailure?.(lane);
          controller.abort(error);
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(concurrency > 0 ? concurrency : works.length, works.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure;
  return outputs;
};
