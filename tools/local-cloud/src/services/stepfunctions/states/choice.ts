import { StatesError, StatesErrors, stateFailure } from '../errors';
import { evaluateJsonataTemplate } from '../expressions/jsonata';
import { type PathScope, pathExists, readPath } from '../expressions/jsonpath';
import { effectiveInput, finishWithoutResult, jsonataScope, pathScope } from '../io';
import { type Json, isRecord } from '../json';
import type { StateStep } from '../runtime';
import type { Handled } from '../interpreter';

type Rule = Record<string, Json>;

/**
 * A Choice state: the first rule that matches gives the next state (and, with variables, its
 * own `Assign` and `Output`); none matching goes to `Default`, or fails with
 * `States.NoChoiceMatched`. JSONata rules test a `Condition`; JSONPath rules compare a
 * `Variable` with the States Language's operators, combined with `And`, `Or` and `Not`.
 */
export const runChoice = async (step: StateStep): Promise<Handled> => {
  const rules = (Array.isArray(step.state.Choices) ? step.state.Choices : []).filter(isRecord) as Rule[];
  for (const rule of rules) {
    if (await matches(step, rule)) {
      return { finished: await finishWithoutResult(step, ruleFields(step, rule)), next: rule.Next as string };
    }
  }
  if (typeof step.state.Default === 'string')
    return { finished: await finishWithoutResult(step), next: step.state.Default };
  throw new StatesError(
    StatesErrors.NoChoiceMatched,
    stateFailure(step.name, step.enteredEventId, 'No Choice Rule matched and no Default was specified.'),
  );
};

/** A matched rule's `Assign` and `Output` replace the state's. */
const ruleFields = (step: StateStep, rule: Rule): { Assign?: Json; Output?: Json } => ({
  ...(rule.Assign !== undefined
    ? { Assign: rule.Assign }
    : step.state.Assign !== undefined
      ? { Assign: step.state.Assign }
      : {}),
  ...(rule.Output !== undefined
    ? { Output: rule.Output }
    : step.state.Output !== undefined
      ? { Output: step.state.Output }
      : {}),
});

const matches = async (step: StateStep, rule: Rule): Promise<boolean> => {
  if (step.language === 'JSONata') {
    const value = await evaluateJsonataTemplate(rule.Condition ?? null, jsonataScope(step), 'Condition');
    if (typeof value !== 'boolean') {
      throw new StatesError(
        StatesErrors.QueryEvaluationError,
        `The Condition of a Choice Rule in '${step.name}' must answer a boolean, got ${JSON.stringify(value)}.`,
      );
    }
    return value;
  }
  return matchesJsonPath(rule, pathScope(step, effectiveInput(step)));
};

const matchesJsonPath = (rule: Rule, scope: PathScope): boolean => {
  if (Array.isArray(rule.And))
    return rule.And.filter(isRecord).every((inner) => matchesJsonPath(inner as Rule, scope));
  if (Array.isArray(rule.Or))
    return rule.Or.filter(isRecord).some((inner) => matchesJsonPath(inner as Rule, scope));
  if (isRecord(rule.Not)) return !matchesJsonPath(rule.Not, scope);
  const variable = rule.Variable;
  if (typeof variable !== 'string')
    throw new StatesError(StatesErrors.Runtime, 'A Choice Rule has no Variable.');
  const operator = Object.keys(rule).find((key) => key in OPERATORS || key in TYPE_TESTS);
  if (!operator)
    throw new StatesError(StatesErrors.Runtime, `A Choice Rule on ${variable} has no comparison.`);
  if (operator === 'IsPresent') return pathExists(variable, scope) === rule.IsPresent;
  const value = readPath(variable, scope);
  const test = TYPE_TESTS[operator];
  if (test) return test(value) === rule[operator];
  const base = operator.endsWith('Path') ? operator.slice(0, -4) : operator;
  const expected = operator.endsWith('Path')
    ? readPath(rule[operator] as string, scope)
    : (rule[operator] as Json);
  return (OPERATORS[base] as Compare)(value, expected);
};

type Compare = (value: Json, expected: Json) => boolean;

const isTimestamp = (value: Json): value is string =>
  typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value);

const strings =
  (test: (a: string, b: string) => boolean): Compare =>
  (value, expected) =>
    typeof value === 'string' && typeof expected === 'string' && test(value, expected);
const numbers =
  (test: (a: number, b: number) => boolean): Compare =>
  (value, expected) =>
    typeof value === 'number' && typeof expected === 'number' && test(value, expected);
const times =
  (test: (a: number, b: number) => boolean): Compare =>
  (value, expected) =>
    isTimestamp(value) && isTimestamp(expected) && test(Date.parse(value), Date.parse(expected));

/** `*` matches any run of characters; `\*` and `\\` are literal. */
const wildcard = (value: string, pattern: string): boolean => {
  const source = pattern.replace(/\\\\|\\\*|\*|[.+?^${}()|[\]\\]/g, (token) =>
    token === '*' ? '.*' : token === '\\*' ? '\\*' : token === '\\\\' ? '\\\\' : `\\${token}`,
  );
  return new RegExp(`^${source}$`, 's').test(value);
};

const OPERATORS: Record<string, Compare> = {
  StringEquals: strings((a, b) => a === b),
  StringLessThan: strings((a, b) => a < b),
  StringGreaterThan: strings((a, b) => a > b),
  StringLessThanEquals: strings((a, b) => a <= b),
  StringGreaterThanEquals: strings((a, b) => a >= b),
  StringMatches: strings(wildcard),
  NumericEquals: numbers((a, b) => a === b),
  NumericLessThan: numbers((a, b) => a < b),
  NumericGreaterThan: numbers((a, b) => a > b),
  NumericLessThanEquals: numbers((a, b) => a <= b),
  NumericGreaterThanEquals: numbers((a, b) => a >= b),
  BooleanEquals: (value, expected) => typeof value === 'boolean' && value === expected,
  TimestampEquals: times((a, b) => a === b),
  TimestampLessThan: times((a, b) => a < b),
  TimestampGreaterThan: times((a, b) => a > b),
  TimestampLessThanEquals: times((a, b) => a <= b),
  TimestampGreaterThanEquals: times((a, b) => a >= b),
};
for (const name of Object.keys(OPERATORS))
  if (name !== 'StringMatches') OPERATORS[`${name}Path`] = OPERATORS[name] as Compare;

const TYPE_TESTS: Record<string, (value: Json) => boolean> = {
  IsNull: (value) => value === null,
  IsPresent: () => true,
  IsNumeric: (value) => typeof value === 'number',
  IsString: (value) => typeof value === 'string',
  IsBoolean: (value) => typeof value === 'boolean',
  IsTimestamp: isTimestamp,
};
