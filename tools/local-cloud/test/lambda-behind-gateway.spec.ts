import { join } from 'node:path';
import { createLocalIssuer } from '@slice/testing';
import {
  createLambdaRuntime,
  type LambdaRuntimeOptions,
  type LocalLambdaRuntime,
} from '../src/services/lambda';
import { functionSpec, lambdaMethod, model, restApi, serve } from './gateway-fixtures';

const issuer = createLocalIssuer();
const functionId = 'Menu/Slow';
const api = restApi({
  id: 'menuapi001',
  name: 'menu',
  resources: {
    '/slow': [
      lambdaMethod('GET', functionId),
      // POST has an integration timeout of 300 ms: over the account's concurrency it waits no longer.
      {
        ...lambdaMethod('POST', functionId),
        integration: { ...lambdaMethod('POST', functionId).integration, timeoutMs: 300 },
      },
    ],
  },
});

/** The REST API of one function behind the gateway, run by a real local runtime. */
async function withGateway(
  runtimeOptions: Partial<LambdaRuntimeOptions>,
  reservedConcurrency: number | undefined,
  run: (
    get: (ms: number, method?: 'GET' | 'POST') => Promise<{ status: number; body: unknown }>,
    runtime: LocalLambdaRuntime,
  ) => Promise<void>,
) {
  const runtime = createLambdaRuntime({
    awsEndpoint: 'http://127.0.0.1:4566',
    region: 'eu-west-1',
    credentialsFor: () => ({ accessKeyId: 'AKIALOCAL', secretAccessKey: 'local' }),
    ...runtimeOptions,
  });
  runtime.register({
    ...functionSpec(functionId),
    codeDir: join(__dirname, 'fixtures', 'lambda'),
    handler: 'slow-proxy.handler',
    ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
  });
  const server = await serve({ model: model({ apis: [api], functionIds: [functionId] }), runtime, issuer });
  const get = async (ms: number, method: 'GET' | 'POST' = 'GET') => {
    const response = await fetch(`${server.url}/slow?ms=${ms}`, { method });
    return { status: response.status, body: await response.json() };
  };
  try {
    await run(get, runtime);
  } finally {
    await server.close();
    await runtime.stop();
  }
}

describe('a throttled Lambda behind the REST gateway', () => {
  it("answers 500 Internal server error over the function's reserved concurrency, as API Gateway does when Lambda rejects the invocation", async () => {
    await withGateway({}, 1, async (get) => {
      const busy = get(600);
      await new Promise((resolve) => setTimeout(resolve, 150));

      const throttled = await get(0);

      expect(throttled).toEqual({ status: 500, body: { message: 'Internal server error' } });
      expect((await busy).status).toBe(200);
    });
  });

  it('answers 500 once an invocation over the account concurrency waited as long as the integration timeout allows', async () => {
    await withGateway({ concurrency: 1 }, undefined, async (get, runtime) => {
      const busy = get(800);
      while (runtime.concurrency().running === 0) await new Promise((resolve) => setTimeout(resolve, 10));

      const throttled = await get(0, 'POST');

      expect(throttled).toEqual({ status: 500, body: { message: 'Internal server error' } });
      expect((await busy).status).toBe(200);
    });
  });

  it('never runs an invocation that gave up waiting for a slot', async () => {
    await withGateway({ concurrency: 1 }, undefined, async (get, runtime) => {
      const busy = get(800);
      while (runtime.concurrency().running === 0) await new Promise((resolve) => setTimeout(resolve, 10));

      const began = performance.now();
      const late = await get(0, 'POST');
      const waited = performance.now() - began;
      const usage = runtime.concurrency();
      await busy;

      expect(late.status).toBe(500);
      expect(waited).toBeLessThan(700);
      // The first request still runs; the late one left the queue with its answer.
      expect(usage).toEqual({ limit: 1, running: 1, queued: 0 });
    });
  });

  it('answers every request of a burst over the account concurrency, one environment serving them in turn', async () => {
    await withGateway({ concurrency: 1 }, undefined, async (get, runtime) => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => get(20)));

      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(answers.map((answer) => (answer.body as { pid: number }).pid)).size).toBe(1);
      expect(runtime.environments()).toHaveLength(1);
    });
  });
});
