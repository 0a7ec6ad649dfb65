import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import { StepFunctionsError } from './api-errors';
import type { StatesDefinition } from './definition';
import { ExecutionInterrupted, StatesError, StatesErrors } from './errors';
import { History, type HistoryEvent, jsonText } from './history';
import { runStates } from './interpreter';
import { type Json, parseJson } from './json';
import type { ExecutionInfo, Lane, Runtime } from './runtime';
import type { StateMachine } from './state-machines';
import type { TaskIntegrations } from './tasks/integrations';
import type { TaskTokens } from './task-tokens';
import { newScope } from './variables';

/** An execution's status, as `DescribeExecution` answers it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * Everything known of an execution, as plain JSON data: what a journal saves after each change
 * and gives back on a restart. Times are epoch seconds, as the API's wire form.
 */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  status: ExecutionStatus;
  readonly startDate: number;
  stopDate?: number;
  /** The input as given, a JSON text. */
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  readonly events: HistoryEvent[];
}

/** Where executions are kept when the local cloud keeps data (`--data-dir`). */
export interface ExecutionJournal {
  /** Called after every event and status change of an execution, with its whole record. */
  save(record: ExecutionRecord): void;
}

/** What running an execution needs from the registry. */
export interface ExecutionServices {
  readonly clock: Clock;
  readonly integrations: TaskIntegrations;
  readonly tokens: TaskTokens;
  readonly region: string;
  readonly accountId: string;
  readonly random: () => number;
  readonly journal?: ExecutionJournal;
}

/** A running execution: its record, how to stop it, and when it ends. */
export interface RunningExecution {
  readonly record: ExecutionRecord;
  readonly done: Promise<ExecutionRecord>;
  stop(error?: string, cause?: string): void;
}

/** The longest an Express execution runs. */
const EXPRESS_LIMIT_SECONDS = 300;

/**
 * Starts an execution of a state machine: records `ExecutionStarted`, runs the states, and
 * records how it ended (`ExecutionSucceeded`, `ExecutionFailed`, `ExecutionAborted` after a
 * stop, `ExecutionTimedOut` after the definition's `TimeoutSeconds`).
 */
export const startRun = (
  machine: StateMachine,
  name: string,
  input: string,
  services: ExecutionServices,
): RunningExecution => {
  const { clock, journal } = services;
  const executionArn = executionArnOf(machine, name, services);
  const startMs = clock.now();
  const record: ExecutionRecord = {
    executionArn,
    stateMachineArn: machine.arn,
    name,
    type: machine.type,
    status: 'RUNNING',
    startDate: startMs / 1000,
    input,
    events: [],
  };
  const save = () => journal?.save(record);
  const history = new History(() => clock.now(), record.events, save);
  const controller = new AbortController();
  const stopDetails: { error?: string; cause?: string } = {};
  const runtime = runtimeOf(machine, record, history, services, new Date(startMs).toISOString());
  const done = execute(runtime, machine.definition, record, controller, stopDetails, limitOf(machine)).then(
    (closed) => {
      save();
      return closed;
    },
  );
  return {
    record,
    done,
    stop: (error, cause) => {
      Object.assign(stopDetails, error !== undefined ? { error } : {}, cause !== undefined ? { cause } : {});
      controller.abort(new ExecutionInterrupted('aborted'));
    },
  };
};

const limitOf = (machine: StateMachine): number | undefined =>
  machine.definition.TimeoutSeconds ?? (machine.type === 'EXPRESS' ? EXPRESS_LIMIT_SECONDS : undefined);

const executionArnOf = (machine: StateMachine, name: string, services: ExecutionServices): string =>
  machine.type === 'EXPRESS'
    ? `arn:aws:states:${services.region}:${services.accountId}:express:${machine.name}:${name}:${randomUUID()}`
    : `arn:aws:states:${services.region}:${services.accountId}:execution:${machine.name}:${name}`;

const runtimeOf = (
  machine: StateMachine,
  record: ExecutionRecord,
  history: History,
  services: ExecutionServices,
  startTime: string,
): Runtime => {
  const execution: ExecutionInfo = {
    arn: record.executionArn,
    name: record.name,
    input: parseJson(record.input) ?? {},
    roleArn: machine.roleArn,
    startTime,
    stateMachineArn: machine.arn,
    stateMachineName: machine.name,
    region: services.region,
    accountId: services.accountId,
  };
  return {
    clock: services.clock,
    history,
    integrations: services.integrations,
    tokens: services.tokens,
    execution,
    random: services.random,
  };
};

