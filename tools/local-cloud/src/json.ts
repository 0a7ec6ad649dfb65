/**
 * A JSON object (not `null`, not an array): what every reader of a request body, a template or
 * a function's answer checks before reading its fields.
 *
 * @example
 * ```ts
 * const input: unknown = JSON.parse(body);
 * if (isRecord(input) && typeof input.TableName === 'string') read(input.TableName);
 * ```
 */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
