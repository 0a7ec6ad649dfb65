import { JSONPath } from 'jsonpath-plus';
import { StatesError, StatesErrors } from '../errors';
import { type Json, type JsonObject, isRecord } from '../json';

/** What a JSONPath state's paths read: the input (`$`), the context object (`$$`), variables. */
export interface PathScope {
  readonly input: Json;
  readonly context: Json;
  /** The value of a workflow variable, or `undefined` when none has that name. */
  readonly variable: (name: string) => Json | undefined;
}

const VARIABLE = /^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$/s;

/** Paths that select a list of nodes answer a list; paths to one node answer the node. */
const isIndefinite = (path: string): boolean => /\.\.|\*|\[\?|\[[^\]]*[,:][^\]]*\]/.test(path);

/**
 * Reads a Path (`$.order.id`, `$$.Execution.Id`, `$orderId.total`) in a JSONPath state. A path to
 * one node that selects nothing is `States.Runtime`, as in AWS.
 */
export const readPath = (path: string, scope: PathScope): Json => {
  const { root, rest } = splitRoot(path, scope);
  const found = JSONPath<Json[]>({ path: rest, json: root as object, wrap: true });
  if (isIndefinite(rest)) return found;
  if (found.length === 0) {
    throw new StatesError(
      StatesErrors.Runtime,
      `Invalid path '${path}' : No results for path: ${normalized(rest)}`,
    );
  }
  return found[0] as Json;
};

/** Whether a Path selects anything: what `IsPresent` asks. */
export const pathExists = (path: string, scope: PathScope): boolean => {
  try {
    const { root, rest } = splitRoot(path, scope);
    return JSONPath<Json[]>({ path: rest, json: root as object, wrap: true }).length > 0;
  } catch {
    return false;
  }
};

const splitRoot = (path: string, scope: PathScope): { root: Json; rest: string } => {
  if (path.startsWith('$$')) return { root: scope.context, rest: `$${path.slice(2)}` };
  const variable = VARIABLE.exec(path);
  if (variable) {
    const value = scope.variable(variable[1] as string);
    if (value === undefined) {
      throw new StatesError(
        StatesErrors.Runtime,
        `Invalid path '${path}': The variable '${variable[1]}' is not defined.`,
      );
    }
    return { root: value, rest: `$${variable[2] ?? ''}` };
  }
  if (!path.startsWith('$')) {
    throw new StatesError(StatesErrors.Runtime, `Invalid path '${path}': a path starts with '$'.`);
  }
  return { root: scope.input, rest: path };
};

const normalized = (path: string): string =>
  `$${path
    .slice(1)
    .split('.')
    .filter(Boolean)
    .map((part) => `['${part}']`)
    .join('')}`;

/**
 * Sets `value` at a Reference Path (`$.a.b`, `$.list[0]`) in a copy of `target`, creating the
 * objects on the way: how `ResultPath` places a result in the input. `$` replaces the target.
 */
export const setReferencePath = (target: Json, path: string, value: Json): Json => {
  if (path === '$') return value;
  const steps = referenceSteps(path);
  const root: Json = isRecord(target) || Array.isArray(target) ? structuredClone(target) : {};
  let node: Json = root;
  steps.forEach((step, index) => {
    const last = index === steps.length - 1;
    if (typeof step === 'number') {
      if (!Array.isArray(node)) throw resultPathFailure(path);
      if (last) node[step] = value;
      else node = node[step] ?? (node[step] = {});
      return;
    }
    if (!isRecord(node)) throw resultPathFailure(path);
    const object: JsonObject = node;
    if (last) object[step] = value;
    else {
      const next = object[step];
      node = isRecord(next) || Array.isArray(next) ? next : (object[step] = {});
    }
  });
  return root;
};

const referenceSteps = (path: string): (string | number)[] => {
  if (!path.startsWith('$')) throw resultPathFailure(path);
  const steps: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) throw resultPathFailure(path);
    steps.push(match[2] !== undefined ? Number(match[2]) : ((match[1] ?? match[3]) as string));
  }
  return steps;
};

const resultPathFailure = (path: string) =>
  new StatesError(StatesErrors.Runtime, `Unable to apply ReferencePath ${path} to input.`);
