import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { build } from 'esbuild';
import type { FunctionSpec, InvokeResult, LambdaRuntime } from '../../model';
import { type FunctionCredentials, functionEnvironment, logGroupName, logStreamName } from './environment';
import { END_OF_INVOCATION, type InitMessage, type InvokeMessage, type WorkerMessage } from './protocol';

/** One line a function (or the runtime on its behalf) wrote to its log. */
export interface FunctionLogLine {
  /** The {@link FunctionSpec.id} of the function. */
  readonly functionId: string;
  readonly text: string;
  readonly stream: 'stdout' | 'stderr';
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
}

/** One execution environment, as {@link LocalLambdaRuntime.environments} lists it. */
export interface EnvironmentInfo {
  readonly functionId: string;
  /** The process id of the environment's child process. */
  readonly pid: number;
  /** `idle`: warm and waiting; `busy`: running an invocation; `retired`: finishing its last one. */
  readonly state: 'idle' | 'busy' | 'retired';
}

/** The local runtime: a {@link LambdaRuntime} that can also forget a function and list its environments. */
export interface LocalLambdaRuntime extends LambdaRuntime {
  /**
   * Forgets a function (a redeploy removed it): idle environments stop now, busy ones after their
   * invocation; a later `invoke` of it throws. Forgetting an unknown function does nothing.
   */
  deregister(functionId: string): void;
  /** The live environments, of one function or of all. */
  environments(functionId?: string): readonly EnvironmentInfo[];
  /** Resolves once every retired environment (of replaced or forgotten functions) has stopped. */
  drained(): Promise<void>;
}

/** Lambda's limit on the init phase of an on-demand environment. */
const INIT_TIMEOUT_MS = 10_000;
/** How long END/REPORT wait for the handler's last output before they are printed anyway. */
const LOG_FLUSH_GRACE_MS = 500;

type Exit = { readonly type: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null };
type Outcome = WorkerMessage | Exit | { readonly type: 'timeout' };

interface FunctionState {
  readonly spec: FunctionSpec;
  /** Idle environments, the most recently used last. */
  readonly idle: Environment[];
}

/** One execution environment: a child process running `worker.ts`, one event at a time. */
class Environment {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  readonly logStreamName = logStreamName();
  /** Retired environments finish their invocation and stop. */
  retired = false;
  lastMaxMemoryMb = 0;
  private waiter: ((outcome: Outcome) => void) | undefined;
  private readonly markersSeen = new Set<string>();
  private readonly markerWaiters = new Map<string, () => void>();
  private readonly streamsClosed: Promise<void>;

