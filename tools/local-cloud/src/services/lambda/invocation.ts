/**
 * The two phases of Lambda's lifecycle an invocation goes through in one execution environment:
 * Init (start the process, load the code) on a cold start, then Invoke, framed by START, END and
 * REPORT as Lambda logs them.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionSpec, InvokeResult } from '../../model';
import { logGroupName } from './environment';
import { type ExecutionEnvironment, type Outcome, exitMessage } from './execution-environment';

/** Lambda's limit on the init phase of an on-demand environment. */
export const INIT_TIMEOUT_MS = 10_000;

/** Where an invocation's lines go, and whether the runtime is stopping (which explains a killed process). */
export interface InvocationContext {
  readonly log: (text: string, stream?: 'stdout' | 'stderr', requestId?: string) => void;
  readonly stopped: () => boolean;
  /** Called once the invocation's REPORT line is logged. */
  readonly settled?: (requestId: string, event: unknown, result: InvokeResult) => void;
}

/** Why a cold start failed: the code's own error (`Error`), the init limit (`Timeout`) or the process dying (`Crash`). */
export interface InitFailure {
  readonly errorType: 'Error' | 'Timeout' | 'Crash';
  readonly error: string;
}

const STOPPED = 'The Lambda runtime stopped.';

function initFailure(outcome: Outcome, stopped: boolean): InitFailure {
  if (outcome.type === 'init-error')
    return { errorType: 'Error', error: `${outcome.errorType}: ${outcome.errorMessage}` };
  if (outcome.type === 'timeout')
    return {
      errorType: 'Timeout',
      error: `Init timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds`,
    };
  if (outcome.type === 'exit')
    return { errorType: 'Crash', error: stopped ? STOPPED : `Init failed: ${exitMessage(outcome)}` };
  return { errorType: 'Crash', error: `Init failed: the environment answered out of turn (${outcome.type})` };
}

/**
 * Loads the function's code in a freshly started environment; answers the init duration, or why it
 * failed (the environment is then killed).
 */
export async function initialize(
  environment: ExecutionEnvironment,
  compileCacheDir: string | false,
  context: InvocationContext,
): Promise<{ initDurationMs: number } | InitFailure> {
  const spec = environment.deployment.spec;
  const started = performance.now();
  const outcome = await environment.exchange(
    {
      type: 'init',
      codeDir: spec.codeDir,
      handler: spec.handler,
      ...(compileCacheDir === false ? {} : { compileCacheDir }),
    },
    INIT_TIMEOUT_MS,
  );
  if (outcome.type === 'ready') return { initDurationMs: performance.now() - started };
  environment.kill();
  const failure = initFailure(outcome, context.stopped());
  // The worker logged its own init error; the other failures are logged here.
  if (outcome.type !== 'init-error') {
    await environment.drained();
    context.log(`${new Date().toISOString()}\tundefined\tERROR\t${failure.error}`, 'stderr');
  }
  return failure;
}

function timeoutMessage(fn: FunctionSpec): string {
  return `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`;
}

/** What the Invoke phase came to, with the REPORT line's status and whether the environment may serve again. */
interface Settled {
  readonly result: InvokeResult;
  readonly status: string;
  readonly reusable: boolean;
}

async function settle(
  environment: ExecutionEnvironment,
  outcome: Outcome,
  requestId: string,
  durationMs: number,
  context: InvocationContext,
): Promise<Settled> {
  const fn = environment.deployment.spec;
  if (outcome.type === 'result' && outcome.requestId === requestId) {
    environment.lastMaxMemoryMb = outcome.maxMemoryUsedMb;
    const result: InvokeResult = outcome.ok
      ? { ok: true, payload: JSON.parse(outcome.payload) as unknown, durationMs, coldStart: false }
      : {
          ok: false,
          errorType: 'Error',
          errorMessage: outcome.errorMessage,
          handlerErrorType: outcome.errorType,
          durationMs,
        };
    return { result, status: '', reusable: true };
  }
  environment.kill();
  await environment.drained();
  if (outcome.type === 'timeout') {
    context.log(`${new Date().toISOString()} ${requestId} ${timeoutMessage(fn)}`, 'stdout', requestId);
    return {
      result: { ok: false, errorType: 'Timeout', errorMessage: timeoutMessage(fn), durationMs },
      status: '\tStatus: timeout',
      reusable: false,
    };
  }
  const message =
    outcome.type === 'exit'
      ? context.stopped()
        ? STOPPED
        : exitMessage(outcome)
      : `The environment answered out of turn (${outcome.type})`;
  context.log(`RequestId: ${requestId} Error: ${message}`, 'stderr', requestId);
  return {
    result: { ok: false, errorType: 'Crash', errorMessage: message, durationMs },
    status: '\tStatus: error\tError Type: Runtime.ExitError',
    reusable: false,
  };
}

/**
 * Runs one event in `environment` until the function's timeout: START first, END and REPORT once
 * the handler's output is logged. `reusable` is false when the environment was killed (a timeout
 * or a crash): the next invocation needs a fresh one.
 */
export async function invokeIn(
  environment: ExecutionEnvironment,
  event: unknown,
  timing: { readonly began: number; readonly initDurationMs?: number },
  context: InvocationContext,
): Promise<{ result: InvokeResult; reusable: boolean }> {
  const fn = environment.deployment.spec;
  const requestId = randomUUID();
  const timeoutMs = fn.timeoutSeconds * 1000;
  // The lines of the environment's last invocation come first, as in its log stream on Lambda.
  await environment.logged;
  environment.requestId = requestId;
  context.log(`START RequestId: ${requestId} Version: $LATEST`, 'stdout', requestId);
  const invokeStarted = performance.now();
  const outcome = await environment.exchange(
    {
      type: 'invoke',
      event,
      context: {
        awsRequestId: requestId,
        functionName: fn.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: fn.arn,
        memoryLimitInMB: String(fn.memoryMb),
        logGroupName: logGroupName(fn),
        logStreamName: environment.logStreamName,
        deadlineMs: Date.now() + timeoutMs,
      },
    },
    timeoutMs,
  );
  const duration = performance.now() - invokeStarted;
  const settled = await settle(environment, outcome, requestId, performance.now() - timing.began, context);
  const result: InvokeResult =
    settled.result.ok && timing.initDurationMs !== undefined
      ? { ...settled.result, coldStart: true, requestId }
      : { ...settled.result, requestId };
  const billed = Math.ceil(duration + (timing.initDurationMs ?? 0));
  const report =
    `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms` +
    `\tMemory Size: ${fn.memoryMb} MB\tMax Memory Used: ${environment.lastMaxMemoryMb} MB` +
    (timing.initDurationMs === undefined ? '' : `\tInit Duration: ${timing.initDurationMs.toFixed(2)} ms`) +
    settled.status;
  // A killed environment's output was read to its end in `settle`.
  const flushed = settled.reusable ? environment.flushed(requestId) : Promise.resolve();
  environment.logged = flushed.then(() => {
    context.log(`END RequestId: ${requestId}`, 'stdout', requestId);
    context.log(report, 'stdout', requestId);
    if (environment.requestId === requestId) environment.requestId = undefined;
    context.settled?.(requestId, event, result);
  });
  return { result, reusable: settled.reusable };
}
