/**
 * Bundled by `bench.ts` with esbuild and run in a fresh Node process, as a Lambda bundle runs:
 * the `http()` chain around a trivial use-case against the bare handler, in microseconds per call.
 */
import { defineRoute } from '@slice/contract';
import { http } from '@slice/middleware';
import { lambdaContext, restApiEvent } from '@slice/testing';
import * as z from 'zod';

const route = defineRoute({
  method: 'GET',
  path: '/bench/{id}',
  operationId: 'getBench',
  summary: 'bench',
  auth: 'public',
  request: { path: z.strictObject({ id: z.string() }) },
  status: 200,
  response: z.strictObject({ id: z.string() }),
});

const bare = (event: { pathParameters: Record<string, string | undefined> | null }) =>
  Promise.resolve({ statusCode: 200, body: JSON.stringify({ id: event.pathParameters?.id ?? '' }) });
const wrapped = http(route, ({ path }) => Promise.resolve({ id: path.id }), { validateResponses: false });
const context = lambdaContext({ timeoutMs: 600_000 });
const event = () =>
  restApiEvent({ method: 'GET', path: '/bench/a', resource: '/bench/{id}', pathParameters: { id: 'a' } });

async function time(fn: () => Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn();
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - start) / n) * 1000;
}

const n = 20_000;
const bareUs = await time(() => bare(event()), n);
const wrappedUs = await time(() => wrapped(event(), context), n);
console.log(JSON.stringify({ bareUs, wrappedUs }));
