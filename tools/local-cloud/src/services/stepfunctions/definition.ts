// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- asl-validator ships no types; the reference brings its declaration into every program that compiles this file, including other projects' through the local cloud (the contract runner).
/// <reference path="./asl-validator.d.ts" />
import aslValidator from 'asl-validator';
import { type Json, isRecord } from './json';

/** A state of a definition, as its JSON has it; `Type` says which fields it may carry. */
export interface StateDefinition {
  readonly Type: 'Task' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  readonly [field: string]: Json | undefined;
}

/** A state machine's definition, or a Parallel branch's or Map processor's. */
export interface StatesDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, StateDefinition>>;
  readonly QueryLanguage?: QueryLanguage;
  readonly TimeoutSeconds?: number;
  readonly Comment?: string;
}

/** The two query languages of the States Language. */
export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A definition that cannot run: the message names the state machine and every problem found. */
export class InvalidDefinition extends Error {
  constructor(
    readonly stateMachine: string,
    readonly problems: readonly string[],
  ) {
    super(`State machine ${stateMachine} has an invalid definition: ${problems.join('; ')}`);
    this.name = 'InvalidDefinition';
  }
}

/**
 * Parses and validates a definition the way `CreateStateMachine` does: `${name}` placeholders
 * of `DefinitionSubstitutions` replaced first, then the JSON parsed and checked with
 * asl-validator (states, transitions, fields of each state type and query language), plus what
 * Slice's interpreter relies on: Express machines take no `.waitForTaskToken` task.
 *
 * @example
 * ```ts
 * const definition = loadDefinition('OrderWorkflow', template.DefinitionString, {
 *   substitutions: { TableName: 'orders' },
 *   type: 'STANDARD',
 * });
 * ```
 */
export const loadDefinition = (
  stateMachine: string,
  source: string | Record<string, unknown>,
  options: {
    readonly substitutions?: Readonly<Record<string, string>>;
    readonly type?: 'STANDARD' | 'EXPRESS';
  } = {},
): StatesDefinition => {
  const parsed = parseSource(stateMachine, source, options.substitutions ?? {});
  const problems = validate(JSON.stringify(parsed));
  if (options.type === 'EXPRESS') problems.push(...expressProblems(parsed));
  if (problems.length > 0) throw new InvalidDefinition(stateMachine, problems);
  return parsed as unknown as StatesDefinition;
};

/**
 * asl-validator builds its JSON schema validator anew on every call (about half a second here):
 * remember the answer per definition text, so a redeploy or a test reusing a definition pays once.
 */
const validated = new Map<string, readonly string[]>();

const validate = (text: string): string[] => {
  let problems = validated.get(text);
  if (!problems) {
    // asl-validator writes each state's default QueryLanguage into what it is given: give it a copy.
    const result = aslValidator(JSON.parse(text), { checkArn: false, checkPaths: true });
    problems = result.errors.map((error) => `${error['Error code']}: ${error.Message}`);
    if (validated.size > 200) validated.clear();
    validated.set(text, problems);
  }
  return [...problems];
};

const parseSource = (
  stateMachine: string,
  source: string | Record<string, unknown>,
  substitutions: Readonly<Record<string, string>>,
): Record<string, unknown> => {
  const text = typeof source === 'string' ? source : JSON.stringify(source);
  const substituted = text.replace(/\$\{([^}]+)\}/g, (match, name: string) =>
    Object.hasOwn(substitutions, name) ? jsonStringContent(substitutions[name] as string) : match,
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(substituted);
  } catch (error) {
    throw new InvalidDefinition(stateMachine, [`the definition is not JSON (${(error as Error).message})`]);
  }
  if (!isRecord(parsed)) throw new InvalidDefinition(stateMachine, ['the definition is not a JSON object']);
  return parsed;
};

/** A substitution lands inside a JSON string: escape it as one. */
const jsonStringContent = (value: string): string => JSON.stringify(value).slice(1, -1);

const expressProblems = (definition: Record<string, unknown>): string[] =>
  resources(definition)
    .filter((resource) => resource.endsWith('.waitForTaskToken') || resource.includes('.sync'))
    .map((resource) => `Express state machines do not support the integration pattern of ${resource}`);

const resources = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(resources);
  if (!isRecord(node)) return [];
  const own = node.Type === 'Task' && typeof node.Resource === 'string' ? [node.Resource] : [];
  return [...own, ...Object.values(node).flatMap(resources)];
};
