import { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable, lambdaContext, restApiEvent, startDynalite, type Dynalite } from '@slice/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { http, idempotency, IdempotencyStore, logger } from '../src';
import { orderPizza } from './sample';

/**
 * Idempotency when the store is slow or failing, with faults injected per attempt, inside the
 * SDK's retries: a write that commits and then times out, a read or delete that keeps timing out.
 */

let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite();
  await createTable(db.client, {
    TableName: 'idempotency',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
});
afterAll(() => db.stop());

type Fault = 'commit-then-timeout' | 'timeout';
interface Faults {
  /** Fails the next `times` attempts of `command` (`PutItemCommand`…). */
  next(command: string, fault: Fault, times?: number): void;
}

/** A client of the test's dynalite whose attempts can be made to time out, as a slow table does. */
function faultyClient(): { client: DynamoDBClient; faults: Faults } {
  const planned: Array<{ command: string; fault: Fault }> = [];
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
    retryMode: 'standard',
  });
  const timeout = () => Object.assign(new Error('Request timed out (injected)'), { name: 'TimeoutError' });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const index = planned.findIndex(({ command }) => command === context.commandName);
      const fault = index === -1 ? undefined : planned.splice(index, 1)[0]?.fault;
      if (fault === 'timeout') throw timeout();
      const output = await next(args);
      if (fault === 'commit-then-timeout') throw timeout();
      return output;
    },
    // In the deserialize step: inside the retry middleware, so every attempt passes through.
    { step: 'deserialize', name: 'injectFaults' },
  );
  return {
    client,
    faults: {
      next: (command, fault, times = 1) => {
        for (let count = 0; count < times; count++) planned.push({ command, fault });
      },
    },
  };
}

const body = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;

function pizzaOrders(options: { fail?: () => boolean; delayMs?: number; waitMs?: number } = {}) {
  const { client, faults } = faultyClient();
  let orders = 0;
  const fn = jest.fn(async ({ body: order }: { body: { name: string; quantity: number } }) => {
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
    if (options.fail?.()) throw new Error('the oven is off');
    orders += 1;
    return { id: `p-${orders}`, ...order };
  });
  const handler = http(orderPizza, fn, {
    idempotency: idempotency({
      store: new IdempotencyStore({ tableName: 'idempotency', client }),
      waitMs: options.waitMs ?? 3000,
    }),
  });
  const post = (key: string) =>
    handler(
      restApiEvent({
        method: 'POST',
        path: '/pizzas',
        resource: '/pizzas',
        body: { name: 'Margherita', quantity: 1 },
        headers: { 'Idempotency-Key': key },
        claims: { sub: 'dana', 'cognito:groups': 'customer' },
      }),
      lambdaContext({ functionName: 'pizzas-order', timeoutMs: 10_000 }),
    );
  return { fn, post, faults };
}

