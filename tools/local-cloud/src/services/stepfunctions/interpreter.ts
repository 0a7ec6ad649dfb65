import type { StateDefinition, StatesDefinition } from './definition';
import { StatesError, StatesErrors } from './errors';
import { type HistoryEventType, jsonText } from './history';
import type { Finished } from './io';
import type { Json } from './json';
import type { Lane, Runtime, StateStep } from './runtime';
import { runChoice } from './states/choice';
import { runMap } from './states/map';
import { runParallel } from './states/parallel';
import { runPass } from './states/pass';
import { runTask } from './states/task';
import { runFail, runSucceed } from './states/terminal';
import { runWait } from './states/wait';
import { assign } from './variables';

/** Runs a branch (the machine, a Parallel branch, a Map processor) in a lane: what Parallel and Map call. */
export type RunBranch = (definition: StatesDefinition, input: Json, lane: Lane) => Promise<Json>;

/** What a state's handler answers: how it finished, and where to go (none: the end). */
export interface Handled {
  readonly finished: Finished;
  readonly next?: string;
}

/** A state type's behaviour between its entered and exited events. */
export type StateHandler = (step: StateStep, runBranch: RunBranch) => Promise<Handled>;

const HANDLERS: Record<StateDefinition['Type'], StateHandler> = {
  Task: runTask,
  Pass: runPass,
  Wait: runWait,
  Choice: runChoice,
  Succeed: runSucceed,
  Fail: runFail,
  Parallel: runParallel,
  Map: runMap,
};

/**
 * Runs the states of a branch from `StartAt` until one ends it, in the lane's variable scope,
 * and answers the last state's output. A state's error it does not catch is thrown as a
 * {@link StatesError}; a stop or time-out of the execution as the signal's reason.
 */
export const runStates = async (
  runtime: Runtime,
  definition: StatesDefinition,
  input: Json,
  lane: Lane,
): Promise<Json> => {
  let name: string | undefined = definition.StartAt;
  let data = input;
  while (name !== undefined) {
    const state = definition.States[name];
    if (!state) throw new StatesError(StatesErrors.Runtime, `The state '${name}' does not exist.`);
    const outcome = await runState(runtime, definition, name, state, data, lane);
    data = outcome.output;
    name = outcome.next;
  }
  return data;
};

const runState = async (
  runtime: Runtime,
  definition: StatesDefinition,
  name: string,
  state: StateDefinition,
  input: Json,
  lane: Lane,
): Promise<{ output: Json; next?: string }> => {
  lane.signal.throwIfAborted();
  const enteredEventId = runtime.history.add(
    `${state.Type}StateEntered` as HistoryEventType,
    lane.lastEventId,
    {
      name,
      input: jsonText(input),
      inputDetails: { truncated: false },
    },
  );
  lane.lastEventId = enteredEventId;
  const step: StateStep = {
    runtime,
    lane,
    name,
    state,
    language:
      (state.QueryLanguage as StateStep['language'] | undefined) ?? definition.QueryLanguage ?? lane.language,
    rawInput: input,
    enteredEventId,
    enteredTime: new Date(runtime.clock.now()).toISOString(),
    retryCount: 0,
  };
  const runBranch: RunBranch = (branch, branchInput, branchLane) =>
    runStates(runtime, branch, branchInput, branchLane);
  const { finished, next } = await HANDLERS[state.Type](step, runBranch);
  lane.lastEventId = runtime.history.add(
    `${state.Type}StateExited` as HistoryEventType,
    lane.lastEventId,
    exitedDetails(name, finished),
  );
  assign(lane.scope, finished.assigned);
  return next === undefined ? { output: finished.output } : { output: finished.output, next };
};

const exitedDetails = (name: string, finished: Finished): Record<string, Json> => {
  const details: Record<string, Json> = {
    name,
    output: jsonText(finished.output),
    outputDetails: { truncated: false },
  };
  const names = Object.keys(finished.assigned);
  if (names.length > 0) {
    details.assignedVariables = Object.fromEntries(
      names.map((key) => [key, jsonText(finished.assigned[key] as Json)]),
    );
    details.assignedVariablesDetails = { truncated: false };
  }
  return details;
};

/** Where a state goes after it finishes: its `Next`, or nowhere when it has `End`. */
export const nextOf = (state: StateDefinition): string | undefined =>
  state.End === true || typeof state.Next !== 'string' ? undefined : state.Next;
