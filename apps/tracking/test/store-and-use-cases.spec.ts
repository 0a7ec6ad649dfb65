/**
 * Tracking's use-cases against its real table (dynalite, keys and TTL from the synthesized
 * stack), with a recording stand-in for the @connections API.
 */
import type { ServerMessage } from '@slice/contracts-tracking';
import {
  createTable,
  startDynalite,
  tableInputFromTemplate,
  tableLogicalIds,
  type Dynalite,
} from '@slice/testing';
import { dynamoTrackingStore } from '../src/adapters/dynamodb-tracking-store';
import type { Pusher, TrackingDeps } from '../src/domain/ports';
import { maxOrdersPerConnection } from '../src/domain/rules';
import { announceEvent, closeConnection, openConnection, trackOrder } from '../src/domain/use-cases';
import { trackingTemplate } from './template';

let db: Dynalite;
let clock = new Date('2026-12-01T10:00:00.000Z');
let tableCount = 0;

beforeAll(async () => {
  db = await startDynalite();
  trackingTemplate();
}, 120_000);
afterAll(() => db.stop());

/** A pusher that records what each connection got; connections in `gone` answer GoneException. */
function recordingPusher(gone: Set<string> = new Set()) {
  const sent: Array<{ connectionId: string; message: ServerMessage }> = [];
  const pusher: Pusher = {
    push: (connectionId, message) => {
      if (gone.has(connectionId)) return Promise.resolve('gone');
      sent.push({ connectionId, message });
      return Promise.resolve('sent');
    },
  };
  return { pusher, sent, gone };
}

async function freshDeps(gone?: Set<string>) {
  const template = trackingTemplate().toJSON();
  const [table] = tableLogicalIds(template);
  const name = `tracking-${(tableCount += 1)}`;
  await createTable(db.client, tableInputFromTemplate(template, table as string, name));
  const recording = recordingPusher(gone);
  const deps: TrackingDeps = {
    store: dynamoTrackingStore(db.documentClient, name, () => clock),
    pusher: recording.pusher,
    now: () => clock,
  };
  return { deps, ...recording };
}

const orderId = '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10';
const order = (status: 'PLACED' | 'CANCELLED', customerId = 'alice') => ({
  order: {
    id: orderId,
    customerId,
    status,
    lines: [],
    total: { amount: 900, currency: 'EUR' },
  },
});
const placed = (customerId = 'alice', occurredAt = '2026-12-01T10:00:01.000Z') => ({
  source: 'slice.orders',
  detailType: 'OrderPlaced',
  detail: {
    id: `${orderId}:placed`,
    occurredAt,
    correlationId: 'c-1',
    version: 1,
    ...order('PLACED', customerId),
  },
});
const cancelled = (occurredAt = '2026-12-01T10:05:00.000Z') => ({
  source: 'slice.orders',
  detailType: 'OrderCancelled',
  detail: { id: `${orderId}:cancelled`, occurredAt, correlationId: 'c-2', version: 1, ...order('CANCELLED') },
});
const alice = { connectionId: 'conn-alice', customerId: 'alice' };
const bob = { connectionId: 'conn-bob', customerId: 'bob' };

