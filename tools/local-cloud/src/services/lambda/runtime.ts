import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionSpec, InvokeResult, LambdaRuntime } from '../../model';
import { AccountConcurrency, defaultConcurrency } from './concurrency';
import type { FunctionCredentials } from './environment';
import { EnvironmentPool } from './environment-pool';
import { type Deployment, ExecutionEnvironment } from './execution-environment';
import { type InitFailure, type InvocationContext, initialize, invokeIn } from './invocation';
import { bundledWorker } from './worker-bundle';

/** One line a function (or the runtime on its behalf) wrote to its log. */
export interface FunctionLogLine {
  /** The {@link FunctionSpec.id} of the function. */
  readonly functionId: string;
  readonly text: string;
  readonly stream: 'stdout' | 'stderr';
  /** The invocation the line belongs to: every line between its START and its REPORT. */
  readonly requestId?: string;
}

/** One finished invocation, as {@link LambdaRuntimeOptions.onInvocation} receives it. */
export interface InvocationRecord {
  readonly functionId: string;
  readonly requestId: string;
  readonly event: unknown;
  readonly result: InvokeResult;
}

/** How {@link createLambdaRuntime} runs functions. */
export interface LambdaRuntimeOptions {
  /** The local AWS endpoint functions reach every service through (`AWS_ENDPOINT_URL`). */
  readonly awsEndpoint: string;
  readonly region: string;
  /** The local credentials of a function: the local AWS endpoint knows the caller by them. */
  credentialsFor(fn: FunctionSpec): FunctionCredentials;
  /** Receives every log line of every function, START/END/REPORT included. @default discarded */
  readonly log?: (line: FunctionLogLine) => void;
  /** Called once per invocation, after its REPORT line was logged. @default none */
  readonly onInvocation?: (record: InvocationRecord) => void;
  /**
   * Starts the environments of one function with Node's inspector on `port` (127.0.0.1), for a
   * debugger to attach (`npm start -- --inspect <function>`).
   * @default no inspector
   */
  readonly inspect?: { readonly functionId: string; readonly port: number };
  /** Variables added to every function's environment, over its own. @default none */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /**
   * Keeps V8's compiled code of the functions' bundles on disk (`module.enableCompileCache`), so a
   * cold start after the first of the same code skips compiling it. Module state is still fresh
   * in every environment; only the compile step is saved. Lambda has no such cache: turn it off to
   * time a cold start as Lambda would.
   * @default a folder under the OS temporary directory
   */
  readonly compileCacheDir?: string | false;
  /**
   * The account's concurrency: invocations of all functions that run at once, and the most
   * execution environments (busy and idle) alive at once. An invocation over it waits for a slot
   * (see `queueTimeoutMs`).
   * @default four per core, at least eight ({@link defaultConcurrency})
   */
  readonly concurrency?: number;
  /**
   * How long an invocation over the concurrency limit waits for a slot before it is throttled,
   * unless its caller says otherwise (`invoke`'s `maxWaitMs`).
   * @default 29,000 ms, a REST API's default integration timeout
   */
  readonly queueTimeoutMs?: number;
  /**
   * How long an idle environment is kept warm before it is stopped.
   * @default 60,000 ms
   */
  readonly idleTimeoutMs?: number;
}

/** One execution environment, as {@link LocalLambdaRuntime.environments} lists it. */
export interface EnvironmentInfo {
  readonly functionId: string;
  /** The process id of the environment's child process. */
  readonly pid: number;
  /** `idle`: warm and waiting; `busy`: running an invocation; `retired`: finishing its last one. */
  readonly state: 'idle' | 'busy' | 'retired';
}

/** How one invocation is run. */
export interface InvokeOptions {
  /** How long it may wait for a slot when the account's concurrency is in use. @default the runtime's `queueTimeoutMs` */
  readonly maxWaitMs?: number;
}

/** The account's concurrency now. */
export interface ConcurrencyUsage {
  readonly limit: number;
  /** Invocations running. */
  readonly running: number;
  /** Invocations waiting for a slot. */
  readonly queued: number;
}

