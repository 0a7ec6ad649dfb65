/**
 * Lambda's `Invoke` API (`POST /2015-03-31/functions/{FunctionName}/invocations`, REST-JSON) as a
 * service of the local AWS endpoint: what a function's SDK client reaches when it invokes another
 * function, with Lambda's IAM action, answers and errors, run by the local runtime.
 */
import { AwsError } from '../../endpoint/errors';
import type { FunctionSpec, InvokeResult } from '../../model';
import type { AwsProtocol, AwsService, RawAnswer, ServiceCall } from '../service';
import type { LocalLambdaRuntime } from './runtime';
import { functionIdFor } from './stream-event-sources';

/** Lambda's limit on a synchronous invocation's request payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** What a throttled caller is told to wait, in seconds (Lambda's `Retry-After`). */
const RETRY_AFTER_SECONDS = 1;

const INVOCATIONS_PATH = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(?:\?(.*))?$/;

/** Lambda's `TooManyRequestsException`: 429, with the reason and the `Retry-After` header. */
export class TooManyRequestsException extends AwsError {
  constructor(
    readonly reason:
      'ConcurrentInvocationLimitExceeded' | 'ReservedFunctionConcurrentInvocationLimitExceeded',
  ) {
    super(429, 'TooManyRequestsException', 'Rate Exceeded.');
  }
}

/**
 * Lambda's REST-JSON protocol for `Invoke`: the operation and function from the path, the payload
 * the body as is; an error is its type in `x-amzn-ErrorType` and `{Type, message}` in the body.
 */
export const lambdaProtocol: AwsProtocol = {
  read({ method, url, headers, body }) {
    const match = INVOCATIONS_PATH.exec(url);
    if (method !== 'POST' || !match) return { operation: '', input: { url } };
    const qualifier = new URLSearchParams(match[2] ?? '').get('Qualifier');
    const invocationType = headers['x-amz-invocation-type'];
    return {
      operation: 'Invoke',
      input: {
        FunctionName: decodeURIComponent(match[1] ?? ''),
        ...(qualifier === null ? {} : { Qualifier: qualifier }),
        InvocationType: typeof invocationType === 'string' ? invocationType : 'RequestResponse',
        Payload: body,
      },
    };
  },
  write(status, body) {
    const bytes = Buffer.from(JSON.stringify(body));
    return { status, headers: { 'content-type': 'application/json' }, body: bytes };
  },
  error(error) {
    const fields =
      error instanceof TooManyRequestsException
        ? { Reason: error.reason, Type: 'User', message: error.message }
        : { Type: error.status >= 500 ? 'Service' : 'User', message: error.message };
    const bytes = Buffer.from(JSON.stringify(fields));
    return {
      status: error.status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-ErrorType': error.type,
        ...(error instanceof TooManyRequestsException ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}),
      },
      body: bytes,
    };
  },
  commonErrorType: (name) => name,
};

/**
 * The function a `FunctionName` (name, `name:qualifier`, ARN or partial ARN) names; Lambda's 404
 * for none. A qualifier runs the deployed code: the local cloud deploys one version of each function.
 */
function targetOf(options: LambdaInvokeServiceOptions, name: string): FunctionSpec {
  const functions = options.functions();
  const id = functionIdFor(name, functions);
  const fn = id === undefined ? undefined : functions.find((candidate) => candidate.id === id);
  if (!fn) {
    const arn = name.startsWith('arn:')
      ? name
      : name.includes(':function:')
        ? `arn:aws:lambda:${options.region}:${name}`
        : `arn:aws:lambda:${options.region}:${options.accountId}:function:${name}`;
    throw new AwsError(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
  }
  return fn;
}

/** The `:qualifier` of the ARN IAM checks: the `Qualifier` parameter, or the one in the name (`name:live`). */
function qualifierOf(name: string, parameter: unknown): string {
  if (typeof parameter === 'string' && parameter !== '') return `:${parameter}`;
  const parts = name.split(':');
  const inName = parts[0] === 'arn' ? parts[7] : parts[1] === 'function' ? parts[3] : parts[1];
  return inName === undefined ? '' : `:${inName}`;
}

/** A function's failure as `Invoke` answers it: 200, `X-Amz-Function-Error: Unhandled`, Lambda's error object. */
function functionError(result: Exclude<InvokeResult, { ok: true }>): RawAnswer {
  const errorType =
    result.errorType === 'Crash'
      ? 'Runtime.ExitError'
      : result.errorType === 'Timeout'
        ? 'Sandbox.Timedout'
        : (result.handlerErrorType ?? 'Error');
  const body = Buffer.from(JSON.stringify({ errorType, errorMessage: result.errorMessage }));
  return {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'x-amz-function-error': 'Unhandled',
      'x-amz-executed-version': '$LATEST',
    },
    body,
  };
}

