import { contextObject } from './context-object';
import { type JsonataScope, evaluateJsonataTemplate } from './expressions/jsonata';
import { type PathScope, readPath, setReferencePath } from './expressions/jsonpath';
import { applyPayloadTemplate } from './expressions/payload-template';
import { type Json, isRecord } from './json';
import type { StateStep } from './runtime';
import { lookup, visible } from './variables';

/**
 * How a state's fields shape its data, in either query language: the input a task or branch
 * gets, the output and the variables a state leaves. JSONPath uses `InputPath`, `Parameters`,
 * `ResultSelector`, `ResultPath`, `OutputPath`; JSONata uses `Arguments` and `Output`. Both
 * evaluate `Assign` with the variables as they were when the state was entered.
 */

/** What a JSONPath field of the step reads, with `$` being `input`. */
export const pathScope = (step: StateStep, input: Json): PathScope => ({
  input,
  context: contextObject(step),
  variable: (name) => lookup(step.lane.scope, name),
});

/** What a JSONata field of the step sees. */
export const jsonataScope = (
  step: StateStep,
  extra: { result?: Json; errorOutput?: Json } = {},
): JsonataScope => ({
  states: { input: step.rawInput, context: contextObject(step), ...extra },
  variables: visible(step.lane.scope),
});

/** A field of the step evaluated in its language: a JSONata template, or a JSONPath payload template. */
export const evaluate = async (
  step: StateStep,
  template: Json,
  field: string,
  jsonPathInput?: Json,
): Promise<Json> =>
  step.language === 'JSONata'
    ? evaluateJsonataTemplate(template, jsonataScope(step), field)
    : applyPayloadTemplate(template, pathScope(step, jsonPathInput ?? step.rawInput));

/** The input after `InputPath` (JSONPath; `null` gives `{}`); JSONata states see their input whole. */
export const effectiveInput = (step: StateStep): Json => {
  if (step.language === 'JSONata') return step.rawInput;
  const inputPath = step.state.InputPath;
  if (inputPath === null) return {};
  return typeof inputPath === 'string' ? readPath(inputPath, pathScope(step, step.rawInput)) : step.rawInput;
};

/** What a Task or Parallel state passes on: `Arguments` (JSONata) or `Parameters` (JSONPath). */
export const taskInput = async (step: StateStep, effective: Json): Promise<Json> => {
  if (step.language === 'JSONata') {
    const args = step.state.Arguments;
    return args === undefined
      ? step.rawInput
      : evaluateJsonataTemplate(args, jsonataScope(step), 'Arguments');
  }
  const parameters = step.state.Parameters;
  return parameters === undefined ? effective : applyPayloadTemplate(parameters, pathScope(step, effective));
};

/** A state's output and the variables it assigns, computed from the entry values. */
export interface Finished {
  readonly output: Json;
  readonly assigned: Record<string, Json>;
}

/**
 * Finishes a state that has a result (Task, Parallel, Map, Pass): JSONPath applies
 * `ResultSelector`, `Assign` (its `$` the selected result), `ResultPath` on the raw input and
 * `OutputPath`; JSONata evaluates `Assign` and `Output` (default: the result) with
 * `$states.result`.
 */
export const finishWithResult = async (step: StateStep, result: Json): Promise<Finished> => {
  if (step.language === 'JSONata') {
    const scope = jsonataScope(step, { result });
    const assigned = await assignJsonata(step.state.Assign, scope);
    const output =
      step.state.Output === undefined
        ? result
        : await evaluateJsonataTemplate(step.state.Output, scope, 'Output');
    return { output, assigned };
  }
  const selector = step.state.ResultSelector;
  const selected = selector === undefined ? result : applyPayloadTemplate(selector, pathScope(step, result));
  const assigned = assignJsonPath(step, step.state.Assign, selected);
  const placed = placeResult(step, step.state.ResultPath, selected);
  return { output: outputPath(step, placed), assigned };
};

/**
 * Finishes a state without a result (Wait, Choice, Succeed): JSONPath applies `Assign` (its `$`
 * the effective input) and `OutputPath`; JSONata `Assign` and `Output` (default: the input).
 */
export const finishWithoutResult = async (
  step: StateStep,
  fields: { Assign?: Json; Output?: Json } = { Assign: step.state.Assign, Output: step.state.Output },
): Promise<Finished> => {
  if (step.language === 'JSONata') {
    const scope = jsonataScope(step);
    const assigned = await assignJsonata(fields.Assign, scope);
    const output =
      fields.Output === undefined
        ? step.rawInput
        : await evaluateJsonataTemplate(fields.Output, scope, 'Output');
    return { output, assigned };
  }
  const effective = effectiveInput(step);
  return { output: outputPath(step, effective), assigned: assignJsonPath(step, fields.Assign, effective) };
};

/**
 * Finishes a state whose error a catcher caught: JSONPath `Assign` (its `$` the error output)
 * and the catcher's `ResultPath` on the raw input; JSONata `Assign` and `Output` (default: the
 * error output) with `$states.errorOutput`.
 */
export const finishCaught = async (
  step: StateStep,
  catcher: Record<string, Json>,
  errorOutput: Json,
): Promise<Finished> => {
  if (step.language === 'JSONata') {
    const scope = jsonataScope(step, { errorOutput });
    const assigned = await assignJsonata(catcher.Assign, scope);
    const output =
      catcher.Output === undefined
        ? errorOutput
        : await evaluateJsonataTemplate(catcher.Output, scope, 'Output');
    return { output, assigned };
  }
  const assigned = assignJsonPath(step, catcher.Assign, errorOutput);
  return { output: placeResult(step, catcher.ResultPath, errorOutput), assigned };
};

const placeResult = (step: StateStep, resultPath: Json | undefined, result: Json): Json => {
  if (resultPath === null) return step.rawInput;
  if (typeof resultPath !== 'string') return result;
  return setReferencePath(step.rawInput, resultPath, result);
};

const outputPath = (step: StateStep, value: Json): Json => {
  const path = step.state.OutputPath;
  if (path === null) return {};
  return typeof path === 'string' ? readPath(path, pathScope(step, value)) : value;
};

const assignJsonPath = (step: StateStep, template: Json | undefined, value: Json): Record<string, Json> => {
  if (!isRecord(template)) return {};
  const assigned = applyPayloadTemplate(template, pathScope(step, value));
  return isRecord(assigned) ? assigned : {};
};

const assignJsonata = async (
  template: Json | undefined,
  scope: JsonataScope,
): Promise<Record<string, Json>> => {
  if (!isRecord(template)) return {};
  const assigned: Record<string, Json> = {};
  for (const [name, value] of Object.entries(template)) {
    assigned[name] = await evaluateJsonataTemplate(value, scope, `Assign.${name}`);
  }
  return assigned;
};
