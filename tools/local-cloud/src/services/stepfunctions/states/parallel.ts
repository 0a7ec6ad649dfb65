import type { StatesDefinition } from '../definition';
import { StatesError } from '../errors';
import type { HistoryEventType } from '../history';
import { effectiveInput, taskInput } from '../io';
import type { StateStep } from '../runtime';
import type { Handled, RunBranch } from '../interpreter';
import { runBranches } from './branches';
import { withRetryAndCatch } from './guarded';

/**
 * A Parallel state: every branch gets the state's input (after `InputPath`/`Parameters`, or
 * `Arguments`) and runs at once; the result is the list of the branches' outputs. Records
 * `ParallelStateStarted`, the branches' events, then `ParallelStateSucceeded` or
 * `ParallelStateFailed` (the failed branch's error is the state's).
 */
export const runParallel = async (step: StateStep, runBranch: RunBranch): Promise<Handled> => {
  const effective = effectiveInput(step);
  const branches = (Array.isArray(step.state.Branches)
    ? step.state.Branches
    : []) as unknown as StatesDefinition[];
  return withRetryAndCatch(step, async () => {
    const input = await taskInput(step, effective);
    record(step, 'ParallelStateStarted');
    try {
      const outputs = await runBranches(
        step,
        runBranch,
        branches.map((definition) => ({ definition, input })),
        0,
      );
      record(step, 'ParallelStateSucceeded');
      return outputs;
    } catch (error) {
      if (error instanceof StatesError) record(step, 'ParallelStateFailed');
      throw error;
    }
  });
};

const record = (step: StateStep, type: HistoryEventType) => {
  step.lane.lastEventId = step.runtime.history.add(type, step.lane.lastEventId);
};
