import { effectiveInput, finishWithResult, taskInput } from '../io';
import type { StateStep } from '../runtime';
import { type Handled, nextOf } from '../interpreter';

/**
 * A Pass state: its result is `Result` (JSONPath), or its `Parameters` applied to the effective
 * input, or that input; JSONata Pass states shape their output with `Output` alone.
 */
export const runPass = async (step: StateStep): Promise<Handled> => {
  const { state } = step;
  const result =
    step.language === 'JSONPath' && state.Result !== undefined
      ? state.Result
      : await taskInput(step, effectiveInput(step));
  const finished = await finishWithResult(step, step.language === 'JSONata' ? step.rawInput : result);
  return { finished, next: nextOf(state) };
};
