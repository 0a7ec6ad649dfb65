import { randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { StatesError, StatesErrors } from '../errors';
import { type Json, type JsonObject, isRecord } from '../json';
import { callIntrinsic } from './intrinsics';

/** The reserved `$states` of a JSONata state. */
export interface StatesBinding {
  readonly input: Json;
  readonly context: Json;
  readonly result?: Json;
  readonly errorOutput?: Json;
}

/** What a JSONata expression of a state sees: `$states` and the workflow variables in scope. */
export interface JsonataScope {
  readonly states: StatesBinding;
  readonly variables: Readonly<Record<string, Json>>;
}

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

/**
 * The functions Step Functions adds to JSONata, and `$eval`, which it leaves out (`$parse`
 * stands in). A failure inside one is the expression's failure.
 */
const STEP_FUNCTIONS_FUNCTIONS: Record<string, (...args: Json[]) => Json> = {
  partition: (array, size) => callIntrinsic('States.ArrayPartition', [array ?? null, size ?? null]),
  range: (start, end, step) => callIntrinsic('States.ArrayRange', [start ?? null, end ?? null, step ?? null]),
  hash: (value, algorithm) => callIntrinsic('States.Hash', [value ?? null, algorithm ?? null]),
  random: () => Math.random(),
  uuid: () => randomUUID(),
  parse: (text) => callIntrinsic('States.StringToJson', [text ?? null]),
  eval: () => {
    throw new Error('$eval is not available in Step Functions; use $parse.');
  },
};

/** True for a string that is one JSONata expression (`{% ... %}`). */
export const isJsonataExpression = (value: unknown): value is string =>
  typeof value === 'string' && EXPRESSION.test(value.trim());

const compiled = new Map<string, jsonata.Expression>();

const compile = (source: string, field: string): jsonata.Expression => {
  let expression = compiled.get(source);
  if (!expression) {
    try {
      expression = jsonata(source);
    } catch (error) {
      throw queryError(field, `The JSONata expression '${source}' is not valid: ${messageOf(error)}`);
    }
    if (compiled.size > 5000) compiled.clear();
    compiled.set(source, expression);
  }
  return expression;
};

/**
 * Evaluates a JSONata field of a state (`Arguments`, `Output`, `Assign` values, `Condition`,
 * `Items`, `Seconds`, ...): every string that is `{% expr %}`, at any depth of objects and
 * arrays, becomes the expression's value; other values stay. An expression that fails or answers
 * nothing is `States.QueryEvaluationError`, as in AWS.
 */
export const evaluateJsonataTemplate = async (
  template: Json,
  scope: JsonataScope,
  field: string,
): Promise<Json> => {
  if (isJsonataExpression(template)) return evaluateExpression(template, scope, field);
  if (Array.isArray(template)) {
    const items: Json[] = [];
    for (const [index, item] of template.entries())
      items.push(await evaluateJsonataTemplate(item, scope, `${field}[${index}]`));
    return items;
  }
  if (!isRecord(template)) return template;
  const output: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    output[key] = await evaluateJsonataTemplate(value, scope, `${field}.${key}`);
  }
  return output;
};

const evaluateExpression = async (text: string, scope: JsonataScope, field: string): Promise<Json> => {
  const source = (EXPRESSION.exec(text.trim())?.[1] ?? '').trim();
  const expression = compile(source, field);
  let value: unknown;
  try {
    value = await expression.evaluate(undefined, {
      ...STEP_FUNCTIONS_FUNCTIONS,
      ...scope.variables,
      states: scope.states,
    });
  } catch (error) {
    throw queryError(
      field,
      `An error occurred while evaluating the JSONata expression '${source}': ${messageOf(error)}`,
    );
  }
  if (value === undefined) {
    throw queryError(
      field,
      `The JSONata expression '${source}' specified for the field '${field}' returned nothing (undefined).`,
    );
  }
  return toJson(value, source, field);
};

/** JSONata answers sequences (arrays with extra fields) and may answer functions: keep JSON. */
const toJson = (value: unknown, source: string, field: string): Json => {
  if (typeof value === 'function') {
    throw queryError(
      field,
      `The JSONata expression '${source}' specified for the field '${field}' returned a function.`,
    );
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw queryError(field, `The JSONata expression '${source}' returned a number JSON cannot hold.`);
  }
  return JSON.parse(JSON.stringify(value)) as Json;
};

const queryError = (field: string, message: string) =>
  new StatesError(
    StatesErrors.QueryEvaluationError,
    message.includes(field) ? message : `${message} (field '${field}')`,
  );

const messageOf = (error: unknown): string =>
  isRecord(error) && typeof error.message === 'string' ? error.message : String(error);
