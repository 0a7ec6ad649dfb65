import { StatesError, StatesErrors, stateFailure } from '../errors';
import { evaluateJsonataTemplate } from '../expressions/jsonata';
import { readPath } from '../expressions/jsonpath';
import { type HistoryEventType, jsonText } from '../history';
import { effectiveInput, jsonataScope, pathScope, taskInput } from '../io';
import type { Json } from '../json';
import type { StateStep } from '../runtime';
import { integrationError, integrationRequest, taskResult } from '../tasks/integrations';
import { type TaskResource, parseResource } from '../tasks/resources';
import type { Handled } from '../interpreter';
import { withRetryAndCatch } from './guarded';

/** A task's time limits, in seconds (`undefined`: none). */
interface Limits {
  readonly timeout?: number;
  readonly heartbeat?: number;
}

/**
 * A Task state: each attempt evaluates the arguments (with `$$.Task.Token` for
 * `.waitForTaskToken`), calls the integration and records `TaskScheduled`, `TaskStarted`,
 * (`TaskSubmitted`,) and `TaskSucceeded`, `TaskFailed` or `TaskTimedOut`; a bare function ARN
 * records the `LambdaFunction*` events instead. `TimeoutSeconds` bounds each attempt and
 * `HeartbeatSeconds` the silence between heartbeats of a task token.
 */
export const runTask = async (step: StateStep): Promise<Handled> => {
  const arn = typeof step.state.Resource === 'string' ? step.state.Resource : '';
  const resource = parseResource(arn);
  if (!resource) {
    throw new StatesError(
      StatesErrors.Runtime,
      stateFailure(step.name, step.enteredEventId, `The resource ${arn} is not supported.`),
    );
  }
  const effective = effectiveInput(step);
  return withRetryAndCatch(step, () => attempt(step, resource, effective));
};

const attempt = async (step: StateStep, resource: TaskResource, effective: Json): Promise<Json> => {
  const limits = await limitsOf(step, effective);
  const token = resource.pattern === 'wait-for-task-token' ? openToken(step, limits) : undefined;
  try {
    if (token) step.taskToken = token.token;
    const args = await taskInput(step, effective);
    const events = resource.style === 'function-arn' ? LAMBDA_EVENTS : TASK_EVENTS;
    record(step, events.scheduled, scheduledDetails(step, resource, args, limits));
    record(step, events.started, resource.style === 'function-arn' ? undefined : ids(resource));
    try {
      const result = await callWithin(step, resource, args, limits, token);
      record(step, events.succeeded, {
        ...ids(resource, resource.style),
        output: jsonText(result),
        outputDetails: { truncated: false },
      });
      return result;
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      const timedOut = error.error === StatesErrors.Timeout || error.error === StatesErrors.HeartbeatTimeout;
      record(step, timedOut ? events.timedOut : events.failed, {
        ...ids(resource, resource.style),
        ...failure(error),
      });
      throw error;
    }
  } finally {
    token?.settle();
    delete step.taskToken;
  }
};

const TASK_EVENTS = {
  scheduled: 'TaskScheduled',
  started: 'TaskStarted',
  succeeded: 'TaskSucceeded',
  failed: 'TaskFailed',
  timedOut: 'TaskTimedOut',
} as const;
const LAMBDA_EVENTS = {
  scheduled: 'LambdaFunctionScheduled',
  started: 'LambdaFunctionStarted',
  succeeded: 'LambdaFunctionSucceeded',
  failed: 'LambdaFunctionFailed',
  timedOut: 'LambdaFunctionTimedOut',
} as const;

const record = (step: StateStep, type: HistoryEventType, details?: Record<string, Json>): void => {
  step.lane.lastEventId = step.runtime.history.add(type, step.lane.lastEventId, details);
};

const ids = (resource: TaskResource, style?: TaskResource['style']): Record<string, Json> =>
  style === 'function-arn' ? {} : { resourceType: resource.resourceType, resource: resource.resource };

/** Error and cause as history details carry them: absent when empty. */
export const failure = (error: StatesError): Record<string, Json> => ({
  ...(error.error ? { error: error.error } : {}),
  ...(error.cause ? { cause: error.cause } : {}),
});

