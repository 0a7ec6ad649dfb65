import { randomBytes } from 'node:crypto';
import { devNull } from 'node:os';
import type { FunctionSpec } from '../../model';

/** The local credentials of one function: every AWS call it makes is attributed to it. */
export interface FunctionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What {@link functionEnvironment} needs besides the function. */
export interface FunctionEnvironmentOptions {
  /** The local AWS endpoint every SDK client of the function talks to (`AWS_ENDPOINT_URL`). */
  readonly awsEndpoint: string;
  readonly region: string;
  readonly credentials: FunctionCredentials;
  /** The execution environment's log stream (see {@link logStreamName}). */
  readonly logStreamName: string;
  /** Variables the local cloud adds to every function, over the function's own. */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** The `PATH` the function sees. @default the host's `PATH` */
  readonly path?: string;
}

/**
 * The runtime identifier Lambda sets in `AWS_EXECUTION_ENV` for the nodejs24.x runtime.
 *
 * @example
 * ```ts
 * EXECUTION_ENV; // 'AWS_Lambda_nodejs24.x'
 * ```
 */
export const EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';

/**
 * The complete environment of one execution environment of `fn`, built from nothing: the
 * function's own variables, `extraEnv`, what Lambda sets (region, function name, memory, version,
 * log group and stream, `AWS_EXECUTION_ENV`, `LAMBDA_TASK_ROOT`, `_HANDLER`, `TZ`), the function's
 * local credentials (no session token) and `AWS_ENDPOINT_URL`. Nothing of the host leaks in but
 * `PATH`: no host credentials, profiles or config files (`AWS_CONFIG_FILE` and
 * `AWS_SHARED_CREDENTIALS_FILE` point at the null device). X-Ray has no trace id
 * (`_X_AMZN_TRACE_ID` unset) and ignores the missing context, so the tracer is a no-op.
 *
 * @example
 * ```ts
 * const env = functionEnvironment(fn, {
 *   awsEndpoint: 'http://127.0.0.1:4566',
 *   region: 'eu-west-1',
 *   credentials: { accessKeyId: 'AKIALOCAL0000000001', secretAccessKey: 'local' },
 *   logStreamName: logStreamName(),
 * });
 * env.AWS_LAMBDA_FUNCTION_NAME; // fn.functionName
 * ```
 */
export function functionEnvironment(
  fn: FunctionSpec,
  options: FunctionEnvironmentOptions,
): Record<string, string> {
  const host = options.path ?? process.env.PATH;
  return {
    ...(host === undefined ? {} : { PATH: host }),
    LANG: 'en_US.UTF-8',
    ...fn.environment,
    ...options.extraEnv,
    // What Lambda sets; a function cannot override these there either.
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn),
    AWS_LAMBDA_LOG_STREAM_NAME: options.logStreamName,
    AWS_EXECUTION_ENV: EXECUTION_ENV,
    LAMBDA_TASK_ROOT: fn.codeDir,
    _HANDLER: fn.handler,
    TZ: ':UTC',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    AWS_ENDPOINT_URL: options.awsEndpoint,
    AWS_CONFIG_FILE: devNull,
    AWS_SHARED_CREDENTIALS_FILE: devNull,
  };
}

/**
 * The log group Lambda writes a function's logs to by default.
 *
 * @example
 * ```ts
 * logGroupName(fn); // '/aws/lambda/SliceOrders-dev-PlaceOrder'
 * ```
 */
export function logGroupName(fn: Pick<FunctionSpec, 'functionName'>): string {
  return `/aws/lambda/${fn.functionName}`;
}

/**
 * A log stream name as Lambda gives each execution environment: the date, the version and a
 * random id.
 *
 * @example
 * ```ts
 * logStreamName(new Date('2025-03-01T10:00:00Z')); // '2025/03/01/[$LATEST]9f0c…' (32 hex digits)
 * ```
 */
export function logStreamName(now: Date = new Date()): string {
  return `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