/** Runs the invocation and writes its answer as Lambda does. */
async function invokeAnswer(
  runtime: LocalLambdaRuntime,
  fn: FunctionSpec,
  event: unknown,
): Promise<RawAnswer> {
  const result = await runtime.invoke(fn.id, event);
  if (result.ok) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' },
      body: Buffer.from(JSON.stringify(result.payload) ?? 'null'),
    };
  }
  if (result.errorType !== 'Throttled') return functionError(result);
  throw new TooManyRequestsException(
    fn.reservedConcurrency === undefined
      ? 'ConcurrentInvocationLimitExceeded'
      : 'ReservedFunctionConcurrentInvocationLimitExceeded',
  );
}

function payloadOf(bytes: Buffer): unknown {
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    throw new AwsError(
      413,
      'RequestTooLargeException',
      `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
    );
  }
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new AwsError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
}

/** `Invoke` of `input` for a caller: `lambda:InvokeFunction` on the function's ARN, then the invocation. */
function invokeCall(
  options: LambdaInvokeServiceOptions,
  input: Readonly<Record<string, unknown>>,
): ServiceCall {
  const name = typeof input.FunctionName === 'string' ? input.FunctionName : '';
  const fn = targetOf(options, name);
  const qualifier = qualifierOf(name, input.Qualifier);
  const invocationType = input.InvocationType;
  if (invocationType !== 'RequestResponse' && invocationType !== 'DryRun') {
    throw new AwsError(
      400,
      'InvalidParameterValueException',
      invocationType === 'Event'
        ? 'The local cloud runs asynchronous invocations from EventBridge rules only; invoke with RequestResponse.'
        : `Unsupported invocation type: ${String(invocationType)}`,
    );
  }
  const event = payloadOf(Buffer.isBuffer(input.Payload) ? input.Payload : Buffer.alloc(0));
  return {
    permissions: [{ action: 'lambda:InvokeFunction', resources: [`${fn.arn}${qualifier}`] }],
    answer: () =>
      invocationType === 'DryRun'
        ? { kind: 'raw', status: 204, headers: {}, body: Buffer.alloc(0) }
        : invokeAnswer(options.runtime, fn, event).then((answer) => ({ kind: 'raw' as const, ...answer })),
  };
}

/** What {@link createLambdaInvokeService} runs invocations with. */
export interface LambdaInvokeServiceOptions {
  readonly runtime: LocalLambdaRuntime;
  readonly region: string;
  readonly accountId: string;
  /** The functions deployed now. */
  readonly functions: () => readonly FunctionSpec[];
}

/**
 * Lambda's `Invoke` behind the local AWS endpoint: `RequestResponse` runs the function in the
 * local runtime (a function error answers 200 with `X-Amz-Function-Error: Unhandled`; a throttle
 * answers 429 `TooManyRequestsException` with its reason and `Retry-After`), `DryRun` checks the
 * function and the caller's `lambda:InvokeFunction` and answers 204.
 *
 * @example
 * ```ts
 * const lambda = createLambdaInvokeService({ runtime, region, accountId, functions: () => model.functions });
 * endpoint.services.register(lambda);
 * // a function's LambdaClient: new InvokeCommand({ FunctionName: 'menu-get-item', Payload })
 * ```
 */
export function createLambdaInvokeService(options: LambdaInvokeServiceOptions): AwsService {
  return {
    signingName: 'lambda',
    protocol: lambdaProtocol,
    describe: 'Lambda Invoke',
    call(request) {
      if (request.operation !== 'Invoke') {
        throw new AwsError(
          400,
          'UnknownOperationException',
          `The local cloud serves Lambda's Invoke only, not ${request.raw.method} ${request.raw.url}.`,
        );
      }
      return invokeCall(options, request.input);
    },
    // The runtime takes redeployed functions itself (`register`); `functions` reads the new model.
    update: () => Promise.resolve({}),
    stop: () => Promise.resolve(),
  };
}
