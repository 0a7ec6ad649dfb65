import type { Json } from './json';

/**
 * The workflow variables one part of an execution sees. The top-level states share one scope;
 * each Parallel branch and each Map iteration runs in a scope of its own that reads the outer
 * ones and assigns only in its own, so its variables end with it (AWS's scoping). Plain data,
 * so an execution's variables can be saved with it.
 */
export interface VariableScope {
  readonly values: Record<string, Json>;
  readonly parent?: VariableScope;
}

/** A new scope, the top-level one or one inside `parent`. */
export const newScope = (parent?: VariableScope): VariableScope =>
  parent ? { values: {}, parent } : { values: {} };

/** The value of a variable, from the innermost scope that has it. */
export const lookup = (scope: VariableScope, name: string): Json | undefined =>
  Object.hasOwn(scope.values, name) ? scope.values[name] : scope.parent && lookup(scope.parent, name);

/** Every variable in scope, inner ones hiding outer ones of the same name. */
export const visible = (scope: VariableScope): Record<string, Json> => ({
  ...(scope.parent ? visible(scope.parent) : {}),
  ...scope.values,
});

/**
 * Assigns the values a state's `Assign` evaluated. All of them were evaluated with the values
 * from the state's entry; they take effect together, when the state exits.
 */
export const assign = (scope: VariableScope, values: Record<string, Json>): void => {
  Object.assign(scope.values, values);
};
