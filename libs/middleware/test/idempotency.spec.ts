import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createTable, lambdaContext, restApiEvent, startDynalite, type Dynalite } from '@slice/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { http, idempotency, IdempotencyStore } from '../src';
import { orderPizza } from './sample';

let db: Dynalite;
let store: IdempotencyStore;

beforeAll(async () => {
  db = await startDynalite();
  await createTable(db.client, {
    TableName: 'idempotency',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  store = new IdempotencyStore({ tableName: 'idempotency', client: db.client });
});

afterAll(() => db.stop());

const user = (sub: string) => ({ sub, 'cognito:groups': 'customer' });
const body = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;

function orderHandler(delayMs = 0) {
  let orders = 0;
  const fn = jest.fn(
    async ({
      body: order,
      user: caller,
    }: {
      body: { name: string; quantity: number };
      user: { id: string };
    }) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      orders += 1;
      return { id: `${caller.id}-${orders}`, ...order };
    },
  );
  const handler = http(orderPizza, fn, { idempotency: idempotency({ store, waitMs: 5000 }) });
  const post = (key: string | undefined, order: object, sub = 'alice') =>
    handler(
      restApiEvent({
        method: 'POST',
        path: '/pizzas',
        resource: '/pizzas',
        body: order,
        headers: key ? { 'Idempotency-Key': key } : {},
        claims: user(sub),
      }),
      lambdaContext({ functionName: 'pizzas-order', timeoutMs: 10_000 }),
    );
  return { fn, post };
}

describe('http() idempotency', () => {
  it('refuses at cold start a route whose contract and handler disagree on the Idempotency-Key', () => {
    const fn = () => Promise.resolve({ id: 'p-1', name: 'M', quantity: 1 });
    expect(() => http(orderPizza, fn)).toThrow(/orderPizza: its contract takes an Idempotency-Key/);
    expect(() =>
      http({ ...orderPizza, idempotencyKey: false }, fn, { idempotency: idempotency({ store }) }),
    ).toThrow(/orderPizza: its contract takes no Idempotency-Key/);
  });

  it('answers 400 when the Idempotency-Key is missing or malformed, without running the handler', async () => {
    const { fn, post } = orderHandler();
    expect((await post(undefined, { name: 'M', quantity: 1 })).statusCode).toBe(400);
    const malformed = await post('bad key!', { name: 'M', quantity: 1 });
    expect(malformed.statusCode).toBe(400);
    expect(body(malformed)).toMatchObject({
      detail: 'The Idempotency-Key header is required: 8 to 128 letters, digits or _ . : -',
      errors: [{ path: 'headers.idempotency-key', message: 'Must be 8 to 128 letters, digits or _ . : -' }],
    });
    expect(fn).not.toHaveBeenCalled();
  });

  it('replays the first answer to a retry with the same key and body', async () => {
    const { fn, post } = orderHandler();
    const first = await post('key-replay-0001', { name: 'Margherita', quantity: 2 });
    const retry = await post('key-replay-0001', { name: 'Margherita', quantity: 2 });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(fn).toHaveBeenCalledTimes(1);
    // The replay carries the same headers a first answer gets: CORS, security, correlation.
    for (const name of [
      'content-type',
      'Access-Control-Allow-Origin',
      'Strict-Transport-Security',
      'x-correlation-id',
    ]) {
      expect(retry.headers?.[name]).toBeDefined();
    }
    expect(Object.keys(retry.headers ?? {}).sort()).toEqual(Object.keys(first.headers ?? {}).sort());
  });

  it('keeps a replayable answer for 24 hours by default', async () => {
    // Prepare
    const { post } = orderHandler();
    const before = Math.floor(Date.now() / 1000);

    // Act
    await post('key-ttl-000001', { name: 'M', quantity: 1 });

    // Assess: every record of this suite's store (all on the default) expires a day after its answer.
    const after = Math.ceil(Date.now() / 1000);
    const { Items = [] } = await db.client.send(new ScanCommand({ TableName: 'idempotency' }));
    const expiries = Items.filter((item) => item.status?.S === 'COMPLETED').map((item) =>
      Number(item.expiration?.N),
    );
    expect(expiries.length).toBeGreaterThan(0);
    expect(Math.max(...expiries)).toBeGreaterThanOrEqual(before + 86_400);
    expect(Math.max(...expiries)).toBeLessThanOrEqual(after + 86_400);
  });

  it('answers 422 to the same key with another body', async () => {
    const { fn, post } = orderHandler();
    await post('key-reuse-00001', { name: 'Margherita', quantity: 2 });
    const reused = await post('key-reuse-00001', { name: 'Margherita', quantity: 3 });
    expect(reused.statusCode).toBe(422);
    expect(body(reused)).toMatchObject({ detail: 'This Idempotency-Key was used with another body.' });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('keeps keys apart per caller', async () => {
    const { fn, post } = orderHandler();
    const alice = await post('key-shared-0001', { name: 'M', quantity: 1 }, 'alice');
    const bob = await post('key-shared-0001', { name: 'M', quantity: 1 }, 'bob');
    expect(body(alice).id).toBe('alice-1');
    expect(body(bob).id).toBe('bob-2');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('keeps apart a caller whose id contains the separator from the caller whose key continues it', async () => {
    // Prepare: `alice:x` with key `yyyyyyyy` and `alice` with key `x:yyyyyyyy` once met as `alice:x:yyyyyyyy`.
    const { fn, post } = orderHandler();
    const first = await post('yyyyyyyy', { name: 'M', quantity: 1 }, 'alice:x');

    // Act
    const second = await post('x:yyyyyyyy', { name: 'M', quantity: 1 }, 'alice');

    // Assess
    expect(body(first).id).toBe('alice:x-1');
    expect(body(second).id).toBe('alice-2');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('runs 20 concurrent identical requests exactly once and gives them all the same answer', async () => {
    const { fn, post } = orderHandler(150);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post('key-burst-00001', { name: 'Diavola', quantity: 1 })),
    );
    expect(fn).toHaveBeenCalledTimes(1);
    expect(new Set(responses.map((response) => response.statusCode))).toEqual(new Set([201]));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
  });

  it('lets a retry run again after the first attempt failed', async () => {
    let calls = 0;
    const handler = http(
      orderPizza,
      ({ body: order }) => {
        calls += 1;
        if (calls === 1) return Promise.reject(new Error('boom'));
        return Promise.resolve({ id: 'p-1', ...order });
      },
      { idempotency: idempotency({ store }) },
    );
    const event = () =>
      restApiEvent({
        method: 'POST',
        path: '/pizzas',
        resource: '/pizzas',
        body: { name: 'M', quantity: 1 },
        headers: { 'Idempotency-Key': 'key-retry-00001' },
        claims: user('carol'),
      });
    expect((await handler(event(), lambdaContext())).statusCode).toBe(500);
    expect((await handler(event(), lambdaContext())).statusCode).toBe(201);
    expect(calls).toBe(2);
  });
});
