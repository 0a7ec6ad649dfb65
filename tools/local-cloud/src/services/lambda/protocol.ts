/**
 * The messages between the runtime (parent) and an execution environment (the worker child
 * process), over Node's IPC channel. Types only: the worker imports them with `import type`, so
 * it stays a standalone script.
 */

/** Loads the function's code: sent once, right after the environment starts. */
export interface InitMessage {
  readonly type: 'init';
  /** Absolute path of the function's code. */
  readonly codeDir: string;
  /** `index.handler`, `src/handlers/get-order.handler`. */
  readonly handler: string;
  /** Where V8 keeps the compiled code between environments (`module.enableCompileCache`); none: compile every time. */
  readonly compileCacheDir?: string;
}

/** What the handler's `context` is built from in the worker. */
export interface InvokeContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Epoch milliseconds at which the runtime kills the environment. */
  readonly deadlineMs: number;
}

/** Runs one event. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly event: unknown;
  readonly context: InvokeContext;
}

/** Parent to worker. */
export type ParentMessage = InitMessage | InvokeMessage;

/** The code loaded and the handler found. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly initDurationMs: number;
}

/** The code failed to load or has no such handler; the environment is discarded. */
export interface InitErrorMessage {
  readonly type: 'init-error';
  /** `Runtime.ImportModuleError`, `Runtime.HandlerNotFound`, or the error's name. */
  readonly errorType: string;
  readonly errorMessage: string;
}

/** The outcome of one invocation. */
export type ResultMessage =
  | {
      readonly type: 'result';
      readonly requestId: string;
      readonly ok: true;
      /** The handler's answer serialized as Lambda does (`JSON.stringify`; `undefined` becomes `null`). */
      readonly payload: string;
      readonly maxMemoryUsedMb: number;
    }
  | {
      readonly type: 'result';
      readonly requestId: string;
      readonly ok: false;
      /** The error's `name` (`Error`, `TypeError`, `OrderNotFound`...). */
      readonly errorType: string;
      readonly errorMessage: string;
      readonly maxMemoryUsedMb: number;
    };

/** Worker to parent. */
export type WorkerMessage = ReadyMessage | InitErrorMessage | ResultMessage;

/**
 * Written by the worker on stdout after each invocation, once the handler's own output is
 * flushed: the runtime prints END and REPORT after it, so they follow the handler's log lines.
 */
export const END_OF_INVOCATION = '\u0000slice-local-cloud:end-of-invocation:';
