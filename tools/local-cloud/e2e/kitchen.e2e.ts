/**
 * Kitchen end to end on the real synthesized stacks, through the local domain: an order placed
 * with `POST /orders` becomes a ticket (Orders' outbox → the bus → the Kitchen queue → one
 * workflow per order), a cook starts it, the local clock is moved past the bake, and the order is
 * READY: one `OrderReady` on the bus, one SMS (or, for an order that chose email, one email and no
 * SMS) captured, the customer's order READY. A
 * cancel while the workflow waits for a cook ends it cancelled, without `OrderReady`, and one while
 * it bakes stops it (ABORTED) there and then; a poison
 * message ends in the dead-letter queue after its receives while the rest of its batch is done once.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { findSeedFiles, seed } from '../src/seed';

const root = resolve(__dirname, '../../..');
const logs: string[] = [];
let cloud: LocalCloud;
let customer: string;
let staff: string;

const address = { name: 'Kim', line1: '3 Oven Street', city: 'Utrecht', postcode: '3511AC', country: 'NL' };
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

beforeAll(async () => {
  cloud = await startLocalCloud({ root, port: 0, log: (line) => logs.push(line) });
  await seed(cloud.url, findSeedFiles(root), (role) => cloud.token({ sub: `seed-${role}`, groups: [role] }));
  customer = await cloud.token({ sub: 'carla', groups: ['customer'] });
  staff = await cloud.token({ sub: 'kim', groups: ['staff'] });
}, 180_000);

afterAll(async () => {
  // The cloud's log (every function, by correlation id), for a failure's story.
  mkdirSync(join(root, 'dist/e2e'), { recursive: true });
  writeFileSync(join(root, 'dist/e2e/kitchen-local-cloud.log'), `${logs.join('\n')}\n`);
  await cloud?.stop();
});

type Json = Record<string, unknown>;

/** The value at a dot path of a JSON value, `undefined` when any step is missing. */
const at = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Json)[key] : undefined),
      value,
    );

async function call(method: string, path: string, token?: string, body?: unknown, headers: Json = {}) {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
}

/** Polls `probe` until it answers something, within `timeoutMs` of real time. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * `POST /orders` as a client should send it: a 503 (Orders' call to Menu timed out, as a cold
 * Menu on a loaded machine can make it) is retried a second later, with the same
 * `Idempotency-Key`, so the order is still placed once.
 */
async function placeOrder(quantity = 1, notify?: 'sms' | 'email'): Promise<string> {
  const key = `kitchen-e2e-${randomUUID()}`;
  const body = {
    items: [{ itemId: 'margherita', quantity }],
    deliveryAddress: address,
    ...(notify ? { notify } : {}),
  };
  let placed = await call('POST', '/orders', customer, body, { 'idempotency-key': key });
  for (let retry = 0; retry < 3 && placed.status === 503; retry++) {
    await sleep(1000);
    placed = await call('POST', '/orders', customer, body, { 'idempotency-key': key });
  }
  expect(placed.status).toBe(201);
  return placed.body.id as string;
}

const ticket = (id: string) => call('GET', `/kitchen/tickets/${id}`, staff);
const ticketIn = (id: string, status: string) =>
  eventually(`ticket ${id} ${status}`, async () => {
    const found = await ticket(id);
    return found.status === 200 && found.body.status === status ? found.body : undefined;
  });
const admin = async (path: string) => (await call('GET', path)).body;
const eventsOf = async (detailType: string, orderId: string) =>
  ((await admin(`/_local/events?detailType=${detailType}`)).events as Json[]).filter(
    (event) => at(event, 'detail.ticket.orderId') === orderId || at(event, 'detail.order.id') === orderId,
  );
/** The execution of an order's workflow, as `GET /_local/executions` lists it. */
const executionOf = async (orderId: string) =>
  ((await admin('/_local/executions')).executions as Json[] | undefined)?.find(
    (execution) => execution.name === orderId,
  );
/** Whether the order's workflow has entered a state (its history says so). */
const entered = (orderId: string, state: string) =>
  eventually(`${orderId} entering ${state}`, async () => {
    const execution = await executionOf(orderId);
    const events = (execution?.history ?? execution?.events ?? []) as Json[];
    return events.some((event) => at(event, 'stateEnteredEventDetails.name') === state) ? true : undefined;
  });

/** Waits for the order's workflow to succeed; a timeout names where it stopped. */
async function succeeded(orderId: string): Promise<void> {
  try {
    await eventually('the workflow to succeed', async () =>
      (await executionOf(orderId))?.status === 'SUCCEEDED' ? true : undefined,
    );
  } catch (error) {
    const execution = await executionOf(orderId);
    const events = (execution?.history ?? execution?.events ?? []) as Json[];
    throw new Error(
      `${(error as Error).message}: ${String(execution?.status)}, failures ${JSON.stringify(events.filter((event) => /Failed|TimedOut/.test(String(event.type))).slice(0, 3))}`,
      { cause: error },
    );
  }
}

