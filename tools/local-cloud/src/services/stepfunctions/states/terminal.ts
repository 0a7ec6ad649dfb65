import { StatesError } from '../errors';
import { evaluateJsonataTemplate } from '../expressions/jsonata';
import { evaluateField } from '../expressions/payload-template';
import { effectiveInput, finishWithoutResult, jsonataScope, pathScope } from '../io';
import type { Json } from '../json';
import type { StateStep } from '../runtime';
import type { Handled } from '../interpreter';

/** A Succeed state: ends its branch with its input (after `InputPath`/`OutputPath`, or `Output`). */
export const runSucceed = async (step: StateStep): Promise<Handled> => ({
  finished: await finishWithoutResult(step),
});

/**
 * A Fail state: fails its branch with `Error` and `Cause` (JSONata expressions, or `ErrorPath`
 * and `CausePath` in JSONPath). It records only `FailStateEntered`: it never exits.
 */
export const runFail = async (step: StateStep): Promise<never> => {
  const error = await text(step, 'Error');
  const cause = await text(step, 'Cause');
  throw new StatesError(error ?? 'States.Failed', cause ?? '');
};

const text = async (step: StateStep, name: 'Error' | 'Cause'): Promise<string | undefined> => {
  let value: Json | undefined = step.state[name];
  if (step.language === 'JSONata' && value !== undefined)
    value = await evaluateJsonataTemplate(value, jsonataScope(step), name);
  const path = step.state[`${name}Path`];
  if (step.language === 'JSONPath' && value === undefined && path !== undefined) {
    value = evaluateField(`${name}Path`, path, pathScope(step, effectiveInput(step)));
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
};
