import type { Context } from 'aws-lambda';
import { invoke, lambdaContext } from '../src';

describe('lambdaContext', () => {
  it('counts the remaining time down from the timeout with the clock', () => {
    let now = 1_000_000;
    const context = lambdaContext({ timeoutMs: 6000, now: () => now });

    expect(context.getRemainingTimeInMillis()).toBe(6000);
    now += 1500;
    expect(context.getRemainingTimeInMillis()).toBe(4500);
    now += 4500;
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('never reports negative time after the deadline', () => {
    let now = 0;
    const context = lambdaContext({ timeoutMs: 100, now: () => now });

    now = 5000;

    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('defaults to a three-second timeout', () => {
    const context = lambdaContext({ now: () => 42 });

    expect(context.getRemainingTimeInMillis()).toBe(3000);
  });

  it('names the function, its ARN and its logs as Lambda does', () => {
    const context = lambdaContext({
      functionName: 'orders-placeOrder',
      region: 'eu-west-1',
      accountId: '111122223333',
      memoryLimitInMB: 512,
      awsRequestId: 'req-1',
      now: () => Date.UTC(2025, 0, 9),
    });

    expect(context).toMatchObject({
      functionName: 'orders-placeOrder',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:orders-placeOrder',
      memoryLimitInMB: '512',
      awsRequestId: 'req-1',
      logGroupName: '/aws/lambda/orders-placeOrder',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.logStreamName).toMatch(/^2025\/01\/09\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('gives each context its own request id', () => {
    expect(lambdaContext().awsRequestId).not.toBe(lambdaContext().awsRequestId);
  });

  it.each(['done', 'fail', 'succeed'] as const)('refuses the legacy context.%s()', (method) => {
    const context = lambdaContext();

    expect(() => (context[method] as (value?: unknown) => void)('x')).toThrow(
      `context.${method}() is not supported`,
    );
  });
});

describe('invoke', () => {
  it('passes the event and context to the handler and answers its result', async () => {
    const context = lambdaContext({ awsRequestId: 'req-7' });
    const handler = (event: { n: number }, ctx: Context) =>
      Promise.resolve({ doubled: event.n * 2, id: ctx.awsRequestId });

    await expect(invoke(handler, { n: 21 }, context)).resolves.toEqual({ doubled: 42, id: 'req-7' });
  });

  it('creates a context when none is given', async () => {
    const handler = (_event: unknown, ctx: Context) => ctx.getRemainingTimeInMillis();

    await expect(invoke(handler, {})).resolves.toBeGreaterThan(2900);
  });

  it('rejects with the error the handler throws, synchronously or not', async () => {
    const throwing = () => {
      throw new Error('boom');
    };
    const rejecting = () => Promise.reject(new Error('late boom'));

    await expect(invoke(throwing, {})).rejects.toThrow('boom');
    await expect(invoke(rejecting, {})).rejects.toThrow('late boom');
  });
});
