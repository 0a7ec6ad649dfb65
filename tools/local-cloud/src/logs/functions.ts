/**
 * How a developer names a function on the command line (`get-order`, `GetOrder`, the function
 * name or its id) and how the developer tools print it (`orders/get-order`).
 */
import type { FunctionSpec } from '../model';

/** `GetOrder56139C72` → `GetOrder`: the CDK's eight-character hash of the construct path dropped. */
const withoutHash = (logicalId: string): string => logicalId.replace(/[0-9A-F]{8}$/, '');

const kebab = (text: string): string =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();

const normalized = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The service a function belongs to: its `POWERTOOLS_SERVICE_NAME`, else its stack without `Slice` and the stage. */
export function serviceOf(fn: Pick<FunctionSpec, 'environment' | 'stackName'>): string {
  const named = fn.environment.POWERTOOLS_SERVICE_NAME;
  if (named) return named;
  const match = /^Slice(.+)-[^-]+$/.exec(fn.stackName);
  return kebab(match?.[1] ?? fn.stackName);
}

/** The short name of a function, as its handler file is named: `get-order`. */
export function shortNameOf(fn: Pick<FunctionSpec, 'logicalId'>): string {
  return kebab(withoutHash(fn.logicalId));
}

/** `orders/get-order`: how the developer tools print a function. */
export function labelOf(fn: Pick<FunctionSpec, 'logicalId' | 'environment' | 'stackName'>): string {
  return `${serviceOf(fn)}/${shortNameOf(fn)}`;
}

/** Whether `name` is one of `candidates`, ignoring case, dashes, slashes and spaces. */
export function matchesName(candidates: readonly string[], name: string): boolean {
  const wanted = normalized(name);
  return candidates.some((candidate) => normalized(candidate) === wanted);
}

/** Whether `name` names `fn`: its id, function name, logical id, short name or label, in any case. */
export function names(fn: FunctionSpec, name: string): boolean {
  return matchesName([fn.id, fn.functionName, fn.logicalId, withoutHash(fn.logicalId), labelOf(fn)], name);
}

/**
 * The function `name` names, or why none does: unknown (with the known ones) or ambiguous.
 *
 * @example
 * ```ts
 * const found = findFunction(model.functions, 'get-order');
 * if ('error' in found) throw new Error(found.error);
 * ```
 */
export function findFunction(
  functions: readonly FunctionSpec[],
  name: string,
): { readonly fn: FunctionSpec } | { readonly error: string } {
  const matches = functions.filter((fn) => names(fn, name));
  if (matches.length === 1 && matches[0]) return { fn: matches[0] };
  const known = functions.map(labelOf).sort();
  if (matches.length === 0)
    return {
      error: `No function ${JSON.stringify(name)} runs in the local cloud. Known: ${known.join(', ')}.`,
    };
  return {
    error: `${JSON.stringify(name)} names ${matches.length} functions (${matches.map(labelOf).join(', ')}): give its service too, as service/function.`,
  };
}
