import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLambdaRuntime, type FunctionLogLine, type LocalLambdaRuntime } from '../src/services/lambda';
import type { FunctionSpec, InvokeResult } from '../src/model';

const codeDir = join(__dirname, 'fixtures', 'lambda');
const awsEndpoint = 'http://127.0.0.1:4566';

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
    timeoutSeconds: 1,
    memoryMb: 128,
    environment: {},
    roleArn: `arn:aws:iam::123456789012:role/SliceTest-dev-${name}Role`,
    policy: [],
    ...overrides,
  };
}

function payloadOf<T>(result: InvokeResult): T {
  if (!result.ok) throw new Error(`Expected success, got ${result.errorType}: ${result.errorMessage}`);
  return result.payload as T;
}

async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('The condition did not hold in time.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createLambdaRuntime', () => {
  let runtime: LocalLambdaRuntime;
  let lines: FunctionLogLine[];

  beforeEach(() => {
    lines = [];
    runtime = createLambdaRuntime({
      awsEndpoint,
      region: 'eu-west-1',
      credentialsFor: (spec) => ({
        accessKeyId: `AKIA${spec.logicalId.toUpperCase()}`,
        secretAccessKey: 'local',
      }),
      log: (line) => lines.push(line),
      extraEnv: { SLICE_VALIDATE_RESPONSES: 'true' },
    });
  });

  afterEach(() => runtime.stop());

  it('answers what the handler returns, cold the first time and warm after', async () => {
    runtime.register(fn('Echo', 'echo.handler'));

    const first = await runtime.invoke('SliceTest-dev/Echo', { hello: 'world' });
    const second = await runtime.invoke('SliceTest-dev/Echo', { hello: 'again' });

    expect(first).toMatchObject({ ok: true, payload: { hello: 'world' }, coldStart: true });
    expect(second).toMatchObject({ ok: true, payload: { hello: 'again' }, coldStart: false });
  });

  it('loads a CommonJS handler when there is no .mjs file', async () => {
    runtime.register(fn('Legacy', 'legacy.handler'));

    const result = await runtime.invoke('SliceTest-dev/Legacy', {});

    expect(payloadOf(result)).toEqual({ format: 'commonjs' });
  });

  it("gives a function its own environment and none of another function's or the host's", async () => {
    process.env.SLICE_HOST_ONLY = 'host';
    process.env.AWS_SESSION_TOKEN = 'host-session-token';
    const names = [
      'TABLE_NAME',
      'OTHER',
      'SLICE_HOST_ONLY',
      'AWS_ACCESS_KEY_ID',
      'AWS_SESSION_TOKEN',
      'AWS_ENDPOINT_URL',
    ];
    runtime.register(fn('Orders', 'env.handler', { environment: { TABLE_NAME: 'orders-table' } }));
    runtime.register(fn('Menu', 'env.handler', { environment: { OTHER: 'menu-only' } }));

    try {
      const orders = payloadOf<{ values: Record<string, string | null>; cwd: string }>(
        await runtime.invoke('SliceTest-dev/Orders', { names }),
      );
      const menu = payloadOf<{ values: Record<string, string | null> }>(
        await runtime.invoke('SliceTest-dev/Menu', { names }),
      );

      expect(orders.values).toEqual({
        TABLE_NAME: 'orders-table',
        OTHER: null,
        SLICE_HOST_ONLY: null,
        AWS_ACCESS_KEY_ID: 'AKIAORDERS',
        AWS_SESSION_TOKEN: null,
        AWS_ENDPOINT_URL: awsEndpoint,
      });
      expect(menu.values).toMatchObject({
        TABLE_NAME: null,
        OTHER: 'menu-only',
        AWS_ACCESS_KEY_ID: 'AKIAMENU',
      });
      expect(orders.cwd).toBe(codeDir);
    } finally {
      delete process.env.SLICE_HOST_ONLY;
      delete process.env.AWS_SESSION_TOKEN;
    }
  });

  it('sets the variables Lambda sets, and the local extras', async () => {
    runtime.register(
      fn('Env', 'env.handler', { memoryMb: 256, environment: { NODE_OPTIONS: '--enable-source-maps' } }),
    );
    const names = [
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_LAMBDA_FUNCTION_NAME',
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
      'AWS_LAMBDA_FUNCTION_VERSION',
      'AWS_LAMBDA_LOG_GROUP_NAME',
      'AWS_EXECUTION_ENV',
      'LAMBDA_TASK_ROOT',
      'TZ',
      'NODE_OPTIONS',
      'AWS_XRAY_CONTEXT_MISSING',
      '_X_AMZN_TRACE_ID',
      'SLICE_VALIDATE_RESPONSES',
    ];

    const { values } = payloadOf<{ values: Record<string, string | null> }>(
      await runtime.invoke('SliceTest-dev/Env', { names }),
    );

    expect(values).toEqual({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'SliceTest-dev-Env',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/SliceTest-dev-Env',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      LAMBDA_TASK_ROOT: codeDir,
      TZ: ':UTC',
      NODE_OPTIONS: '--enable-source-maps',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      _X_AMZN_TRACE_ID: null,
      SLICE_VALIDATE_RESPONSES: 'true',
    });
  });

  it('keeps module state across warm invocations, separately per function', async () => {
    runtime.register(fn('CounterA', 'state.handler'));
    runtime.register(fn('CounterB', 'state.handler'));

    const a1 = payloadOf<{ invocations: number; pid: number }>(
      await runtime.invoke('SliceTest-dev/CounterA', {}),
    );
    const a2 = payloadOf<{ invocations: number; pid: number }>(
      await runtime.invoke('SliceTest-dev/CounterA', {}),
    );
    const b1 = payloadOf<{ invocations: number; pid: number }>(
      await runtime.invoke('SliceTest-dev/CounterB', {}),
    );

    expect([a1.invocations, a2.invocations, b1.invocations]).toEqual([1, 2, 1]);
    expect(a2.pid).toBe(a1.pid);
    expect(b1.pid).not.toBe(a1.pid);
  });

  it('runs concurrent invocations in separate environments, one event at a time each', async () => {
    runtime.register(fn('Slow', 'slow.handler'));

    const [first, second] = await Promise.all([
      runtime.invoke('SliceTest-dev/Slow', { ms: 100 }),
      runtime.invoke('SliceTest-dev/Slow', { ms: 100 }),
    ]);

    expect(first).toMatchObject({ ok: true, coldStart: true });
    expect(second).toMatchObject({ ok: true, coldStart: true });
    expect(payloadOf<{ pid: number }>(first).pid).not.toBe(payloadOf<{ pid: number }>(second).pid);
  });

  it('passes a context whose remaining time counts down from the timeout', async () => {
    runtime.register(fn('Slow', 'slow.handler', { timeoutSeconds: 2 }));

    const { before, after } = payloadOf<{ before: number; after: number }>(
      await runtime.invoke('SliceTest-dev/Slow', { ms: 150 }),
    );

    expect(before).toBeLessThanOrEqual(2000);
    expect(before).toBeGreaterThan(1000);
    expect(before - after).toBeGreaterThanOrEqual(140);
  });

  it("passes the context's identifying fields as Lambda does", async () => {
    runtime.register(fn('Context', 'context.handler', { memoryMb: 512 }));

    const context = payloadOf<Record<string, unknown>>(await runtime.invoke('SliceTest-dev/Context', {}));

    expect(context).toMatchObject({
      functionName: 'SliceTest-dev-Context',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:SliceTest-dev-Context',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/SliceTest-dev-Context',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('kills an environment at the timeout, and the next call gets a fresh one', async () => {
    runtime.register(fn('Slow', 'slow.handler'));
    const warm = payloadOf<{ pid: number }>(await runtime.invoke('SliceTest-dev/Slow', { ms: 0 }));

    const timedOut = await runtime.invoke('SliceTest-dev/Slow', { ms: 5000 });
    const next = await runtime.invoke('SliceTest-dev/Slow', { ms: 0 });

    expect(timedOut).toMatchObject({
      ok: false,
      errorType: 'Timeout',
      errorMessage: 'Task timed out after 1.00 seconds',
    });
    // Bounds with room for a loaded machine: killed at its 1 s timeout, not long after it.
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(950);
    expect(timedOut.durationMs).toBeLessThan(4000);
    expect(next).toMatchObject({ ok: true, coldStart: true });
    expect(payloadOf<{ pid: number }>(next).pid).not.toBe(warm.pid);
  });

  it("answers a handler's error with its message, and keeps the environment", async () => {
    runtime.register(fn('Throws', 'throws.handler'));

    const failed = await runtime.invoke('SliceTest-dev/Throws', { orderId: 'o-1' });
    const again = await runtime.invoke('SliceTest-dev/Throws', { orderId: 'o-2' });

    expect(failed).toMatchObject({ ok: false, errorType: 'Error', errorMessage: 'Order o-1 not found' });
    expect(again).toMatchObject({ ok: false, errorMessage: 'Order o-2 not found' });
    await eventually(() => lines.some((line) => line.text.includes('Invoke Error')));
    const invokeError = lines.find((line) => line.text.includes('Invoke Error'));
    expect(invokeError).toMatchObject({ functionId: 'SliceTest-dev/Throws', stream: 'stderr' });
    expect(invokeError?.text).toContain('"errorType":"OrderNotFound"');
    expect(lines.filter((line) => line.text.includes('Init Duration'))).toHaveLength(1);
  });

  it('answers Crash when the handler ends its process, then recovers with a fresh environment', async () => {
    runtime.register(fn('Exits', 'exits.handler'));
    runtime.register(fn('Echo', 'echo.handler'));

    const crashed = await runtime.invoke('SliceTest-dev/Exits', {});
    const again = await runtime.invoke('SliceTest-dev/Exits', {});
    const other = await runtime.invoke('SliceTest-dev/Echo', 'still here');

    expect(crashed).toMatchObject({
      ok: false,
      errorType: 'Crash',
      errorMessage: 'Runtime exited with error: exit status 3',
    });
    expect(again).toMatchObject({ ok: false, errorType: 'Crash' });
    expect(other).toMatchObject({ ok: true, payload: 'still here' });
  });

  it('answers an Error naming the module when the code cannot be loaded', async () => {
    runtime.register(fn('Broken', 'broken.handler'));
    runtime.register(fn('Missing', 'missing.handler'));
    runtime.register(fn('NoExport', 'echo.nothing'));

    const broken = await runtime.invoke('SliceTest-dev/Broken', {});
    const missing = await runtime.invoke('SliceTest-dev/Missing', {});
    const noExport = await runtime.invoke('SliceTest-dev/NoExport', {});

    expect(broken).toMatchObject({
      ok: false,
      errorType: 'Error',
      errorMessage: 'Runtime.ImportModuleError: Error: cannot load',
    });
    expect(missing).toMatchObject({
      ok: false,
      errorMessage: expect.stringContaining("Cannot find module 'missing'"),
    });
    expect(noExport).toMatchObject({
      ok: false,
      errorMessage: 'Runtime.HandlerNotFound: echo.nothing is undefined or not exported',
    });
  });

  it('answers Crash when the code ends its process while loading', async () => {
    runtime.register(fn('DiesOnLoad', 'dies-on-load.handler'));

    const result = await runtime.invoke('SliceTest-dev/DiesOnLoad', {});

    expect(result).toMatchObject({
      ok: false,
      errorType: 'Crash',
      errorMessage: 'Init failed: Runtime exited with error: exit status 2',
    });
  });

  it("answers Crash, and logs why, when the function's code folder does not exist", async () => {
    runtime.register(fn('Gone', 'index.handler', { codeDir: join(codeDir, 'does-not-exist') }));

    const result = await runtime.invoke('SliceTest-dev/Gone', {});

    expect(result).toMatchObject({ ok: false, errorType: 'Crash' });
    expect(lines.some((line) => line.text.startsWith('The environment could not start:'))).toBe(true);
  });

  it('throttles invocations over the reserved concurrency', async () => {
    runtime.register(fn('Reserved', 'slow.handler', { reservedConcurrency: 1 }));

    const [first, second] = await Promise.all([
      runtime.invoke('SliceTest-dev/Reserved', { ms: 100 }),
      runtime.invoke('SliceTest-dev/Reserved', { ms: 100 }),
    ]);
    const after = await runtime.invoke('SliceTest-dev/Reserved', { ms: 0 });

    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, errorType: 'Throttled', errorMessage: 'Rate Exceeded.' });
    expect(after).toMatchObject({ ok: true, coldStart: false });
  });

  it('throttles every invocation of a function with a reserved concurrency of 0', async () => {
    runtime.register(fn('Disabled', 'echo.handler', { reservedConcurrency: 0 }));

    const result = await runtime.invoke('SliceTest-dev/Disabled', {});

    expect(result).toMatchObject({ ok: false, errorType: 'Throttled' });
  });

  it("frames the function's log lines with START, END and REPORT", async () => {
    runtime.register(fn('Logs', 'logs.handler'));

    await runtime.invoke('SliceTest-dev/Logs', { name: 'slice' });
    await runtime.invoke('SliceTest-dev/Logs', { name: 'again' });
    await eventually(() => lines.filter((line) => line.text.startsWith('REPORT')).length === 2);

    const texts = lines.filter((line) => line.stream === 'stdout').map((line) => line.text);
    const [start, hello, partial, end, report] = texts;
    const requestId = /^START RequestId: (\S+) Version: \$LATEST$/.exec(start ?? '')?.[1];
    expect(requestId).toBeDefined();
    expect(hello).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${requestId}\\tINFO\\thello slice$`));
    expect(partial).toBe('no newline at the end');
    expect(end).toBe(`END RequestId: ${requestId}`);
    expect(report).toMatch(
      new RegExp(
        `^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d{2} ms$`,
      ),
    );
    const warmReport = texts.filter((text) => text.startsWith('REPORT'))[1];
    expect(warmReport).not.toContain('Init Duration');
    expect(lines.find((line) => line.stream === 'stderr')?.text).toMatch(/\tERROR\tsomething odd$/);
    expect(lines.every((line) => line.functionId === 'SliceTest-dev/Logs')).toBe(true);
  });

  it('logs the timeout and a REPORT with its status', async () => {
    runtime.register(fn('Slow', 'slow.handler'));

    await runtime.invoke('SliceTest-dev/Slow', { ms: 5000 });
    await eventually(() => lines.some((line) => line.text.startsWith('REPORT')));

    expect(lines.some((line) => / Task timed out after 1\.00 seconds$/.test(line.text))).toBe(true);
    expect(lines.find((line) => line.text.startsWith('REPORT'))?.text).toContain('Status: timeout');
  });

  it('runs the new code after a redeploy, draining the old environments', async () => {
    runtime.register(fn('Swap', 'slow.handler'));
    const busy = runtime.invoke('SliceTest-dev/Swap', { ms: 200 });
    await new Promise((resolve) => setTimeout(resolve, 100));

    runtime.register(fn('Swap', 'echo.handler'));
    const swapped = await runtime.invoke('SliceTest-dev/Swap', 'new code');
    const drained = await busy;
    const again = await runtime.invoke('SliceTest-dev/Swap', 'still new');

    expect(drained).toMatchObject({ ok: true, payload: { pid: expect.any(Number) } });
    expect(swapped).toMatchObject({ ok: true, payload: 'new code', coldStart: true });
    expect(again).toMatchObject({ ok: true, payload: 'still new', coldStart: false });
    await eventually(() => !isAlive(payloadOf<{ pid: number }>(drained).pid));
  });

  it('stops idle environments of the replaced code', async () => {
    runtime.register(fn('Counter', 'state.handler'));
    const old = payloadOf<{ pid: number }>(await runtime.invoke('SliceTest-dev/Counter', {}));

    runtime.register(fn('Counter', 'state.handler', { environment: { VERSION: '2' } }));
    const fresh = payloadOf<{ invocations: number; pid: number }>(
      await runtime.invoke('SliceTest-dev/Counter', {}),
    );

    expect(fresh).toEqual({ invocations: 1, pid: expect.any(Number) });
    expect(fresh.pid).not.toBe(old.pid);
    await eventually(() => !isAlive(old.pid));
  });

  it('stops every environment, and refuses work after', async () => {
    runtime.register(fn('Counter', 'state.handler'));
    runtime.register(fn('Slow', 'slow.handler'));
    const { pid } = payloadOf<{ pid: number }>(await runtime.invoke('SliceTest-dev/Counter', {}));
    const busy = runtime.invoke('SliceTest-dev/Slow', { ms: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    await runtime.stop();

    expect(isAlive(pid)).toBe(false);
    expect(await busy).toMatchObject({
      ok: false,
      errorType: 'Crash',
      errorMessage: 'The Lambda runtime stopped.',
    });
    await expect(runtime.invoke('SliceTest-dev/Counter', {})).rejects.toThrow('stopped');
  });

  it('forgets a deregistered function after its invocation in flight, which still answers', async () => {
    runtime.register(fn('Gone', 'slow.handler'));
    const busy = runtime.invoke('SliceTest-dev/Gone', { ms: 200 });
    await eventually(() => runtime.environments('SliceTest-dev/Gone').some((env) => env.state === 'busy'));

    runtime.deregister('SliceTest-dev/Gone');
    const retired = runtime.environments('SliceTest-dev/Gone');
    const answer = await busy;
    await runtime.drained();

    expect(retired).toEqual([
      { functionId: 'SliceTest-dev/Gone', pid: expect.any(Number), state: 'retired' },
    ]);
    expect(answer).toMatchObject({ ok: true, payload: { pid: retired[0]?.pid } });
    expect(isAlive(retired[0]?.pid ?? 0)).toBe(false);
    await expect(runtime.invoke('SliceTest-dev/Gone', {})).rejects.toThrow('No function SliceTest-dev/Gone');
  });

  it('lists a warm environment as idle, with the pid that answered', async () => {
    runtime.register(fn('Counter', 'state.handler'));
    const { pid } = payloadOf<{ pid: number }>(await runtime.invoke('SliceTest-dev/Counter', {}));

    expect(runtime.environments()).toEqual([{ functionId: 'SliceTest-dev/Counter', pid, state: 'idle' }]);
  });

  it('keeps the compiled code of a function in the compile cache folder it is given', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'local-cloud-compile-cache-'));
    const cached = createLambdaRuntime({
      awsEndpoint,
      region: 'eu-west-1',
      credentialsFor: () => ({ accessKeyId: 'AKIACACHE', secretAccessKey: 'local' }),
      compileCacheDir: cacheDir,
    });
    try {
      cached.register(fn('Echo', 'echo.handler'));

      expect(payloadOf(await cached.invoke('SliceTest-dev/Echo', 'cached'))).toBe('cached');
      const written = readdirSync(cacheDir, { recursive: true, withFileTypes: true }).filter((entry) =>
        entry.isFile(),
      );
      expect(written.length).toBeGreaterThan(0);
    } finally {
      await cached.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('rejects an invocation of a function it does not know', async () => {
    await expect(runtime.invoke('SliceTest-dev/Nope', {})).rejects.toThrow('No function SliceTest-dev/Nope');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