describe('Kitchen through the local cloud', () => {
  it('cooks a placed order: a ticket at once, BAKING when started, READY when the clock passes the bake', async () => {
    const orderId = await placeOrder(2);

    const queued = await ticketIn(orderId, 'QUEUED');
    const queue = await call('GET', '/kitchen/queue?limit=100', staff);
    expect((queue.body.items as Json[]).map((order) => order.id)).toContain(orderId);
    await entered(orderId, 'WaitForCook');

    const started = await call('POST', `/kitchen/tickets/${orderId}/start`, staff);
    expect(started).toMatchObject({ status: 200, body: { status: 'BAKING' } });
    await entered(orderId, 'Bake');
    const moved = await call('POST', '/_local/clock', undefined, {
      advanceBy: (queued.bakeSeconds as number) * 1000 + 1000,
    });
    expect(moved.status).toBe(200);

    const ready = await ticketIn(orderId, 'READY');
    expect(ready.workflow).toMatchObject({ name: orderId });
    await succeeded(orderId);
    await sleep(500); // a duplicate would show up by now
    const [readyEvent] = await eventsOf('OrderReady', orderId);
    expect(await eventsOf('OrderReady', orderId)).toHaveLength(1);
    // One flow, one correlation id; OrderReady names the OrderPlaced that started the workflow.
    const [placedEvent] = await eventsOf('OrderPlaced', orderId);
    expect(at(readyEvent, 'detail.causationId')).toBe(at(placedEvent, 'detail.id'));
    expect(at(readyEvent, 'detail.correlationId')).toBe(at(placedEvent, 'detail.correlationId'));
    const notifications = ((await admin('/_local/notifications')).notifications as Json[]).filter((sent) =>
      JSON.stringify(sent).includes(orderId),
    );
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ protocol: 'sms' });
    const order = await eventually('the order READY', async () => {
      const read = await call('GET', `/orders/${orderId}`, customer);
      return read.body.status === 'READY' ? read.body : undefined;
    });
    expect(order.readyAt).toBe(ready.readyAt);
  }, 120_000);

  it("tells a customer who chose email by one email and no SMS: the order's channel, not the store's default", async () => {
    const orderId = await placeOrder(1, 'email');
    const queued = await ticketIn(orderId, 'QUEUED');
    expect(queued.channel).toBe('email');
    await entered(orderId, 'WaitForCook');
    expect((await call('POST', `/kitchen/tickets/${orderId}/start`, staff)).status).toBe(200);
    await entered(orderId, 'Bake');
    await call('POST', '/_local/clock', undefined, {
      advanceBy: (queued.bakeSeconds as number) * 1000 + 1000,
    });

    await succeeded(orderId);
    await sleep(500); // a second delivery would show up by now
    const notifications = ((await admin('/_local/notifications')).notifications as Json[]).filter((sent) =>
      JSON.stringify(sent).includes(orderId),
    );
    expect(notifications.map((sent) => sent.protocol)).toEqual(['email']);
    expect((await call('GET', `/orders/${orderId}`, customer)).body).toMatchObject({ notify: 'email' });
  }, 120_000);

  it('ends the workflow of an order cancelled while it waits for a cook as cancelled, with no OrderReady', async () => {
    const orderId = await placeOrder();
    await ticketIn(orderId, 'QUEUED');
    await entered(orderId, 'WaitForCook');

    expect((await call('POST', `/orders/${orderId}/cancel`, customer)).status).toBe(200);

    await ticketIn(orderId, 'CANCELLED');
    await entered(orderId, 'Cancelled');
    await succeeded(orderId);
    await eventually('TicketCancelled', async () =>
      (await eventsOf('TicketCancelled', orderId)).length > 0 ? true : undefined,
    );
    await sleep(500); // a duplicate would show up by now
    expect(await eventsOf('TicketCancelled', orderId)).toHaveLength(1);
    expect(await eventsOf('OrderReady', orderId)).toHaveLength(0);
  }, 120_000);

  it('stops the workflow of an order cancelled while it bakes: ABORTED at once, TicketCancelled, never OrderReady', async () => {
    const orderId = await placeOrder();
    const queued = await ticketIn(orderId, 'QUEUED');
    await entered(orderId, 'WaitForCook');
    expect((await call('POST', `/kitchen/tickets/${orderId}/start`, staff)).status).toBe(200);
    await entered(orderId, 'Bake');

    expect((await call('POST', `/orders/${orderId}/cancel`, customer)).status).toBe(200);

    // Stopped in its Wait, before the bake ends: the clock has not moved.
    const stopped = await eventually('the workflow stopped', async () => {
      const execution = await executionOf(orderId);
      return execution?.status === 'ABORTED' ? execution : undefined;
    });
    const events = (stopped.history ?? stopped.events ?? []) as Json[];
    expect(events.find((event) => event.type === 'ExecutionAborted')).toMatchObject({
      executionAbortedEventDetails: {
        error: 'Kitchen.Cancelled',
        cause: 'Kitchen.Cancelled: ORDER_CANCELLED',
      },
    });
    expect(await ticketIn(orderId, 'CANCELLED')).toMatchObject({ workflow: { status: 'ABORTED' } });
    await eventually('TicketCancelled', async () =>
      (await eventsOf('TicketCancelled', orderId)).length > 0 ? true : undefined,
    );
    // Past the bake time nothing more happens: no READY update, no OrderReady, no notification.
    await call('POST', '/_local/clock', undefined, {
      advanceBy: (queued.bakeSeconds as number) * 1000 + 1000,
    });
    await sleep(500);
    expect(await eventsOf('TicketCancelled', orderId)).toHaveLength(1);
    expect(await eventsOf('OrderReady', orderId)).toHaveLength(0);
    expect((await ticket(orderId)).body.status).toBe('CANCELLED');
    const notifications = ((await admin('/_local/notifications')).notifications as Json[]).filter((sent) =>
      JSON.stringify(sent).includes(orderId),
    );
    expect(notifications).toHaveLength(0);
  }, 120_000);

  it('parks a poison message in the dead-letter queue after its receives, and takes the rest of its batch once', async () => {
    const credentials = await admin('/_local/credentials');
    const bus = new EventBridgeClient({
      endpoint: credentials.endpoint as string,
      region: credentials.region as string,
      credentials: {
        accessKeyId: credentials.accessKeyId as string,
        secretAccessKey:
          typeof credentials.secretAccessKey === 'string' ? credentials.secretAccessKey : 'local',
      },
    });
    const busName = cloud.model.eventBuses?.find((candidate) =>
      candidate.stackName.startsWith('SlicePlatform'),
    )?.name;
    const goodId = randomUUID();
    const order = {
      id: goodId,
      customerId: 'carla',
      status: 'PLACED',
      lines: [
        {
          itemId: 'margherita',
          name: 'Margherita',
          quantity: 1,
          unitPrice: { amount: 900, currency: 'EUR' },
          lineTotal: { amount: 900, currency: 'EUR' },
        },
      ],
      total: { amount: 900, currency: 'EUR' },
      deliveryAddress: address,
      placedAt: new Date().toISOString(),
    };
    const entry = (detail: unknown) => ({
      EventBusName: busName,
      Source: 'slice.orders',
      DetailType: 'OrderPlaced',
      Detail: JSON.stringify(detail),
    });
    const poisonId = `poison-${randomUUID()}`;
    await bus.send(
      new PutEventsCommand({
        Entries: [
          entry({
            id: poisonId,
            occurredAt: order.placedAt,
            correlationId: poisonId,
            version: 1,
            order: { id: 'not-an-order' },
          }),
          entry({
            id: `${goodId}:placed`,
            occurredAt: order.placedAt,
            correlationId: goodId,
            version: 1,
            order,
          }),
        ],
      }),
    );

    await ticketIn(goodId, 'QUEUED');
    const queues = (await admin('/_local/queues')).queues as Json[];
    const deadLetters = queues.find((queue) => /IntakeOrderEventsDeadLetters/.test(String(queue.name)));
    expect(deadLetters).toBeDefined();
    // Each receive of the poison message fails; past the visibility timeout it is received again,
    // until its receives run out. The clock moves past the timeout until then, however long a
    // loaded machine takes over each receive.
    const parked = await eventually(
      'the poison message in the dead-letter queue',
      async () => {
        const now = ((await admin('/_local/queues')).queues as Json[]).find(
          (queue) => queue.name === deadLetters?.name,
        );
        const messages = (now?.messages ?? []) as Json[];
        if (messages.some((message) => String(message.body ?? message.Body).includes(poisonId)))
          return messages;
        await call('POST', '/_local/clock', undefined, { advanceBy: 61_000 });
        await sleep(250);
        return undefined;
      },
      45_000,
    );
    expect(parked.filter((message) => String(message.body ?? message.Body).includes(goodId))).toHaveLength(0);
    const executions = ((await admin('/_local/executions')).executions as Json[]).filter(
      (run) => run.name === goodId,
    );
    expect(executions).toHaveLength(1);
  }, 120_000);
});
