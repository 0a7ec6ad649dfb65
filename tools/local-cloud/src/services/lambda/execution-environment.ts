/**
 * One Lambda execution environment: a child process running `worker.ts` for one deployed version
 * of a function, one event at a time, talking to the runtime over IPC (`protocol.ts`).
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { FunctionSpec } from '../../model';
import { type FunctionCredentials, functionEnvironment, logStreamName } from './environment';
import { END_OF_INVOCATION, type InitMessage, type InvokeMessage, type WorkerMessage } from './protocol';

/** How the environment's process ended. */
export type Exit = {
  readonly type: 'exit';
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
};
/** What an exchange with the worker came to: its answer, its exit, or the deadline. */
export type Outcome = WorkerMessage | Exit | { readonly type: 'timeout' };

/** One registered version of a function: a redeploy registers a new one, and the old environments retire. */
export interface Deployment {
  readonly spec: FunctionSpec;
}

/** What an environment needs of the runtime's options to start. */
export interface EnvironmentStartOptions {
  readonly awsEndpoint: string;
  readonly region: string;
  credentialsFor(fn: FunctionSpec): FunctionCredentials;
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Node flags of the environment's process, besides the heap cap (the inspector). @default none */
  readonly execArgv?: readonly string[];
  /** Receives the environment's output lines. */
  readonly output: (text: string, stream: 'stdout' | 'stderr') => void;
}

/** How long END/REPORT wait for the handler's last output before they are printed anyway. */
export const LOG_FLUSH_GRACE_MS = 500;

/** One execution environment: a child process running `worker.ts`, one event at a time. */
export class ExecutionEnvironment {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  readonly logStreamName = logStreamName();
  /** Retired environments finish their invocation and stop. */
  retired = false;
  /** The invocation running now, from its START until its REPORT: its output lines carry it. */
  requestId: string | undefined;
  lastMaxMemoryMb = 0;
  /** Resolves once the last invocation's END and REPORT are logged: the next START waits for it. */
  logged: Promise<void> = Promise.resolve();
  private waiter: ((outcome: Outcome) => void) | undefined;
  private readonly markersSeen = new Set<string>();
  private readonly markerWaiters = new Map<string, () => void>();
  private readonly streamsClosed: Promise<void>;

  constructor(
    readonly deployment: Deployment,
    workerFile: string,
    options: EnvironmentStartOptions,
  ) {
    const fn = deployment.spec;
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
      execArgv: [
        ...(ownNodeOptions.includes('max-old-space-size') ? [] : [`--max-old-space-size=${heapMb}`]),
        ...(options.execArgv ?? []),
      ],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ type: 'exit', code, signal }));
      // Spawning failed (a missing code folder, say): there will be no `exit`.
      this.child.on('error', (error) => {
        if (this.child.pid === undefined) {
          options.output(`The environment could not start: ${error.message}`, 'stderr');
          resolve({ type: 'exit', code: null, signal: null });
        }
      });
    });
    this.child.on('message', (message: unknown) => this.waiter?.(message as WorkerMessage));
    void this.exited.then((exit) => this.waiter?.(exit));
    this.streamsClosed = Promise.all([
      readLines(this.child.stdout, (line) => this.onStdout(line, (text) => options.output(text, 'stdout'))),
      readLines(this.child.stderr, (text) => options.output(text, 'stderr')),
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

/** Lambda's wording of an environment whose process ended. */
export function exitMessage(exit: Exit): string {
  return exit.signal
    ? `Runtime exited with error: signal: ${exit.signal}`
    : `Runtime exited with error: exit status ${exit.code ?? 'unknown'}`;
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
