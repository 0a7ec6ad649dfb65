/**
 * One Lambda execution environment: a child process that loads a function's code once and runs
 * one event at a time, as the nodejs24.x runtime does. The runtime (`runtime.ts`) bundles this
 * file with esbuild and forks it; it talks to its parent over IPC only (see `protocol.ts`).
 *
 * Like the managed runtime it prints `console.*` calls as `<time>\t<requestId>\t<LEVEL>\t<message>`
 * and logs a handler's error as `Invoke Error`. Anything else (timeouts, crashes, START/END/REPORT)
 * is the parent's job, because this process may not live to report it.
 */
import { existsSync } from 'node:fs';
import { enableCompileCache, flushCompileCache } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import {
  END_OF_INVOCATION,
  type InitMessage,
  type InvokeMessage,
  type ParentMessage,
  type WorkerMessage,
} from './protocol';

type Handler = (event: unknown, context: object) => unknown;

let handler: Handler | undefined;
let currentRequestId: string | undefined;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

/** Lambda's text log format for `console.*` calls. */
function patchConsole(): void {
  const write =
    (stream: NodeJS.WriteStream, level: string) =>
    (...args: unknown[]): void => {
      stream.write(
        `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args)}\n`,
      );
    };
  console.log = write(process.stdout, 'INFO');
  console.info = write(process.stdout, 'INFO');
  console.debug = write(process.stdout, 'DEBUG');
  console.warn = write(process.stderr, 'WARN');
  console.error = write(process.stderr, 'ERROR');
  console.trace = write(process.stderr, 'TRACE');
}

function describe(error: unknown): { errorType: string; errorMessage: string; stack: string[] } {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, stack: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: format(error), stack: [] };
}

/** Resolves `dir/file.export.path`: the module is everything up to the first dot of the last segment. */
function splitHandler(spec: string): { modulePath: string; exportPath: string[] } {
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === spec.length - 1) {
    throw Object.assign(new Error(`Bad handler ${spec}: expected <file>.<export>`), {
      name: 'Runtime.MalformedHandlerName',
    });
  }
  return { modulePath: spec.slice(0, dot), exportPath: spec.slice(dot + 1).split('.') };
}

async function init(message: InitMessage): Promise<void> {
  const started = performance.now();
  try {
    const { modulePath, exportPath } = splitHandler(message.handler);
    const base = join(message.codeDir, modulePath);
    const file = ['.mjs', '.js', '.cjs']
      .map((extension) => base + extension)
      .find((candidate) => existsSync(candidate));
    if (!file) {
      throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${message.codeDir}`), {
        name: 'Runtime.ImportModuleError',
      });
    }
    // The next environment of the same code reads the compiled code instead of compiling it again.
    if (message.compileCacheDir !== undefined) enableCompileCache(message.compileCacheDir);
    let loaded: unknown;
    try {
      loaded = await import(pathToFileURL(file).href);
    } catch (error) {
      const { errorType, errorMessage } = describe(error);
      throw Object.assign(new Error(`${errorType}: ${errorMessage}`), { name: 'Runtime.ImportModuleError' });
    }
    // Written now: environments are killed, not exited, so the cache would never be written at exit.
    if (message.compileCacheDir !== undefined) flushCompileCache();
    let target: unknown = loaded;
    for (const name of exportPath) {
      const holder = target as Record<string, unknown> | undefined;
      // A CommonJS module's exports may only be reachable through `default`.
      target = holder?.[name] ?? (holder?.default as Record<string, unknown> | undefined)?.[name];
    }
    if (typeof target !== 'function') {
      throw Object.assign(new Error(`${message.handler} is undefined or not exported`), {
        name: 'Runtime.HandlerNotFound',
      });
    }
    handler = target as Handler;
    await send({ type: 'ready', initDurationMs: performance.now() - started });
  } catch (error) {
    const { errorType, errorMessage } = describe(error);
    process.stderr.write(
      `${new Date().toISOString()}\tundefined\tERROR\tInit Error\t${JSON.stringify(describe(error))}\n`,
    );
    await send({ type: 'init-error', errorType, errorMessage });
  }
}

function contextOf(message: InvokeMessage): object {
  const { deadlineMs, ...fields } = message.context;
  const unsupported = (name: string) => (): never => {
    throw new Error(`context.${name}() is not supported: the nodejs24.x runtime runs async handlers only.`);
  };
  return {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

const maxMemoryUsedMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** Lambda's limit on a synchronous invocation's response. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

async function invoke(message: InvokeMessage): Promise<void> {
  const requestId = message.context.awsRequestId;
  currentRequestId = requestId;
  let result: WorkerMessage;
  try {
    if (!handler) throw new Error('The environment received an event before its code was loaded.');
    const answer = await handler(message.event, contextOf(message));
    const payload = JSON.stringify(answer) ?? 'null';
    if (Buffer.byteLength(payload) > MAX_RESPONSE_BYTES) {
      throw Object.assign(
        new Error(
          `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        ),
        { name: 'Function.ResponseSizeTooLarge' },
      );
    }
    result = { type: 'result', requestId, ok: true, payload, maxMemoryUsedMb: maxMemoryUsedMb() };
  } catch (error) {
    const described = describe(error);
    console.error('Invoke Error \t%s', JSON.stringify(described));
    result = {
      type: 'result',
      requestId,
      ok: false,
      errorType: described.errorType,
      errorMessage: described.errorMessage,
      maxMemoryUsedMb: maxMemoryUsedMb(),
    };
  }
  currentRequestId = undefined;
  // The answer goes first: the client's response waits on it, not on the log. The marker follows
  // everything the handler wrote on stdout, so the parent prints END and REPORT after it.
  const sent = send(result);
  process.stdout.write(`${END_OF_INVOCATION}${requestId}\n`);
  await sent;
}

patchConsole();
process.on('message', (received: unknown) => {
  const message = received as ParentMessage;
  if (message.type === 'init') void init(message);
  else void invoke(message);
});
// The runtime went away: so does the environment.
process.on('disconnect', () => process.exit(0));