describe('http() idempotency with slow or failing storage', () => {
  it('runs a request whose in-progress write committed but answered too late, once', async () => {
    // Prepare: the first PutItem commits, then times out; the SDK sends it again.
    const { fn, post, faults } = pizzaOrders();
    faults.next('PutItemCommand', 'commit-then-timeout');

    // Act
    const first = await post('slow-write-0001');
    const retry = await post('slow-write-0001');

    // Assess: the SDK's retry found its own record, not someone else's.
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('answers 20 concurrent identical requests with one order when the first write answers too late', async () => {
    // The duplicates wait for the first as long as the function may run: on a loaded machine (or
    // under a mutation run's instrumentation) 20 requests on one local database take seconds.
    const { fn, post, faults } = pizzaOrders({ delayMs: 100, waitMs: 9_000 });
    faults.next('PutItemCommand', 'commit-then-timeout');

    const responses = await Promise.all(Array.from({ length: 20 }, () => post('slow-burst-0001')));

    expect(fn).toHaveBeenCalledTimes(1);
    expect(new Set(responses.map((response) => response.statusCode))).toEqual(new Set([201]));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
  }, 20_000);

  it('answers a duplicate of a request still running 409 with a Retry-After until its record expires', async () => {
    // Prepare: the first request runs 1.5 s in a 10 s function; the duplicate waits only 200 ms.
    const { post } = pizzaOrders({ delayMs: 1500, waitMs: 200 });
    const first = post('slow-first-0001');
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    const duplicate = await post('slow-first-0001');

    // Assess: the key is blocked until the first function's time-out, about 10 s from its start.
    expect(duplicate.statusCode).toBe(409);
    expect(body(duplicate)).toMatchObject({
      type: expect.stringContaining('idempotency-in-progress'),
      detail: 'A request with this Idempotency-Key is still in progress.',
    });
    const retryAfter = Number(duplicate.headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(9);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect((await first).statusCode).toBe(201);
  });

  it('answers 503 with Retry-After when the in-progress write keeps timing out, and leaves the key free', async () => {
    // Prepare: every attempt times out, the first after committing its record.
    const { fn, post, faults } = pizzaOrders();
    faults.next('PutItemCommand', 'commit-then-timeout');
    faults.next('PutItemCommand', 'timeout', 2);

    // Act
    const refused = await post('slow-fail-00001');
    const retry = await post('slow-fail-00001');

    // Assess
    expect(refused.statusCode).toBe(503);
    expect(refused.headers?.['retry-after']).toBe('1');
    expect(body(refused)).toMatchObject({ status: 503 });
    expect(retry.statusCode).toBe(201);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('answers 503 with Retry-After when the stored record cannot be read, and replays it later', async () => {
    // Prepare: the first request completes; reading its record for the retry then times out.
    const { fn, post, faults } = pizzaOrders();
    const first = await post('slow-read-00001');
    faults.next('GetItemCommand', 'timeout', 3);

    // Act
    const refused = await post('slow-read-00001');
    const later = await post('slow-read-00001');

    // Assess
    expect(refused.statusCode).toBe(503);
    expect(refused.headers?.['retry-after']).toBe('1');
    expect(later.statusCode).toBe(201);
    expect(later.body).toBe(first.body);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('answers 503 with the time the key stays blocked when the record of a failed request cannot be deleted', async () => {
    // Prepare: the use-case fails once, and every attempt to delete its record times out.
    let failures = 1;
    const { post, faults } = pizzaOrders({ fail: () => failures-- > 0 });
    faults.next('DeleteItemCommand', 'timeout', 3);
    const logged = jest.spyOn(logger, 'error');

    // Act
    const refused = await post('slow-delete-001');

    // Assess: an answer, not an invocation error, saying how long the record blocks the key.
    expect(refused.statusCode).toBe(503);
    const retryAfter = Number(refused.headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(9);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(body(refused)).not.toHaveProperty('detail');
    expect(logged).toHaveBeenCalledWith('Idempotency record not deleted after a failure', {
      error: expect.any(Error),
    });
  });
  it('answers 503 and leaves the key free when the in-progress record can be neither written nor released', async () => {
    // Prepare: the write commits and then times out on every attempt; so does every delete.
    const { fn, post, faults } = pizzaOrders();
    faults.next('PutItemCommand', 'commit-then-timeout', 3);
    faults.next('DeleteItemCommand', 'timeout', 3);
    const logged = jest.spyOn(logger, 'error');

    // Act
    const refused = await post('slow-release-01');

    // Assess: an answer, and the record left to the log (it blocks the key until it expires).
    expect(refused.statusCode).toBe(503);
    expect(refused.headers?.['retry-after']).toBe('1');
    expect(logged).toHaveBeenCalledWith('Idempotency record not released', { error: expect.any(Error) });
    expect(fn).not.toHaveBeenCalled();
  });

  it('answers 503 for a failing store of another kind, without releasing a record it cannot own', async () => {
    // Prepare: a Powertools persistence layer that is not an IdempotencyStore, and fails every call.
    class UnreachableStore extends BasePersistenceLayer {
      protected _deleteRecord = () => Promise.reject(new Error('unreachable'));
      protected _getRecord = () => Promise.reject(new Error('unreachable'));
      protected _putRecord = () => Promise.reject(new Error('unreachable'));
      protected _updateRecord = () => Promise.reject(new Error('unreachable'));
    }
    const fn = jest.fn(() => Promise.resolve({ id: 'p-1', name: 'M', quantity: 1 }));
    const handler = http(orderPizza, fn, { idempotency: idempotency({ store: new UnreachableStore() }) });
    const logged = jest.spyOn(logger, 'error');

    // Act
    const refused = await handler(
      restApiEvent({
        method: 'POST',
        path: '/pizzas',
        resource: '/pizzas',
        body: { name: 'M', quantity: 1 },
        headers: { 'Idempotency-Key': 'other-store-001' },
        claims: { sub: 'dana', 'cognito:groups': 'customer' },
      }),
      lambdaContext(),
    );

    // Assess
    expect(refused.statusCode).toBe(503);
    expect(refused.headers?.['retry-after']).toBe('1');
    expect(logged).not.toHaveBeenCalledWith('Idempotency record not released', expect.anything());
    expect(fn).not.toHaveBeenCalled();
  });

  it('answers 503 when the answer cannot be stored, and frees the key for the retry', async () => {
    // Prepare: the use-case runs; every attempt to store its answer times out.
    const { fn, post, faults } = pizzaOrders();
    faults.next('UpdateItemCommand', 'timeout', 3);

    // Act
    const refused = await post('slow-save-00001');
    const retry = await post('slow-save-00001');

    // Assess
    expect(refused.statusCode).toBe(503);
    expect(body(refused)).toMatchObject({ type: 'urn:slice:problem:unavailable', status: 503 });
    // No answer was stored, so the retry runs the use-case again: at least once, never locked out.
    expect(retry.statusCode).toBe(201);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
