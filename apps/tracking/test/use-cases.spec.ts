/**
 * Tracking's use-cases against a recording store: what each one writes and pushes. The same flows
 * against the real table are in `store-and-use-cases.spec.ts`.
 */
import type { ServerMessage } from '@slice/contracts-tracking';
import type { Connection, TrackedOrder, TrackingDeps, TrackingStore, Watch } from '../src/domain/ports';
import { announceEvent, closeConnection, openConnection, trackOrder } from '../src/domain/use-cases';

const orderId = '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10';
const now = new Date('2026-12-01T10:00:00.000Z');
const twoHoursLater = new Date('2026-12-01T12:00:00.000Z');
const alice = { connectionId: 'conn-alice', customerId: 'alice' };

/** A store that records every call and answers what the test sets. */
function recordingStore(answers: { order?: TrackedOrder; recorded?: TrackedOrder; watchers?: Watch[] } = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const store: TrackingStore = {
    saveConnection: (connection: Connection) =>
      Promise.resolve(void calls.push(['saveConnection', connection])),
    saveWatch: (watch, max) => Promise.resolve(calls.push(['saveWatch', watch, max]) > 0 && max > 0),
    forgetConnection: (connectionId) => Promise.resolve(void calls.push(['forgetConnection', connectionId])),
    removeWatch: (id, connectionId) => Promise.resolve(void calls.push(['removeWatch', id, connectionId])),
    order: () => Promise.resolve(answers.order),
    watchers: () => Promise.resolve(answers.watchers ?? []),
    recordOwner: (id, customerId) => Promise.resolve(void calls.push(['recordOwner', id, customerId])),
    recordStatus: (change) =>
      Promise.resolve(void calls.push(['recordStatus', change])).then(() => answers.recorded),
  };
  return { store, calls };
}

/** A pusher that records what it sent; connections in `gone` answer GoneException. */
function recordingPusher(gone: readonly string[] = []) {
  const sent: Array<[string, ServerMessage]> = [];
  const pusher: TrackingDeps['pusher'] = {
    push: (connectionId, message) => {
      if (gone.includes(connectionId)) return Promise.resolve('gone');
      sent.push([connectionId, message]);
      return Promise.resolve('sent');
    },
  };
  return { pusher, sent };
}

const depsOf = (store: TrackingStore, pusher = recordingPusher().pusher): TrackingDeps => ({
  store,
  pusher,
  now: () => now,
});

const watchOf = (connectionId: string, customerId: string): Watch => ({
  orderId,
  connectionId,
  customerId,
  expiresAt: twoHoursLater,
});

const placed = (order: { id: string; customerId?: string } = { id: orderId, customerId: 'alice' }) => ({
  source: 'slice.orders',
  detailType: 'OrderPlaced',
  detail: { id: `${orderId}:placed`, occurredAt: '2026-12-01T10:00:01.000Z', order },
});

describe('connections', () => {
  it('records a connection with the time it opened and its two-hour expiry', async () => {
    const { store, calls } = recordingStore();
    await openConnection(alice, depsOf(store));
    expect(calls).toEqual([
      ['saveConnection', { ...alice, connectedAt: now.toISOString(), expiresAt: twoHoursLater }],
    ]);
  });

  it('forgets a closed connection', async () => {
    const { store, calls } = recordingStore();
    await closeConnection('conn-alice', depsOf(store));
    expect(calls).toEqual([['forgetConnection', 'conn-alice']]);
  });
});

describe('trackOrder', () => {
  it('watches the order for the caller until the connection closes, at most ten per connection', async () => {
    const { store, calls } = recordingStore({
      order: { orderId, customerId: 'alice', status: 'placed', at: 'then' },
    });
    await expect(trackOrder({ action: 'track', orderId }, alice, depsOf(store))).resolves.toEqual({
      type: 'status',
      orderId,
      status: 'placed',
      at: 'then',
    });
    expect(calls).toEqual([['saveWatch', watchOf('conn-alice', 'alice'), 10]]);
  });

  it('says how many orders a connection may follow when it is full', async () => {
    const { store } = recordingStore();
    jest.spyOn(store, 'saveWatch').mockResolvedValue(false);
    await expect(trackOrder({ action: 'track', orderId }, alice, depsOf(store))).resolves.toEqual({
      type: 'error',
      code: 'too-many-orders',
      message: 'One connection follows at most 10 orders; open another.',
      orderId,
    });
  });

  it('answers pending, with what it means, for an order not heard of', async () => {
    const { store } = recordingStore();
    await expect(trackOrder({ action: 'track', orderId }, alice, depsOf(store))).resolves.toEqual({
      type: 'pending',
      orderId,
      message: 'This order is not known to tracking yet; its status follows as soon as it is.',
    });
  });
});

