/** JSON values as Step Functions passes them between states. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** True for a plain object (not an array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for a JSON object. */
export const isJsonObject = (value: unknown): value is JsonObject => isRecord(value);

/** A deep copy, so one state's output cannot be changed through another's reference. */
export const clone = <T extends Json>(value: T): T => structuredClone(value);

/** Compares two JSON values by content. */
export const jsonEquals = (left: unknown, right: unknown): boolean => {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, i) => jsonEquals(item, right[i]));
  }
  if (isRecord(left) && isRecord(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && jsonEquals(left[key], right[key]))
    );
  }
  return false;
};

/**
 * Parses a JSON text as Step Functions receives it (execution input, task output); `undefined`
 * when it is not JSON.
 */
export const parseJson = (text: string): Json | undefined => {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
};