const execute = async (
  runtime: Runtime,
  definition: StatesDefinition,
  record: ExecutionRecord,
  controller: AbortController,
  stopDetails: { error?: string; cause?: string },
  limitSeconds: number | undefined,
): Promise<ExecutionRecord> => {
  const { history, clock } = runtime;
  const started = history.add('ExecutionStarted', 0, {
    input: record.input,
    inputDetails: { truncated: false },
    roleArn: runtime.execution.roleArn,
  });
  const lane: Lane = {
    scope: newScope(),
    signal: controller.signal,
    language: definition.QueryLanguage ?? 'JSONPath',
    lastEventId: started,
  };
  const timer =
    limitSeconds === undefined
      ? undefined
      : clock.after(limitSeconds * 1000, () => controller.abort(new ExecutionInterrupted('timed-out')));
  // Let the caller see the execution RUNNING before its first state runs.
  await Promise.resolve();
  try {
    const output = await runStates(runtime, definition, runtime.execution.input, lane);
    history.add('ExecutionSucceeded', lane.lastEventId, {
      output: jsonText(output),
      outputDetails: { truncated: false },
    });
    close(record, clock, 'SUCCEEDED', { output: jsonText(output) });
  } catch (error) {
    closeFailed(runtime, record, lane, error, stopDetails);
  } finally {
    timer?.cancel();
    controller.abort();
  }
  return record;
};

const closeFailed = (
  runtime: Runtime,
  record: ExecutionRecord,
  lane: Lane,
  error: unknown,
  stopDetails: { error?: string; cause?: string },
): void => {
  const { history, clock } = runtime;
  const interrupted =
    error instanceof ExecutionInterrupted
      ? error
      : lane.signal.reason instanceof ExecutionInterrupted
        ? lane.signal.reason
        : undefined;
  if (interrupted?.reason === 'aborted') {
    history.add('ExecutionAborted', lane.lastEventId, { ...stopDetails });
    close(record, clock, 'ABORTED', stopDetails);
    return;
  }
  if (interrupted?.reason === 'timed-out') {
    history.add('ExecutionTimedOut', lane.lastEventId, { error: StatesErrors.Timeout });
    close(record, clock, 'TIMED_OUT', { error: StatesErrors.Timeout });
    return;
  }
  const failure =
    error instanceof StatesError
      ? error
      : new StatesError(StatesErrors.Runtime, error instanceof Error ? error.message : String(error));
  const details = {
    ...(failure.error ? { error: failure.error } : {}),
    ...(failure.cause ? { cause: failure.cause } : {}),
  };
  history.add('ExecutionFailed', lane.lastEventId, details);
  close(record, clock, 'FAILED', details);
};

const close = (
  record: ExecutionRecord,
  clock: Clock,
  status: ExecutionStatus,
  fields: { output?: string; error?: string; cause?: string },
): void => {
  Object.assign(record, fields, { status, stopDate: clock.now() / 1000 });
};

/** Execution names: 1 to 80 characters, none of the ones AWS refuses. */
export const validName = (name: string): boolean =>
  name.length >= 1 &&
  name.length <= 80 &&
  ![...name].some((c) => FORBIDDEN_IN_NAMES.has(c) || /\s/.test(c) || isControl(c));

const FORBIDDEN_IN_NAMES = new Set([...'<>{}[]?*"#%\\^|~`$&,;:/']);

const isControl = (c: string): boolean => {
  const code = c.codePointAt(0) ?? 0;
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
};

/** The input of an execution: a JSON text (default `{}`), or `InvalidExecutionInput`. */
export const executionInput = (input: unknown): string => {
  if (input === undefined || input === null) return '{}';
  if (typeof input !== 'string' || parseJson(input) === undefined) {
    throw new StepFunctionsError(
      'InvalidExecutionInput',
      'Invalid State Machine Execution Input: the input must be a JSON text.',
    );
  }
  return input;
};

/** An output given to `SendTaskSuccess`: a JSON text, or `InvalidOutput`. */
export const taskOutput = (output: unknown): Json => {
  const parsed = typeof output === 'string' ? parseJson(output) : undefined;
  if (parsed === undefined)
    throw new StepFunctionsError('InvalidOutput', 'Invalid Output: the output must be a JSON text.');
  return parsed;
};
