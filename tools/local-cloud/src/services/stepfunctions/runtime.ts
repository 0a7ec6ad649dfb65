import type { Clock } from '../../clock';
import type { QueryLanguage, StateDefinition } from './definition';
import type { History } from './history';
import type { Json } from './json';
import type { TaskIntegrations } from './tasks/integrations';
import type { TaskTokens } from './task-tokens';
import type { VariableScope } from './variables';

/** What a running execution is, as its context object shows it. */
export interface ExecutionInfo {
  readonly arn: string;
  readonly name: string;
  readonly input: Json;
  readonly roleArn: string;
  /** ISO 8601, as `$$.Execution.StartTime`. */
  readonly startTime: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly region: string;
  readonly accountId: string;
}

/** What every state of one execution shares. */
export interface Runtime {
  readonly clock: Clock;
  readonly history: History;
  readonly integrations: TaskIntegrations;
  readonly tokens: TaskTokens;
  readonly execution: ExecutionInfo;
  /** A number in [0, 1) for jitter; injectable so tests can pin it. */
  readonly random: () => number;
}

/**
 * One thread of an execution: the top level, a Parallel branch, or a Map iteration. Its own
 * variable scope, abort signal and last event (the next event's `previousEventId`).
 */
export interface Lane {
  readonly scope: VariableScope;
  readonly signal: AbortSignal;
  readonly language: QueryLanguage;
  lastEventId: number;
  readonly mapItem?: { readonly Index: number; readonly Value: Json };
}

/** A state being run: what its fields are evaluated against. */
export interface StateStep {
  readonly runtime: Runtime;
  readonly lane: Lane;
  readonly name: string;
  readonly state: StateDefinition;
  readonly language: QueryLanguage;
  readonly rawInput: Json;
  readonly enteredEventId: number;
  readonly enteredTime: string;
  /** Attempts made so far by retriers: `$$.State.RetryCount`. */
  retryCount: number;
  /** The task token while a `.waitForTaskToken` task runs: `$$.Task.Token`. */
  taskToken?: string;
}

/** How a state ended: its output and the state to go to (none: the end of its lane). */
export interface StateOutcome {
  readonly output: Json;
  readonly next?: string;
}
