import { StatesError, StatesErrors, stateFailure } from '../errors';
import { evaluateJsonataTemplate } from '../expressions/jsonata';
import { readPath } from '../expressions/jsonpath';
import { effectiveInput, finishWithoutResult, jsonataScope, pathScope } from '../io';
import type { Json } from '../json';
import type { StateStep } from '../runtime';
import { type Handled, nextOf } from '../interpreter';

/**
 * A Wait state: waits `Seconds` or until `Timestamp` (or their `...Path` in JSONPath; JSONata
 * expressions in JSONata) on the local cloud's clock, so a test clock runs it at once.
 */
export const runWait = async (step: StateStep): Promise<Handled> => {
  const until = await waitUntil(step);
  const delay = Math.max(0, until - step.runtime.clock.now());
  await step.runtime.clock.sleep(delay, step.lane.signal);
  return { finished: await finishWithoutResult(step), next: nextOf(step.state) };
};

const waitUntil = async (step: StateStep): Promise<number> => {
  const { state } = step;
  const now = step.runtime.clock.now();
  const seconds = await field(step, 'Seconds');
  if (seconds !== undefined) return now + secondsOf(step, seconds) * 1000;
  const timestamp = await field(step, 'Timestamp');
  if (timestamp !== undefined) return timestampOf(step, timestamp);
  throw new StatesError(
    StatesErrors.Runtime,
    stateFailure(
      step.name,
      step.enteredEventId,
      `The Wait state has no ${Object.keys(state).join(', ')} to wait on.`,
    ),
  );
};

const field = async (step: StateStep, name: 'Seconds' | 'Timestamp'): Promise<Json | undefined> => {
  const value = step.state[name];
  if (step.language === 'JSONata')
    return value === undefined ? undefined : evaluateJsonataTemplate(value, jsonataScope(step), name);
  if (value !== undefined) return value;
  const path = step.state[`${name}Path`];
  return typeof path === 'string' ? readPath(path, pathScope(step, effectiveInput(step))) : undefined;
};

const secondsOf = (step: StateStep, value: Json): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new StatesError(
      StatesErrors.Runtime,
      stateFailure(
        step.name,
        step.enteredEventId,
        `The Seconds to wait must be a non-negative integer, got ${JSON.stringify(value)}.`,
      ),
    );
  }
  return value;
};

const timestampOf = (step: StateStep, value: Json): number => {
  const time = typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new StatesError(
      StatesErrors.Runtime,
      stateFailure(
        step.name,
        step.enteredEventId,
        `The Timestamp to wait until must be an ISO 8601 time, got ${JSON.stringify(value)}.`,
      ),
    );
  }
  return time;
};
