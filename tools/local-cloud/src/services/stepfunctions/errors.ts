/**
 * The error names of the Amazon States Language that Slice's local Step Functions raises, and
 * the error every state failure travels as.
 */
export const StatesErrors = {
  ALL: 'States.ALL',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  Runtime: 'States.Runtime',
  QueryEvaluationError: 'States.QueryEvaluationError',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  BranchFailed: 'States.BranchFailed',
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const;

/**
 * A state failed with an error name and cause, as recorded in the history and matched by
 * `Retry` and `Catch`.
 */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
  }
}

/** The execution was stopped (StopExecution) or timed out: unwinds every running state. */
export class ExecutionInterrupted extends Error {
  constructor(readonly reason: 'aborted' | 'timed-out') {
    super(`The execution was ${reason === 'aborted' ? 'stopped' : 'timed out'}.`);
    this.name = 'ExecutionInterrupted';
  }
}

/** Errors that neither `States.ALL` nor any name in a Retry or Catch can handle. */
const TERMINAL = new Set<string>([StatesErrors.Runtime, StatesErrors.DataLimitExceeded]);

/**
 * Whether a retrier's or catcher's `ErrorEquals` matches an error, as the States Language says:
 * the name itself; `States.ALL` for every error but the terminal ones; `States.TaskFailed` for
 * every error but the time-outs; `States.Timeout` also for a heartbeat time-out.
 */
export const errorMatches = (errorEquals: readonly string[], error: string): boolean => {
  if (TERMINAL.has(error)) return false;
  return errorEquals.some((name) => {
    if (name === error || name === StatesErrors.ALL) return true;
    if (name === StatesErrors.Timeout) return error === StatesErrors.HeartbeatTimeout;
    if (name === StatesErrors.TaskFailed) {
      return error !== StatesErrors.Timeout && error !== StatesErrors.HeartbeatTimeout;
    }
    return false;
  });
};

/** The cause of a runtime error, in the words AWS uses. */
export const stateFailure = (state: string, enteredEventId: number, detail: string): string =>
  `An error occurred while executing the state '${state}' (entered at the event id #${enteredEventId}). ${detail}`;