describe('tracking an order', () => {
  it('answers the current status at once, then pushes every change to the owner', async () => {
    // Prepare
    const { deps, sent } = await freshDeps();
    await openConnection(alice, deps);
    await announceEvent(placed(), deps);

    // Act
    const answer = await trackOrder({ action: 'track', orderId }, alice, deps);
    const report = await announceEvent(cancelled(), deps);

    // Assess
    expect(answer).toEqual({ type: 'status', orderId, status: 'placed', at: '2026-12-01T10:00:01.000Z' });
    expect(report).toEqual({ sent: 1, gone: 0, refused: 0 });
    expect(sent).toEqual([
      {
        connectionId: 'conn-alice',
        message: { type: 'status', orderId, status: 'cancelled', at: '2026-12-01T10:05:00.000Z' },
      },
    ]);
  });

  it("refuses another customer's order as not found, and pushes it nothing", async () => {
    const { deps, sent } = await freshDeps();
    await announceEvent(placed(), deps);
    await openConnection(bob, deps);

    const answer = await trackOrder({ action: 'track', orderId }, bob, deps);
    await announceEvent(cancelled(), deps);

    expect(answer).toEqual({
      type: 'error',
      code: 'order-not-found',
      message: 'No such order for this caller.',
      orderId,
    });
    expect(sent).toEqual([]);
  });

  it('answers pending for an order not heard of yet, and pushes its status when it is placed', async () => {
    const { deps, sent } = await freshDeps();
    await openConnection(alice, deps);

    const answer = await trackOrder({ action: 'track', orderId }, alice, deps);
    await announceEvent(placed(), deps);

    expect(answer).toMatchObject({ type: 'pending', orderId });
    expect(sent.map((push) => push.message)).toEqual([
      { type: 'status', orderId, status: 'placed', at: '2026-12-01T10:00:01.000Z' },
    ]);
  });

  it('tells a watcher who turns out not to be the owner that the order is not found, and stops', async () => {
    const { deps, sent } = await freshDeps();
    await openConnection(bob, deps);
    await trackOrder({ action: 'track', orderId }, bob, deps);

    const first = await announceEvent(placed('alice'), deps);
    const second = await announceEvent(cancelled(), deps);

    expect(first).toEqual({ sent: 0, gone: 0, refused: 1 });
    expect(second).toEqual({ sent: 0, gone: 0, refused: 0 });
    expect(sent).toEqual([
      { connectionId: 'conn-bob', message: expect.objectContaining({ code: 'order-not-found' }) },
    ]);
  });

  it('pushes nothing for a stale event, and again for a redelivered one', async () => {
    const { deps, sent } = await freshDeps();
    await openConnection(alice, deps);
    await trackOrder({ action: 'track', orderId }, alice, deps);
    await announceEvent(cancelled(), deps);

    // OrderPlaced arrives after the cancellation it preceded; then the cancellation is redelivered.
    await announceEvent(placed(), deps);
    await announceEvent(cancelled(), deps);

    expect(sent.map((push) => push.message)).toEqual([
      expect.objectContaining({ status: 'cancelled' }),
      expect.objectContaining({ status: 'cancelled' }),
    ]);
    expect(await trackOrder({ action: 'track', orderId }, alice, deps)).toMatchObject({
      status: 'cancelled',
    });
  });

  it('keeps the first owner an event names', async () => {
    const { deps } = await freshDeps();
    await announceEvent(placed('alice'), deps);
    await announceEvent(placed('mallory', '2026-12-01T10:00:02.000Z'), deps);

    expect(await deps.store.order(orderId)).toMatchObject({ customerId: 'alice' });
  });

  it(`refuses more than ${maxOrdersPerConnection} orders on one connection, but not the same one twice`, async () => {
    const { deps } = await freshDeps();
    await openConnection(alice, deps);
    const ids = Array.from(
      { length: maxOrdersPerConnection },
      (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    );
    for (const id of ids) await trackOrder({ action: 'track', orderId: id }, alice, deps);

    const again = await trackOrder({ action: 'track', orderId: ids[0] as string }, alice, deps);
    const more = await trackOrder({ action: 'track', orderId }, alice, deps);

    expect(again).toMatchObject({ type: 'pending' });
    expect(more).toMatchObject({ type: 'error', code: 'too-many-orders' });
  });
});

describe('connections', () => {
  it('forgets a connection that answers GoneException the first time a push meets it', async () => {
    const gone = new Set<string>();
    const { deps, sent } = await freshDeps(gone);
    await openConnection(alice, deps);
    await openConnection({ ...alice, connectionId: 'conn-alice-2' }, deps);
    await trackOrder({ action: 'track', orderId }, alice, deps);
    await trackOrder({ action: 'track', orderId }, { ...alice, connectionId: 'conn-alice-2' }, deps);
    gone.add('conn-alice');

    const report = await announceEvent(placed(), deps);

    expect(report).toEqual({ sent: 1, gone: 1, refused: 0 });
    expect((await deps.store.watchers(orderId)).map((watch) => watch.connectionId)).toEqual(['conn-alice-2']);
    expect(sent.map((push) => push.connectionId)).toEqual(['conn-alice-2']);
  });

  it('keeps a connection with its TTL at the two-hour limit, and forgets it and its watches on disconnect', async () => {
    const { deps } = await freshDeps();
    await openConnection(alice, deps);
    await trackOrder({ action: 'track', orderId }, alice, deps);
    const [watch] = await deps.store.watchers(orderId);
    expect(watch?.expiresAt.toISOString()).toBe('2026-12-01T12:00:00.000Z');

    await closeConnection(alice.connectionId, deps);

    expect(await deps.store.watchers(orderId)).toEqual([]);
  });

  it('pushes nothing to a watch past the two-hour limit that TTL has not deleted yet', async () => {
    const { deps, sent } = await freshDeps();
    await openConnection(alice, deps);
    await trackOrder({ action: 'track', orderId }, alice, deps);
    clock = new Date(clock.getTime() + 2 * 60 * 60 * 1000 + 1000);
    try {
      await announceEvent(placed(), deps);
    } finally {
      clock = new Date('2026-12-01T10:00:00.000Z');
    }
    expect(sent).toEqual([]);
  });
});
