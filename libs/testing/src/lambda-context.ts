import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** What {@link lambdaContext} builds a Lambda context from. */
export interface LambdaContextOptions {
  /** @default 'slice-local-function' */
  readonly functionName?: string;
  /** @default '$LATEST' */
  readonly functionVersion?: string;
  /** The function's timeout, from which `getRemainingTimeInMillis` counts down. @default 3000 */
  readonly timeoutMs?: number;
  /** @default 128 */
  readonly memoryLimitInMB?: number;
  /** @default a random UUID */
  readonly awsRequestId?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /** @default the function's `$LATEST` stream for today, as Lambda names it */
  readonly logStreamName?: string;
  /** The clock the deadline is measured with, in epoch milliseconds. @default `Date.now` */
  readonly now?: () => number;
}

const notSupported = (name: string) => (): never => {
  throw new Error(
    `context.${name}() is not supported: the nodejs24.x runtime runs async handlers only, so return a value or throw.`,
  );
};

/**
 * A Lambda `Context` like the one the nodejs24.x runtime passes: ARN, log group and stream named
 * as Lambda names them, and a `getRemainingTimeInMillis` that counts down from the timeout with
 * the clock (and stops at 0). `done`, `fail` and `succeed` throw: the runtime no longer supports
 * them. Free of any test framework, so the local cloud's workers build their contexts with it.
 *
 * @example
 * ```ts
 * let now = 0;
 * const context = lambdaContext({ functionName: 'orders-placeOrder', timeoutMs: 6000, now: () => now });
 * now += 1500;
 * context.getRemainingTimeInMillis(); // 4500
 * ```
 */
export function lambdaContext(options: LambdaContextOptions = {}): Context {
  const now = options.now ?? Date.now;
  const functionName = options.functionName ?? 'slice-local-function';
  const functionVersion = options.functionVersion ?? '$LATEST';
  const deadline = now() + (options.timeoutMs ?? 3000);
  const today = new Date(now()).toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion,
    invokedFunctionArn: `arn:aws:lambda:${options.region ?? 'us-east-1'}:${options.accountId ?? '123456789012'}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 128),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: options.logStreamName ?? `${today}/[${functionVersion}]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: notSupported('done'),
    fail: notSupported('fail'),
    succeed: notSupported('succeed'),
  };
}