describe('announceEvent', () => {
  it('records the owner and the status, and pushes the status to the owner’s watches', async () => {
    const recorded = {
      orderId,
      customerId: 'alice',
      status: 'placed' as const,
      at: '2026-12-01T10:00:01.000Z',
    };
    const { store, calls } = recordingStore({
      recorded,
      watchers: [watchOf('conn-alice', 'alice'), watchOf('conn-alice-2', 'alice')],
    });
    const { pusher, sent } = recordingPusher();
    await expect(announceEvent(placed(), depsOf(store, pusher))).resolves.toEqual({
      sent: 2,
      gone: 0,
      refused: 0,
    });
    expect(calls).toEqual([
      ['recordOwner', orderId, 'alice'],
      [
        'recordStatus',
        { orderId, status: 'placed', at: '2026-12-01T10:00:01.000Z', eventId: `${orderId}:placed` },
      ],
    ]);
    const status = { type: 'status', orderId, status: 'placed', at: '2026-12-01T10:00:01.000Z' };
    expect(sent).toEqual([
      ['conn-alice', status],
      ['conn-alice-2', status],
    ]);
  });

  it("tells someone else's watch the order is not found and removes it; forgets gone connections", async () => {
    const { store, calls } = recordingStore({
      recorded: { orderId, customerId: 'alice', status: 'placed', at: 'then' },
      watchers: [
        watchOf('conn-bob', 'bob'),
        watchOf('conn-gone', 'alice'),
        watchOf('conn-mallory', 'mallory'),
      ],
    });
    const { pusher, sent } = recordingPusher(['conn-gone', 'conn-mallory']);
    await expect(announceEvent(placed(), depsOf(store, pusher))).resolves.toEqual({
      sent: 0,
      gone: 1,
      refused: 2,
    });
    expect(sent).toEqual([
      [
        'conn-bob',
        { type: 'error', code: 'order-not-found', message: 'No such order for this caller.', orderId },
      ],
    ]);
    expect(calls.filter(([name]) => name !== 'recordOwner' && name !== 'recordStatus')).toEqual([
      ['removeWatch', orderId, 'conn-bob'],
      ['removeWatch', orderId, 'conn-mallory'],
      ['forgetConnection', 'conn-gone'],
      ['forgetConnection', 'conn-mallory'],
    ]);
  });

  it('pushes nothing for a stale event, nor before an event names the owner', async () => {
    const watchers = [watchOf('conn-alice', 'alice')];
    const { pusher, sent } = recordingPusher();
    const stale = recordingStore({ watchers });
    await expect(announceEvent(placed(), depsOf(stale.store, pusher))).resolves.toEqual({
      sent: 0,
      gone: 0,
      refused: 0,
    });
    const ownerless = recordingStore({ recorded: { orderId, status: 'placed', at: 'then' }, watchers });
    await expect(announceEvent(placed({ id: orderId }), depsOf(ownerless.store, pusher))).resolves.toEqual({
      sent: 0,
      gone: 0,
      refused: 0,
    });
    expect(ownerless.calls.map(([name]) => name)).toEqual(['recordStatus']);
    expect(sent).toEqual([]);
  });

  it('ignores an event it does not follow, or one without an order id, writing nothing', async () => {
    const { store, calls } = recordingStore();
    const nothing = { sent: 0, gone: 0, refused: 0 };
    await expect(announceEvent({ ...placed(), source: 'slice.menu' }, depsOf(store))).resolves.toEqual(
      nothing,
    );
    await expect(announceEvent(placed({ id: '', customerId: 'alice' }), depsOf(store))).resolves.toEqual(
      nothing,
    );
    expect(calls).toEqual([]);
  });

  it('fails the event when one push fails, after trying every watch', async () => {
    const { store } = recordingStore({
      recorded: { orderId, customerId: 'alice', status: 'placed', at: 'then' },
      watchers: [watchOf('conn-1', 'alice'), watchOf('conn-2', 'alice')],
    });
    const { pusher, sent } = recordingPusher();
    const push = jest.spyOn(pusher, 'push');
    push.mockRejectedValueOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(announceEvent(placed(), depsOf(store, pusher))).rejects.toThrow(
      `1 of 2 pushes of ${orderId} failed (AccessDeniedException).`,
    );
    expect(sent.map(([connectionId]) => connectionId)).toEqual(['conn-2']);
  });
});
