import { StatesError, StatesErrors } from '../errors';
import { type Json, type JsonObject, isRecord } from '../json';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics';
import { type PathScope, readPath } from './jsonpath';

/**
 * Applies a Payload Template of a JSONPath state (`Parameters`, `ResultSelector`, `ItemSelector`,
 * `Assign`): a key ending in `.$` takes the value of its path or intrinsic function and loses
 * the suffix; every other value is copied as it is, nested objects and arrays included.
 */
export const applyPayloadTemplate = (template: Json, scope: PathScope): Json => {
  if (Array.isArray(template)) return template.map((item) => applyPayloadTemplate(item, scope));
  if (!isRecord(template)) return template;
  const output: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) output[key.slice(0, -2)] = evaluateField(key, value, scope);
    else output[key] = applyPayloadTemplate(value, scope);
  }
  return output;
};

/** The value of one `.$` field: a path (`$.x`, `$$.x`, `$var`) or an intrinsic function. */
export const evaluateField = (key: string, expression: Json, scope: PathScope): Json => {
  if (typeof expression !== 'string') {
    throw new StatesError(
      StatesErrors.Runtime,
      `The value for the field '${key}' must be a JSONPath or an intrinsic function.`,
    );
  }
  if (isIntrinsic(expression)) return evaluateIntrinsic(expression, scope);
  try {
    return readPath(expression, scope);
  } catch (error) {
    if (!(error instanceof StatesError) || error.error !== StatesErrors.Runtime) throw error;
    throw new StatesError(
      StatesErrors.Runtime,
      `The JSONPath '${expression}' specified for the field '${key}' could not be found in the input '${JSON.stringify(scope.input)}'`,
    );
  }
};