  constructor(
    readonly state: FunctionState,
    workerFile: string,
    options: LambdaRuntimeOptions,
  ) {
    const fn = state.spec;
    const heapMb = Math.floor(fn.memoryMb * 0.9);
    const ownNodeOptions = fn.environment.NODE_OPTIONS ?? '';
    this.child = fork(workerFile, [], {
      cwd: fn.codeDir,
      env: functionEnvironment(fn, {
        awsEndpoint: options.awsEndpoint,
        region: options.region,
        credentials: options.credentialsFor(fn),
        logStreamName: this.logStreamName,
        ...(options.extraEnv === undefined ? {} : { extraEnv: options.extraEnv }),
      }),
      execPath: process.execPath,
      // The heap is capped near the function's memory, so a leak fails here as it fails on Lambda.
      execArgv: ownNodeOptions.includes('max-old-space-size') ? [] : [`--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ type: 'exit', code, signal }));
      // Spawning failed (a missing code folder, say): there will be no `exit`.
      this.child.on('error', (error) => {
        if (this.child.pid === undefined) {
          options.log?.({
            functionId: fn.id,
            text: `The environment could not start: ${error.message}`,
            stream: 'stderr',
          });
          resolve({ type: 'exit', code: null, signal: null });
        }
      });
    });
    this.child.on('message', (message: unknown) => this.waiter?.(message as WorkerMessage));
    void this.exited.then((exit) => this.waiter?.(exit));
    const emit = (stream: 'stdout' | 'stderr') => (text: string) =>
      options.log?.({ functionId: fn.id, text, stream });
    this.streamsClosed = Promise.all([
      readLines(this.child.stdout, (line) => this.onStdout(line, emit('stdout'))),
      readLines(this.child.stderr, emit('stderr')),
    ]).then(() => undefined);
  }

  get dead(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined;
  }

  /** Sends a message and waits for the worker's answer, its exit, or the deadline. */
  exchange(message: InitMessage | InvokeMessage, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish({ type: 'timeout' }), timeoutMs);
      const finish = (outcome: Outcome) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(outcome);
      };
      this.waiter = finish;
      if (this.dead)
        return finish({ type: 'exit', code: this.child.exitCode, signal: this.child.signalCode });
      this.child.send(message, (error) => {
        if (error) this.kill();
      });
    });
  }

  kill(): void {
    if (!this.dead) this.child.kill('SIGKILL');
  }

  /** Resolves once the handler's output of `requestId` has been logged (or after a grace period). */
  flushed(requestId: string): Promise<void> {
    if (this.dead) return this.streamsClosed;
    if (this.markersSeen.delete(requestId)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.markerWaiters.delete(requestId);
        resolve();
      };
      const timer = setTimeout(done, LOG_FLUSH_GRACE_MS);
      this.markerWaiters.set(requestId, done);
      void this.streamsClosed.then(done);
    });
  }

  /** Output after the process died, read to its end. */
  drained(): Promise<void> {
    return Promise.race([this.streamsClosed, delay(LOG_FLUSH_GRACE_MS)]);
  }

  private onStdout(line: string, emit: (text: string) => void): void {
    const at = line.indexOf(END_OF_INVOCATION);
    if (at === -1) return emit(line);
    // The handler's last line may lack its newline: it precedes the marker.
    if (at > 0) emit(line.slice(0, at));
    const requestId = line.slice(at + END_OF_INVOCATION.length);
    const waiter = this.markerWaiters.get(requestId);
    if (waiter) waiter();
    else this.markersSeen.add(requestId);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Calls `onLine` for each line of a stream; resolves when it ends. */
function readLines(stream: Readable | null, onLine: (line: string) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        onLine(buffered.slice(0, newline).replace(/\r$/, ''));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
    const end = () => {
      if (buffered.length > 0) onLine(buffered);
      buffered = '';
      resolve();
    };
    stream.once('end', end);
    stream.once('close', end);
    stream.on('error', end);
  });
}

let workerFile: Promise<string> | undefined;

/**
 * The worker bundled to plain JavaScript once per process: Node would otherwise strip its types at
 * every cold start, which costs more than the rest of the start.
 */
function bundledWorker(): Promise<string> {
  workerFile ??= (async () => {
    const { outputFiles } = await build({
      entryPoints: [join(__dirname, 'worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      write: false,
      logLevel: 'silent',
    });
    const code = outputFiles[0]?.text;
    if (code === undefined) throw new Error('Bundling the Lambda worker produced no output.');
    const dir = join(tmpdir(), 'slice-local-cloud');
    const file = join(
      dir,
      `lambda-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`,
    );
    if (!existsSync(file)) {
      await mkdir(dir, { recursive: true });
      // Written aside and renamed: other processes may be starting the same worker.
      const partial = `${file}.${process.pid}.${randomUUID()}`;
      await writeFile(partial, code);
      await rename(partial, file);
    }
    return file;
  })();
  workerFile.catch(() => (workerFile = undefined));
  return workerFile;
}

function timeoutMessage(fn: FunctionSpec): string {
  return `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`;
}

function exitMessage(exit: Exit): string {
  return exit.signal
    ? `Runtime exited with error: signal: ${exit.signal}`
    : `Runtime exited with error: exit status ${exit.code ?? 'unknown'}`;
}

/**
 * Runs Lambda functions on this machine as Lambda runs them: one execution environment (a child
 * process of this Node) per concurrent invocation, warm environments reused one event at a time,
 * a cold start when all are busy, reserved concurrency enforced (`Throttled`), the function's
 * timeout enforced by killing the environment (`Timeout`; the next call starts a fresh one), and
 * a crash (`process.exit`, an uncaught error) discarding the environment (`Crash`). Each
 * environment sees only its function's variables, what Lambda sets, and the function's own local
 * credentials with `AWS_ENDPOINT_URL` pointing at the local AWS endpoint. Every output line goes
 * to `log`, framed by Lambda's START, END and REPORT lines.
 *
 * @example
 * ```ts
 * const runtime = createLambdaRuntime({
 *   awsEndpoint: aws.url,
 *   region: 'eu-west-1',
 *   credentialsFor: identities.credentialsFor,
 *   log: ({ functionId, text }) => console.log(`[${functionId}] ${text}`),
 * });
 * runtime.register(placeOrder);
 * const result = await runtime.invoke(placeOrder.id, event);
 * if (result.ok) console.log(result.payload);
 * await runtime.stop();
 * ```
 */
export function createLambdaRuntime(options: LambdaRuntimeOptions): LocalLambdaRuntime {
  const functions = new Map<string, FunctionState>();
  const environments = new Set<Environment>();
  const running = new Map<string, number>();
  const compileCacheDir = options.compileCacheDir ?? join(tmpdir(), 'slice-local-cloud', 'compile-cache');
  let stopped = false;

  const log = (fn: FunctionSpec, text: string, stream: 'stdout' | 'stderr' = 'stdout') =>
    options.log?.({ functionId: fn.id, text, stream });

  const retire = (environment: Environment) => {
    environment.retired = true;
    environment.kill();
  };

  /** Idle environments of a replaced or forgotten function stop now; busy ones after their invocation. */
  const retireAll = (state: FunctionState) => {
    for (const environment of state.idle.splice(0)) retire(environment);
    for (const environment of environments) if (environment.state === state) environment.retired = true;
  };

  const release = (environment: Environment) => {
    const current = functions.get(environment.state.spec.id);
    if (stopped || environment.retired || environment.dead || current !== environment.state)
      retire(environment);
    else environment.state.idle.push(environment);
  };

  const start = (state: FunctionState, worker: string) => {
    const environment = new Environment(state, worker, options);
    environments.add(environment);
    void environment.exited.then(() => {
      environments.delete(environment);
      const idle = environment.state.idle.indexOf(environment);
      if (idle !== -1) environment.state.idle.splice(idle, 1);
    });
    return environment;
  };

  /**
   * Starts an environment and loads the code; answers the init duration, or why it failed: the
   * code's own error (`Error`), the init limit (`Timeout`) or the process dying (`Crash`).
   */
  const coldStart = async (
    state: FunctionState,
  ): Promise<
    | { environment: Environment; initDurationMs: number }
    | { errorType: 'Error' | 'Timeout' | 'Crash'; error: string }
  > => {
    const worker = await bundledWorker();
    if (stopped) return { errorType: 'Crash', error: 'The Lambda runtime stopped.' };
    const environment = start(state, worker);
    const started = performance.now();
    const outcome = await environment.exchange(
      {
        type: 'init',
        codeDir: state.spec.codeDir,
        handler: state.spec.handler,
        ...(compileCacheDir === false ? {} : { compileCacheDir }),
      },
      INIT_TIMEOUT_MS,
    );
    if (outcome.type === 'ready') return { environment, initDurationMs: performance.now() - started };
    environment.kill();
    // The worker logged its own init error; the other failures are logged here.
    if (outcome.type === 'init-error') {
      return { errorType: 'Error', error: `${outcome.errorType}: ${outcome.errorMessage}` };
    }
    const failure =
      outcome.type === 'timeout'
        ? {
            errorType: 'Timeout' as const,
            error: `Init timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds`,
          }
        : outcome.type === 'exit'
          ? {
              errorType: 'Crash' as const,
              error: stopped ? 'The Lambda runtime stopped.' : `Init failed: ${exitMessage(outcome)}`,
            }
          : {
              errorType: 'Crash' as const,
              error: `Init failed: the environment answered out of turn (${outcome.type})`,
            };
    await environment.drained();
    log(state.spec, `${new Date().toISOString()}\tundefined\tERROR\t${failure.error}`, 'stderr');
    return failure;
  };

  const run = async (state: FunctionState, event: unknown, began: number): Promise<InvokeResult> => {
    const fn = state.spec;
    let environment = state.idle.pop();
    let initDurationMs: number | undefined;
    if (!environment) {
      const started = await coldStart(state);
      if ('error' in started) {
        return {
          ok: false,
          errorType: started.errorType,
          errorMessage: started.error,
          durationMs: performance.now() - began,
        };
      }
      ({ environment, initDurationMs } = started);
    }
    const requestId = randomUUID();
    const timeoutMs = fn.timeoutSeconds * 1000;
    log(fn, `START RequestId: ${requestId} Version: $LATEST`);
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
    const durationMs = performance.now() - began;

    let result: InvokeResult;
    let status = '';
    let flushed: Promise<void>;
    if (outcome.type === 'result' && outcome.requestId === requestId) {
      environment.lastMaxMemoryMb = outcome.maxMemoryUsedMb;
      result = outcome.ok
        ? {
            ok: true,
            payload: JSON.parse(outcome.payload) as unknown,
            durationMs,
            coldStart: initDurationMs !== undefined,
          }
        : { ok: false, errorType: 'Error', errorMessage: outcome.errorMessage, durationMs };
      flushed = environment.flushed(requestId);
      release(environment);
    } else if (outcome.type === 'timeout') {
      retire(environment);
      flushed = environment.drained();
      await flushed;
      log(fn, `${new Date().toISOString()} ${requestId} ${timeoutMessage(fn)}`);
      status = '\tStatus: timeout';
      result = { ok: false, errorType: 'Timeout', errorMessage: timeoutMessage(fn), durationMs };
    } else {
      retire(environment);
      const message =
        outcome.type === 'exit'
          ? stopped
            ? 'The Lambda runtime stopped.'
            : exitMessage(outcome)
          : `The environment answered out of turn (${outcome.type})`;
      flushed = environment.drained();
      await flushed;
      log(fn, `RequestId: ${requestId} Error: ${message}`, 'stderr');
      status = '\tStatus: error\tError Type: Runtime.ExitError';
      result = { ok: false, errorType: 'Crash', errorMessage: message, durationMs };
    }

    const billed = Math.ceil(duration + (initDurationMs ?? 0));
    const report =
      `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms` +
      `\tMemory Size: ${fn.memoryMb} MB\tMax Memory Used: ${environment.lastMaxMemoryMb} MB` +
      (initDurationMs === undefined ? '' : `\tInit Duration: ${initDurationMs.toFixed(2)} ms`) +
      status;
    void flushed.then(() => {
      log(fn, `END RequestId: ${requestId}`);
      log(fn, report);
    });
    return result;
  };

  return {
    register(fn) {
      if (stopped) throw new Error('The Lambda runtime is stopped.');
      const previous = functions.get(fn.id);
      functions.set(fn.id, { spec: fn, idle: [] });
      if (previous) retireAll(previous);
    },

    deregister(functionId) {
      const previous = functions.get(functionId);
      if (!previous) return;
      functions.delete(functionId);
      retireAll(previous);
    },

    environments(functionId) {
      const list: EnvironmentInfo[] = [];
      for (const environment of environments) {
        const id = environment.state.spec.id;
        if (environment.dead || environment.child.pid === undefined) continue;
        if (functionId !== undefined && id !== functionId) continue;
        list.push({
          functionId: id,
          pid: environment.child.pid,
          state: environment.retired
            ? 'retired'
            : environment.state.idle.includes(environment)
              ? 'idle'
              : 'busy',
        });
      }
      return list;
    },

    async drained() {
      await Promise.all(
        [...environments]
          .filter((environment) => environment.retired)
          .map((environment) => environment.exited),
      );
    },

    async invoke(functionId, event) {
      const began = performance.now();
      if (stopped) throw new Error('The Lambda runtime is stopped.');
      const state = functions.get(functionId);
      if (!state) throw new Error(`No function ${functionId} is registered with the Lambda runtime.`);
      const active = running.get(functionId) ?? 0;
      const reserved = state.spec.reservedConcurrency;
      if (reserved !== undefined && active >= reserved) {
        return {
          ok: false,
          errorType: 'Throttled',
          errorMessage: 'Rate Exceeded.',
          durationMs: performance.now() - began,
        };
      }
      running.set(functionId, active + 1);
      try {
        return await run(state, event, began);
      } finally {
        const left = (running.get(functionId) ?? 1) - 1;
        if (left === 0) running.delete(functionId);
        else running.set(functionId, left);
      }
    },

    async stop() {
      stopped = true;
      const all = [...environments];
      for (const environment of all) retire(environment);
      for (const state of functions.values()) state.idle.length = 0;
      await Promise.all(all.map((environment) => environment.exited));
    },
  };
}
