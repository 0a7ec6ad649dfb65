/**
 * The transactional outbox of the Orders service, end to end on the real synthesized stacks:
 * an order written to the table reaches the bus through the table stream and the publishing
 * function exactly once, also when EventBridge fails the first attempt, and a rule on the
 * platform bus (added here the way a consuming service's stack would declare it) delivers it on.
 */
import { resolve } from 'node:path';
import type { LocalModel } from '../src/assembly';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { findSeedFiles, seed } from '../src/seed';

const root = resolve(__dirname, '../../..');
const logs: string[] = [];
let cloud: LocalCloud;
let token: string;

const address = { name: 'Dana', line1: '2 Oven Street', city: 'Utrecht', postcode: '3511AB', country: 'NL' };

/** The queue a consumer of `OrderPlaced` would read, and the rule that fills it. */
const probeQueueArn = 'arn:aws:sqs:eu-west-1:000000000000:order-placed-probe';
const withOrderPlacedRule = (model: LocalModel): LocalModel => {
  const bus = model.eventBuses?.find((candidate) => candidate.stackName.startsWith('SlicePlatform'));
  if (!bus) throw new Error('the platform stack declares no event bus');
  return {
    ...model,
    queues: [
      ...model.queues,
      {
        id: 'SliceProbe-dev/OrderPlaced',
        stackName: 'SliceProbe-dev',
        logicalId: 'OrderPlaced',
        queueName: 'order-placed-probe',
        url: 'https://sqs.eu-west-1.amazonaws.com/000000000000/order-placed-probe',
        arn: probeQueueArn,
        properties: {},
      },
    ],
    eventRules: [
      ...(model.eventRules ?? []),
      {
        id: 'SliceProbe-dev/OrderPlacedRule',
        stackName: 'SliceProbe-dev',
        logicalId: 'OrderPlacedRule',
        name: 'order-placed-probe',
        arn: 'arn:aws:events:eu-west-1:000000000000:rule/order-placed-probe',
        eventBusName: bus.name,
        eventPattern: { source: ['slice.orders'], 'detail-type': ['OrderPlaced'] },
        enabled: true,
        targets: [
          { id: 'Probe', arn: probeQueueArn, maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 },
        ],
      },
    ],
  };
};

beforeAll(async () => {
  cloud = await startLocalCloud({
    root,
    port: 0,
    transformModel: withOrderPlacedRule,
    log: (line) => logs.push(line),
  });
  await seed(cloud.url, findSeedFiles(root), (role) => cloud.token({ sub: `seed-${role}`, groups: [role] }));
  token = await cloud.token({ sub: 'dana', groups: ['customer'] });
}, 60_000);

afterAll(() => cloud?.stop());

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function placeOrder(idempotencyKey: string): Promise<string> {
  const response = await fetch(`${cloud.url}/orders`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
    },
    body: JSON.stringify({ items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress: address }),
  });
  expect(response.status).toBe(201);
  return String(((await response.json()) as { id: unknown }).id);
}

/** How long to wait for what two cold function starts and a stream poll produce, on a loaded CI machine. */
const arrivalMs = 20_000;
/** A test's timeout: an order, the wait for its events, and room to spare. */
const testTimeoutMs = 2 * arrivalMs;

/** The events of one order and type on the bus, once at least one arrived and a redelivery had time to show. */
async function published(orderId: string, detailType: string) {
  const matching = () =>
    cloud
      .localEvents({ source: 'slice.orders', detailType })
      .filter((event) => JSON.stringify(event.detail).includes(orderId));
  const deadline = Date.now() + arrivalMs;
  while (matching().length === 0 && Date.now() < deadline) await sleep(50);
  // A duplicate would come from a retried batch: give one a chance to appear.
  await sleep(750);
  return matching();
}

