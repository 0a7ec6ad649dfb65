import { join } from 'node:path';
import {
  AccountConcurrency,
  createLambdaRuntime,
  defaultConcurrency,
  lambdaFlags,
  type LambdaRuntimeOptions,
  type LocalLambdaRuntime,
} from '../src/services/lambda';
import type { FunctionSpec, InvokeResult } from '../src/model';

const codeDir = join(__dirname, 'fixtures', 'lambda');

function fn(name: string, handler: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    id: `SliceTest-dev/${name}`,
    stackName: 'SliceTest-dev',
    logicalId: name,
    functionName: `SliceTest-dev-${name}`,
    arn: `arn:aws:lambda:eu-west-1:123456789012:function:SliceTest-dev-${name}`,
    handler,
    codeDir,
    runtime: 'nodejs24.x',
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
    roleArn: `arn:aws:iam::123456789012:role/SliceTest-dev-${name}Role`,
    policy: [],
    ...overrides,
  };
}

function pidOf(result: InvokeResult): number {
  if (!result.ok) throw new Error(`Expected success, got ${result.errorType}: ${result.errorMessage}`);
  return (result.payload as { pid: number }).pid;
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('The condition did not hold in time.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the account concurrency of the Lambda runtime', () => {
  let runtime: LocalLambdaRuntime | undefined;

  const start = (options: Partial<LambdaRuntimeOptions>): LocalLambdaRuntime => {
    runtime = createLambdaRuntime({
      awsEndpoint: 'http://127.0.0.1:4566',
      region: 'eu-west-1',
      credentialsFor: () => ({ accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' }),
      ...options,
    });
    return runtime;
  };

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('queues an invocation over the limit until a slot frees, then runs it in the freed environment', async () => {
    // Prepare
    const lambda = start({ concurrency: 1 });
    lambda.register(fn('Slow', 'slow.handler'));

    // Act
    const first = lambda.invoke('SliceTest-dev/Slow', { ms: 300 });
    await eventually(() => lambda.concurrency().running === 1);
    const second = lambda.invoke('SliceTest-dev/Slow', { ms: 0 });
    await eventually(() => lambda.concurrency().queued === 1);
    const [firstResult, secondResult] = await Promise.all([first, second]);

    // Assess
    expect(firstResult).toMatchObject({ ok: true, coldStart: true });
    expect(secondResult).toMatchObject({ ok: true, coldStart: false });
    expect(pidOf(secondResult)).toBe(pidOf(firstResult));
    expect(lambda.environments()).toHaveLength(1);
  });

  it('throttles an invocation that waited longer than its caller allows, as Lambda answers (Rate Exceeded.)', async () => {
    const lambda = start({ concurrency: 1 });
    lambda.register(fn('Slow', 'slow.handler'));

    const busy = lambda.invoke('SliceTest-dev/Slow', { ms: 1000 });
    await eventually(() => lambda.concurrency().running === 1);
    const waited = await lambda.invoke('SliceTest-dev/Slow', { ms: 0 }, { maxWaitMs: 50 });

    expect(waited).toMatchObject({ ok: false, errorType: 'Throttled', errorMessage: 'Rate Exceeded.' });
    expect(lambda.concurrency().queued).toBe(0);
    expect(await busy).toMatchObject({ ok: true });
  });

  it('waits for the queue timeout of the runtime when the caller gives none', async () => {
    const lambda = start({ concurrency: 1, queueTimeoutMs: 50 });
    lambda.register(fn('Slow', 'slow.handler'));

    const busy = lambda.invoke('SliceTest-dev/Slow', { ms: 1000 });
    await eventually(() => lambda.concurrency().running === 1);
    const waited = await lambda.invoke('SliceTest-dev/Slow', { ms: 0 });

    expect(waited).toMatchObject({ ok: false, errorType: 'Throttled' });
    await busy;
  });

  it('serves queued invocations first in, first out', async () => {
    const lambda = start({ concurrency: 1 });
    lambda.register(fn('Echo', 'echo.handler'));
    lambda.register(fn('Slow', 'slow.handler'));
    const order: number[] = [];

    const busy = lambda.invoke('SliceTest-dev/Slow', { ms: 200 });
    await eventually(() => lambda.concurrency().running === 1);
    await Promise.all(
      [1, 2, 3].map((n) => lambda.invoke('SliceTest-dev/Echo', { n }).then(() => order.push(n))),
    );
    await busy;

    expect(order).toEqual([1, 2, 3]);
  });

  it('still throttles over reserved concurrency at once, without queueing', async () => {
    const lambda = start({ concurrency: 4 });
    lambda.register(fn('Reserved', 'slow.handler', { reservedConcurrency: 1 }));

    const busy = lambda.invoke('SliceTest-dev/Reserved', { ms: 300 });
    const began = performance.now();
    const second = await lambda.invoke('SliceTest-dev/Reserved', { ms: 0 });

    expect(second).toMatchObject({ ok: false, errorType: 'Throttled', errorMessage: 'Rate Exceeded.' });
    expect(performance.now() - began).toBeLessThan(250);
    expect(await busy).toMatchObject({ ok: true });
  });

  it('never keeps more environments alive than the limit: a new one replaces the least recently used idle one', async () => {
    // Prepare
    const lambda = start({ concurrency: 2 });
    for (const name of ['A', 'B', 'C']) lambda.register(fn(name, 'echo.handler'));

    // Act
    await lambda.invoke('SliceTest-dev/A', {});
    await lambda.invoke('SliceTest-dev/B', {});
    await lambda.invoke('SliceTest-dev/C', {});
    await eventually(() => lambda.environments().length === 2);
    const b = await lambda.invoke('SliceTest-dev/B', {});
    const a = await lambda.invoke('SliceTest-dev/A', {});

    // Assess
    expect(b).toMatchObject({ ok: true, coldStart: false });
    expect(a).toMatchObject({ ok: true, coldStart: true });
    expect(lambda.environments().length).toBeLessThanOrEqual(2);
  });

  it('stops an environment idle for longer than the idle timeout; the next invocation cold-starts', async () => {
    const lambda = start({ idleTimeoutMs: 200 });
    lambda.register(fn('Echo', 'echo.handler'));

    const first = await lambda.invoke('SliceTest-dev/Echo', {});
    const warm = await lambda.invoke('SliceTest-dev/Echo', {});
    await eventually(() => lambda.environments().length === 0);
    const later = await lambda.invoke('SliceTest-dev/Echo', {});

    expect(first).toMatchObject({ ok: true, coldStart: true });
    expect(warm).toMatchObject({ ok: true, coldStart: false });
    expect(later).toMatchObject({ ok: true, coldStart: true });
  });

  it('keeps an environment used within the idle timeout warm', async () => {
    const lambda = start({ idleTimeoutMs: 400 });
    lambda.register(fn('Echo', 'echo.handler'));

    await lambda.invoke('SliceTest-dev/Echo', {});
    const results: InvokeResult[] = [];
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      results.push(await lambda.invoke('SliceTest-dev/Echo', {}));
    }

    expect(results.every((result) => result.ok && !result.coldStart)).toBe(true);
  });

  it('answers an invocation still queued when the runtime stops, and starts nothing for it', async () => {
    const lambda = start({ concurrency: 1 });
    lambda.register(fn('Slow', 'slow.handler'));

    const busy = lambda.invoke('SliceTest-dev/Slow', { ms: 2000 });
    await eventually(() => lambda.concurrency().running === 1);
    const queued = lambda.invoke('SliceTest-dev/Slow', { ms: 0 });
    await eventually(() => lambda.concurrency().queued === 1);
    await lambda.stop();

    expect(await queued).toMatchObject({
      ok: false,
      errorType: 'Crash',
      errorMessage: 'The Lambda runtime stopped.',
    });
    expect(await busy).toMatchObject({ ok: false, errorType: 'Crash' });
    expect(lambda.environments()).toHaveLength(0);
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(() => start({ concurrency: 0 })).toThrow(
      'The concurrency limit must be a whole number of at least 1, not 0.',
    );
    expect(() => start({ idleTimeoutMs: -1 })).toThrow(
      'The idle timeout must be a positive number of milliseconds',
    );
  });
});

describe('AccountConcurrency', () => {
  it('hands a released slot to the longest waiting invocation rather than freeing it', async () => {
    const account = new AccountConcurrency(1);
    await account.acquire(1000);
    const waiting = account.acquire(1000);

    account.release();

    await expect(waiting).resolves.toBe('acquired');
    expect(account.active).toBe(1);
    expect(account.queued).toBe(0);
  });
});

describe('defaultConcurrency', () => {
  it('allows four invocations per core, and at least eight', () => {
    expect(defaultConcurrency(1)).toBe(8);
    expect(defaultConcurrency(2)).toBe(8);
    expect(defaultConcurrency(4)).toBe(16);
  });
});

describe('lambdaFlags', () => {
  it('turns --concurrency and --idle-timeout (seconds) into runtime options', () => {
    expect(lambdaFlags({ concurrency: '12', 'idle-timeout': '30' })).toEqual({
      concurrency: 12,
      idleTimeoutMs: 30_000,
    });
    expect(lambdaFlags({})).toEqual({});
  });

  it('refuses a value that is not a whole number of at least 1, naming the flag', () => {
    expect(() => lambdaFlags({ concurrency: 'many' })).toThrow(
      '--concurrency must be a whole number of at least 1, not "many".',
    );
    expect(() => lambdaFlags({ 'idle-timeout': '0' })).toThrow('--idle-timeout must be a whole number');
    expect(() => lambdaFlags({ concurrency: '2.5' })).toThrow('--concurrency must be a whole number');
  });
});
