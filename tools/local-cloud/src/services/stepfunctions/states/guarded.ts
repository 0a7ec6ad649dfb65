import { StatesError } from '../errors';
import { finishCaught, finishWithResult } from '../io';
import type { Json } from '../json';
import { findCatcher, retryDelayMs } from '../retry';
import type { StateStep } from '../runtime';
import { type Handled, nextOf } from '../interpreter';

/**
 * Runs the work of a Task, Parallel or Map state under its `Retry` and `Catch`: an error a
 * retrier takes waits its delay on the clock and runs the work again (`$$.State.RetryCount`
 * counting up); an error a catcher takes ends the state with the catcher's output and `Next`;
 * any other error leaves the state.
 */
export const withRetryAndCatch = async (step: StateStep, work: () => Promise<Json>): Promise<Handled> => {
  const attempts: number[] = [];
  for (;;) {
    try {
      const result = await work();
      return { finished: await finishWithResult(step, result), next: nextOf(step.state) };
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      const delay = retryDelayMs(step.state.Retry, error.error, attempts, step.runtime.random);
      if (delay !== undefined) {
        step.retryCount += 1;
        await step.runtime.clock.sleep(delay, step.lane.signal);
        continue;
      }
      const catcher = findCatcher(step.state.Catch, error.error);
      if (!catcher) throw error;
      const errorOutput = { Error: error.error, Cause: error.cause };
      return { finished: await finishCaught(step, catcher, errorOutput), next: catcher.Next as string };
    }
  }
};