describe('the Orders outbox', () => {
  it(
    'puts exactly one OrderPlaced for a placed order',
    async () => {
      const orderId = await placeOrder('outbox-e2e-0001');
      const events = await published(orderId, 'OrderPlaced');
      expect(events).toHaveLength(1);
      expect(events[0]?.functionId).toMatch(/PublishOrderEvents/);

      // The rule on the platform bus put the event, as EventBridge sends it, on the consumer's queue.
      const delivered = (cloud.endpoint.queues.byArn(probeQueueArn)?.messages() ?? [])
        .map((message) => JSON.parse(message.body) as { id: string; 'detail-type': string; detail: unknown })
        .filter((event) => JSON.stringify(event.detail).includes(orderId));
      expect(delivered).toEqual([
        expect.objectContaining({ id: events[0]?.id, 'detail-type': 'OrderPlaced', source: 'slice.orders' }),
      ]);
    },
    testTimeoutMs,
  );

  it(
    'puts exactly one OrderPlaced when EventBridge fails the entries of the first PutEvents',
    async () => {
      cloud.endpoint.faults.failNext('events:PutEvents', 1, 'failed-entries', 'PublishOrderEvents');
      const orderId = await placeOrder('outbox-e2e-0002');
      const events = await published(orderId, 'OrderPlaced');

      expect(cloud.endpoint.faults.pending('events:PutEvents')).toBe(0);
      expect(events).toHaveLength(1);
      // The stream event source retried the record; nothing was parked.
      expect(logs.join('\n')).toMatch(
        /fault injected: events:PutEvents from \S*PublishOrderEvents\S* \(failed-entries\)/,
      );
      expect(logs.join('\n')).toMatch(/PublishOrderEvents\S* failed on records .*; retry 1 of 10/);
      expect(cloud.eventSources.failed).toEqual([]);
    },
    testTimeoutMs,
  );

  it(
    'puts exactly one OrderPlaced when the first PutEvents call fails with a 500',
    async () => {
      cloud.endpoint.faults.failNext('events:PutEvents', 1, 'server-error', 'PublishOrderEvents');
      const orderId = await placeOrder('outbox-e2e-0003');
      const events = await published(orderId, 'OrderPlaced');

      expect(cloud.endpoint.faults.pending('events:PutEvents')).toBe(0);
      expect(events).toHaveLength(1);
    },
    testTimeoutMs,
  );

  it(
    'puts exactly one OrderCancelled for a cancelled order',
    async () => {
      const orderId = await placeOrder('outbox-e2e-0004');
      const cancelled = await fetch(`${cloud.url}/orders/${orderId}/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(cancelled.status).toBe(200);

      const events = await published(orderId, 'OrderCancelled');
      expect(events).toHaveLength(1);
      expect(await published(orderId, 'OrderPlaced')).toHaveLength(1);
    },
    testTimeoutMs,
  );

  it('lists the queues with their counts at /_local/queues', async () => {
    const response = await fetch(`${cloud.url}/_local/queues`);
    const { queues } = (await response.json()) as {
      queues: Array<{ name: string; arn: string; visible: number; inFlight: number; messages: unknown[] }>;
    };
    expect(queues.map((queue) => queue.arn)).toEqual(
      expect.arrayContaining(cloud.model.queues.map((queue) => queue.arn)),
    );
    // Nothing failed in this suite: every dead-letter queue of the stacks is empty.
    for (const queue of queues.filter((candidate) => candidate.arn !== probeQueueArn)) {
      expect(queue).toMatchObject({ visible: 0, inFlight: 0, messages: [] });
    }
    expect(queues.find((queue) => queue.arn === probeQueueArn)?.visible).toBeGreaterThan(0);
  });
});

describe('the Orders outbox when EventBridge keeps failing', () => {
  it(
    "sends Lambda's record of the failed batch to the outbox dead-letter queue, and parks it",
    async () => {
      // One retry instead of the stack's ten keeps the test short; everything else is as synthesized.
      const oneRetry = (model: LocalModel): LocalModel => ({
        ...model,
        eventSourceMappings: model.eventSourceMappings.map((mapping) =>
          mapping.stackName.startsWith('SliceOrders')
            ? { ...mapping, properties: { ...mapping.properties, MaximumRetryAttempts: 1 } }
            : mapping,
        ),
      });
      const failing = await startLocalCloud({
        root,
        port: 0,
        transformModel: oneRetry,
        log: () => undefined,
      });
      try {
        await seed(failing.url, findSeedFiles(root), (role) =>
          failing.token({ sub: `seed-${role}`, groups: [role] }),
        );
        failing.endpoint.faults.failNext('events:PutEvents', 2, 'failed-entries', 'PublishOrderEvents');
        const response = await fetch(`${failing.url}/orders`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await failing.token({ sub: 'erin', groups: ['customer'] })}`,
            'content-type': 'application/json',
            'idempotency-key': 'outbox-e2e-dlq-1',
          },
          body: JSON.stringify({ items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress: address }),
        });
        expect(response.status).toBe(201);

        const deadLetters = failing.model.queues.find(
          (queue) =>
            queue.stackName.startsWith('SliceOrders') && queue.logicalId.startsWith('OutboxDeadLetters'),
        );
        const queue = deadLetters && failing.endpoint.queues.byArn(deadLetters.arn);
        const deadline = Date.now() + arrivalMs;
        while ((queue?.messages().length ?? 0) === 0 && Date.now() < deadline) await sleep(50);

        const [message] = queue?.messages() ?? [];
        const record = JSON.parse(message?.body ?? '{}') as Record<string, unknown>;
        expect(record).toMatchObject({
          requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 },
          DDBStreamBatchInfo: { batchSize: 1 },
        });
        expect(failing.eventSources.failed).toEqual([expect.objectContaining({ sentToDestination: true })]);
        expect(failing.localEvents({ detailType: 'OrderPlaced' })).toEqual([]);
      } finally {
        await failing.stop();
      }
    },
    60_000 + arrivalMs,
  );
});