/** The local runtime: a {@link LambdaRuntime} that can also forget a function and list its environments. */
export interface LocalLambdaRuntime extends LambdaRuntime {
  invoke(functionId: string, event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /**
   * Forgets a function (a redeploy removed it): idle environments stop now, busy ones after their
   * invocation; a later `invoke` of it throws. Forgetting an unknown function does nothing.
   */
  deregister(functionId: string): void;
  /** The live environments, of one function or of all. */
  environments(functionId?: string): readonly EnvironmentInfo[];
  /** The account's concurrency in use. */
  concurrency(): ConcurrencyUsage;
  /** Resolves once every retired environment (of replaced or forgotten functions) has stopped. */
  drained(): Promise<void>;
}

/** Everything one runtime holds; the steps below work on it. */
interface RuntimeState {
  readonly options: LambdaRuntimeOptions;
  readonly compileCacheDir: string | false;
  readonly queueTimeoutMs: number;
  /** The deployment each function id runs now. */
  readonly deployments: Map<string, Deployment>;
  readonly pool: EnvironmentPool;
  readonly account: AccountConcurrency;
  /** Invocations in flight (queued or running) per function id, for reserved concurrency. */
  readonly inFlight: Map<string, number>;
  /** One invocation at a time of the function being debugged: the others wait their turn. */
  readonly debugged: AccountConcurrency;
  stopped: boolean;
}

/** How long an invocation of the debugged function may wait for the one paused in the debugger. */
const DEBUG_WAIT_MS = 24 * 60 * 60 * 1000;

const DEFAULT_QUEUE_TIMEOUT_MS = 29_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Lambda's `TooManyRequestsException` message, for either reason. */
const RATE_EXCEEDED = 'Rate Exceeded.';

function contextFor(state: RuntimeState, fn: FunctionSpec): InvocationContext {
  return {
    log: (text, stream = 'stdout', requestId) =>
      state.options.log?.({
        functionId: fn.id,
        text,
        stream,
        ...(requestId === undefined ? {} : { requestId }),
      }),
    stopped: () => state.stopped,
    settled: (requestId, event, result) =>
      state.options.onInvocation?.({ functionId: fn.id, requestId, event, result }),
  };
}

/** Node's flags for an environment of `fn`: the inspector when it is the function being debugged. */
function inspectorArgs(state: RuntimeState, fn: FunctionSpec): string[] {
  const inspect = state.options.inspect;
  return inspect?.functionId === fn.id ? [`--inspect=127.0.0.1:${inspect.port}`] : [];
}

/** A warm environment of the deployment, or a cold-started one, or why the start failed. */
async function environmentFor(
  state: RuntimeState,
  deployment: Deployment,
): Promise<{ environment: ExecutionEnvironment; initDurationMs?: number } | InitFailure> {
  const warm = state.pool.takeIdle(deployment);
  if (warm) return { environment: warm };
  const worker = await bundledWorker();
  if (state.stopped) return { errorType: 'Crash', error: 'The Lambda runtime stopped.' };
  // The caller holds an account slot, so an environment beyond the bound is idle and may go.
  state.pool.makeRoom();
  const context = contextFor(state, deployment.spec);
  const environment: ExecutionEnvironment = state.pool.add(
    new ExecutionEnvironment(deployment, worker, {
      ...state.options,
      execArgv: inspectorArgs(state, deployment.spec),
      output: (text, stream) => context.log(text, stream, environment.requestId),
    }),
  );
  const init = await initialize(environment, state.compileCacheDir, context);
  return 'error' in init ? init : { environment, initDurationMs: init.initDurationMs };
}

/** Back to the pool for the next invocation, unless it is dead, retired, replaced or the runtime stopped. */
function release(state: RuntimeState, environment: ExecutionEnvironment, reusable: boolean): void {
  const current = state.deployments.get(environment.deployment.spec.id);
  if (
    !reusable ||
    state.stopped ||
    environment.retired ||
    environment.dead ||
    current !== environment.deployment
  )
    state.pool.retire(environment);
  else state.pool.park(environment);
}

/** One invocation holding an account slot: an environment, the Invoke phase, the environment back. */
async function run(
  state: RuntimeState,
  deployment: Deployment,
  event: unknown,
  began: number,
): Promise<InvokeResult> {
  const acquired = await environmentFor(state, deployment);
  if ('error' in acquired) {
    return {
      ok: false,
      errorType: acquired.errorType,
      errorMessage: acquired.error,
      durationMs: performance.now() - began,
    };
  }
  const { environment } = acquired;
  const timing =
    acquired.initDurationMs === undefined ? { began } : { began, initDurationMs: acquired.initDurationMs };
  const { result, reusable } = await invokeIn(environment, event, timing, contextFor(state, deployment.spec));
  release(state, environment, reusable);
  return result;
}

function throttled(began: number): InvokeResult {
  return {
    ok: false,
    errorType: 'Throttled',
    errorMessage: RATE_EXCEEDED,
    durationMs: performance.now() - began,
  };
}

/**
 * Reserved concurrency first (Lambda throttles at once over it), then a slot of the account's
 * concurrency (waited for within `maxWaitMs`), then the invocation.
 */
async function invoke(
  state: RuntimeState,
  functionId: string,
  event: unknown,
  options: InvokeOptions,
): Promise<InvokeResult> {
  const began = performance.now();
  if (state.stopped) throw new Error('The Lambda runtime is stopped.');
  const deployment = state.deployments.get(functionId);
  if (!deployment) throw new Error(`No function ${functionId} is registered with the Lambda runtime.`);
  const inFlight = state.inFlight.get(functionId) ?? 0;
  const reserved = deployment.spec.reservedConcurrency;
  if (reserved !== undefined && inFlight >= reserved) return throttled(began);
  state.inFlight.set(functionId, inFlight + 1);
  let debugged = false;
  try {
    if (state.options.inspect?.functionId === functionId) {
      if ((await state.debugged.acquire(DEBUG_WAIT_MS)) !== 'acquired') return throttled(began);
      debugged = true;
    }
    const slot = await state.account.acquire(options.maxWaitMs ?? state.queueTimeoutMs);
    if (slot === 'throttled') return throttled(began);
    if (slot === 'stopped')
      return {
        ok: false,
        errorType: 'Crash',
        errorMessage: 'The Lambda runtime stopped.',
        durationMs: performance.now() - began,
      };
    try {
      return await run(state, deployment, event, began);
    } finally {
      state.account.release();
    }
  } finally {
    if (debugged) state.debugged.release();
    const left = (state.inFlight.get(functionId) ?? 1) - 1;
    if (left === 0) state.inFlight.delete(functionId);
    else state.inFlight.set(functionId, left);
  }
}

function register(state: RuntimeState, fn: FunctionSpec): void {
  if (state.stopped) throw new Error('The Lambda runtime is stopped.');
  const previous = state.deployments.get(fn.id);
  state.deployments.set(fn.id, { spec: fn });
  if (previous) state.pool.retireDeployment(previous);
}

function deregister(state: RuntimeState, functionId: string): void {
  const previous = state.deployments.get(functionId);
  if (!previous) return;
  state.deployments.delete(functionId);
  state.pool.retireDeployment(previous);
}

function environments(state: RuntimeState, functionId?: string): EnvironmentInfo[] {
  const list: EnvironmentInfo[] = [];
  for (const environment of state.pool.all()) {
    const id = environment.deployment.spec.id;
    const pid = environment.child.pid;
    if (environment.dead || pid === undefined) continue;
    if (functionId !== undefined && id !== functionId) continue;
    const status = environment.retired ? 'retired' : state.pool.isIdle(environment) ? 'idle' : 'busy';
    list.push({ functionId: id, pid, state: status });
  }
  return list;
}

async function stop(state: RuntimeState): Promise<void> {
  state.stopped = true;
  state.account.close();
  state.debugged.close();
  const all = state.pool.all();
  for (const environment of all) state.pool.retire(environment);
  await Promise.all(all.map((environment) => environment.exited));
}

/**
 * Runs Lambda functions on this machine as Lambda runs them: one execution environment (a child
 * process of this Node) per concurrent invocation, warm environments reused one event at a time,
 * a cold start when all are busy, reserved concurrency enforced (`Throttled`), the function's
 * timeout enforced by killing the environment (`Timeout`; the next call starts a fresh one), and
 * a crash (`process.exit`, an uncaught error) discarding the environment (`Crash`). The account's
 * concurrency bounds the invocations running and the environments alive: an invocation over it
 * waits for a slot (first in, first out) and is throttled when none frees in time; idle
 * environments stop after `idleTimeoutMs`, and the least recently used idle one makes room for a
 * new one. Each environment sees only its function's variables, what Lambda sets, and the
 * function's own local credentials with `AWS_ENDPOINT_URL` pointing at the local AWS endpoint.
 * Every output line goes to `log`, framed by Lambda's START, END and REPORT lines.
 *
 * @example
 * ```ts
 * const runtime = createLambdaRuntime({
 *   awsEndpoint: aws.url,
 *   region: 'eu-west-1',
 *   credentialsFor: identities.credentialsFor,
 *   concurrency: 8,
 *   log: ({ functionId, text }) => console.log(`[${functionId}] ${text}`),
 * });
 * runtime.register(placeOrder);
 * const result = await runtime.invoke(placeOrder.id, event, { maxWaitMs: 29_000 });
 * if (result.ok) console.log(result.payload);
 * await runtime.stop();
 * ```
 */
export function createLambdaRuntime(options: LambdaRuntimeOptions): LocalLambdaRuntime {
  const limit = options.concurrency ?? defaultConcurrency();
  const state: RuntimeState = {
    options,
    compileCacheDir: options.compileCacheDir ?? join(tmpdir(), 'slice-local-cloud', 'compile-cache'),
    queueTimeoutMs: options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS,
    deployments: new Map(),
    account: new AccountConcurrency(limit),
    pool: new EnvironmentPool({
      maxEnvironments: limit,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    }),
    inFlight: new Map(),
    debugged: new AccountConcurrency(1),
    stopped: false,
  };
  return {
    register: (fn) => register(state, fn),
    deregister: (functionId) => deregister(state, functionId),
    environments: (functionId) => environments(state, functionId),
    concurrency: () => ({ limit, running: state.account.active, queued: state.account.queued }),
    drained: async () => {
      await Promise.all(
        state.pool
          .all()
          .filter((environment) => environment.retired)
          .map((environment) => environment.exited),
      );
    },
    invoke: (functionId, event, invokeOptions = {}) => invoke(state, functionId, event, invokeOptions),
    stop: () => stop(state),
  };
}