const scheduledDetails = (
  step: StateStep,
  resource: TaskResource,
  args: Json,
  limits: Limits,
): Record<string, Json> => {
  const timeouts: Record<string, Json> = {
    ...(limits.timeout !== undefined ? { timeoutInSeconds: limits.timeout } : {}),
    ...(limits.heartbeat !== undefined ? { heartbeatInSeconds: limits.heartbeat } : {}),
  };
  if (resource.style === 'function-arn')
    return { resource: resource.resource, input: jsonText(args), ...timeouts };
  return { ...ids(resource), region: step.runtime.execution.region, parameters: jsonText(args), ...timeouts };
};

const limitsOf = async (step: StateStep, effective: Json): Promise<Limits> => ({
  ...optional('timeout', await seconds(step, 'TimeoutSeconds', effective)),
  ...optional('heartbeat', await seconds(step, 'HeartbeatSeconds', effective)),
});

const optional = (key: keyof Limits, value: number | undefined): Limits =>
  value === undefined ? {} : { [key]: value };

const seconds = async (
  step: StateStep,
  field: 'TimeoutSeconds' | 'HeartbeatSeconds',
  effective: Json,
): Promise<number | undefined> => {
  let value: Json | undefined = step.state[field];
  if (typeof value === 'string' && step.language === 'JSONata')
    value = await evaluateJsonataTemplate(value, jsonataScope(step), field);
  const path = step.state[`${field}Path`];
  if (value === undefined && typeof path === 'string') value = readPath(path, pathScope(step, effective));
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesError(
      StatesErrors.Runtime,
      stateFailure(
        step.name,
        step.enteredEventId,
        `${field} must be a positive integer, got ${JSON.stringify(value)}.`,
      ),
    );
  }
  return value;
};

interface OpenedToken {
  readonly token: string;
  readonly result: Promise<Json>;
  readonly settle: () => void;
  /** Resolves with the heartbeat time-out's rejection; restarted by each heartbeat. */
  readonly heartbeatExpired: Promise<never>;
}

const openToken = (step: StateStep, limits: Limits): OpenedToken => {
  const { clock, tokens, execution } = step.runtime;
  let timer: { cancel(): void } | undefined;
  let expire: (error: StatesError) => void = () => undefined;
  const heartbeatExpired = new Promise<never>((_resolve, reject) => (expire = reject));
  heartbeatExpired.catch(() => undefined);
  const arm = () => {
    timer?.cancel();
    if (limits.heartbeat === undefined) return;
    timer = clock.after(limits.heartbeat * 1000, () =>
      expire(new StatesError(StatesErrors.HeartbeatTimeout, '')),
    );
  };
  const issued = tokens.issue(execution.arn, arm);
  // The heartbeat time-out runs from the task's start, not only from its first heartbeat.
  arm();
  return { ...issued, heartbeatExpired, settle: () => (timer?.cancel(), issued.settle()) };
};

const callWithin = async (
  step: StateStep,
  resource: TaskResource,
  args: Json,
  limits: Limits,
  token?: OpenedToken,
): Promise<Json> => {
  const { clock } = step.runtime;
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, step.lane.signal]);
  const timeout =
    limits.timeout === undefined
      ? undefined
      : clock.after(limits.timeout * 1000, () => controller.abort(timeoutError()));
  const aborted = new Promise<never>((_resolve, reject) => {
    const fail = () => reject(signal.reason as Error);
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const result = await Promise.race([call(step, resource, args, signal), aborted]);
    if (!token) return result;
    record(step, 'TaskSubmitted', {
      ...ids(resource),
      output: jsonText(result),
      outputDetails: { truncated: false },
    });
    return await Promise.race([token.result, token.heartbeatExpired, aborted]);
  } finally {
    timeout?.cancel();
    controller.abort();
  }
};

const timeoutError = () => new StatesError(StatesErrors.Timeout, '');

const call = async (
  step: StateStep,
  resource: TaskResource,
  args: Json,
  signal: AbortSignal,
): Promise<Json> => {
  const { execution, integrations } = step.runtime;
  const outcome = await integrations.call(
    {
      service: resource.service,
      operation: resource.operation,
      iamAction: resource.iamAction,
      request: integrationRequest(resource, args),
      roleArn: execution.roleArn,
      executionArn: execution.arn,
      stateMachineArn: execution.stateMachineArn,
    },
    signal,
  );
  if (!outcome.ok) throw integrationError(resource.service, outcome);
  return taskResult(resource, outcome.response);
};
