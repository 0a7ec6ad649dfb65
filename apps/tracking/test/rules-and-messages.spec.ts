/**
 * Tracking's rules that need no table: reading event details, the `$connect` decision, message
 * parsing, and the answers of `track` when the projection changes under it (a scripted store).
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizeConnection, tokenOf } from '../src/domain/authorize';
import type { TrackedOrder, TrackingDeps, TrackingStore } from '../src/domain/ports';
import { stringAt } from '../src/domain/rules';
import { announceEvent, parseTrackRequest, trackOrder, unknownAction } from '../src/domain/use-cases';

const orderId = '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10';
const alice = { connectionId: 'conn-alice', customerId: 'alice' };
const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/$connect';

const connectEvent = (
  query: Record<string, string> | null,
  headers: Record<string, string> = {},
): APIGatewayRequestAuthorizerEvent =>
  ({
    type: 'REQUEST',
    methodArn,
    headers,
    queryStringParameters: query,
  }) as unknown as APIGatewayRequestAuthorizerEvent;

/** A store whose `order` answers the given projections in turn (the last one from then on). */
function scriptedStore(orders: Array<TrackedOrder | undefined>, saveWatch = true) {
  const calls: string[] = [];
  let reads = 0;
  const store: TrackingStore = {
    saveConnection: () => Promise.resolve(),
    saveWatch: () => Promise.resolve(void calls.push('saveWatch')).then(() => saveWatch),
    forgetConnection: () => Promise.resolve(),
    removeWatch: (id, connectionId) => Promise.resolve(void calls.push(`removeWatch ${id} ${connectionId}`)),
    order: () => Promise.resolve(orders[Math.min(reads++, orders.length - 1)]),
    watchers: () => Promise.resolve([{ orderId, ...alice, expiresAt: new Date() }]),
    recordOwner: () => Promise.resolve(),
    recordStatus: () =>
      Promise.resolve({ orderId, customerId: 'alice', status: 'placed', at: '2026-12-01T10:00:00Z' }),
  };
  return { store, calls };
}

const deps = (
  store: TrackingStore,
  pusher: TrackingDeps['pusher'] = { push: () => Promise.resolve('sent') },
) => ({
  store,
  pusher,
  now: () => new Date('2026-12-01T10:00:00.000Z'),
});

describe('stringAt', () => {
  it('reads a non-empty string at a dot path, and nothing else', () => {
    const detail = { order: { id: 'o-1', customerId: '', total: 900, lines: null } };
    expect(stringAt(detail, 'order.id')).toBe('o-1');
    expect(stringAt(detail, 'order.customerId')).toBeUndefined();
    expect(stringAt(detail, 'order.total')).toBeUndefined();
    expect(stringAt(detail, 'order.lines.id')).toBeUndefined();
    expect(stringAt(detail, 'order.id.0')).toBeUndefined();
    expect(stringAt('order', 'order')).toBeUndefined();
  });

  it('never reads an inherited property', () => {
    expect(stringAt({ order: {} }, 'order.constructor.name')).toBeUndefined();
    expect(stringAt(Object.create({ id: 'inherited' }) as object, 'id')).toBeUndefined();
  });
});

describe('tokenOf', () => {
  it('takes the query token without surrounding spaces, before any subprotocol', () => {
    expect(
      tokenOf(
        connectEvent({ token: '  abc.def.ghi ' }, { 'Sec-WebSocket-Protocol': 'slice-tracking, other' }),
      ),
    ).toBe('abc.def.ghi');
  });

  it('reads the subprotocol header whatever its case, without a query string', () => {
    expect(tokenOf(connectEvent(null, { 'sec-websocket-protocol': 'slice-tracking,  abc.def.ghi ' }))).toBe(
      'abc.def.ghi',
    );
    expect(tokenOf(connectEvent({ other: 'x' }, {}))).toBeUndefined();
  });
});

describe('authorizeConnection', () => {
  const event = connectEvent({ token: 't' });

  it('refuses a token without a subject', async () => {
    await expect(authorizeConnection(event, () => Promise.resolve({ sub: '' }))).resolves.toBe(
      'unauthorized',
    );
    await expect(authorizeConnection(event, () => Promise.resolve({ email: 'a@b.c' }))).resolves.toBe(
      'unauthorized',
    );
    await expect(authorizeConnection(event, () => Promise.resolve(undefined))).resolves.toBe('unauthorized');
  });

  it('passes one group as a list of one, and no groups as an empty list', async () => {
    const one = await authorizeConnection(event, () =>
      Promise.resolve({ sub: 'dana', 'cognito:groups': 'staff' }),
    );
    const none = await authorizeConnection(event, () => Promise.resolve({ sub: 'alice' }));
    expect(one).toMatchObject({ principalId: 'dana', context: { sub: 'dana', groups: '["staff"]' } });
    expect(none).toMatchObject({ context: { groups: '[]' } });
  });
});

describe('messages', () => {
  it('names the invalid fields of a track message, and refuses what is not JSON', () => {
    expect(parseTrackRequest('{"action":"track","orderId":"nope"}')).toEqual({
      error: expect.objectContaining({
        code: 'invalid-message',
        fields: [expect.objectContaining({ path: 'orderId' })],
      }),
    });
    expect(parseTrackRequest('{"action":"track","orderId":"' + orderId + '","customerId":"bob"}')).toEqual({
      error: expect.objectContaining({ code: 'invalid-message' }),
    });
    expect(parseTrackRequest('track please')).toEqual({
      error: expect.objectContaining({ code: 'invalid-message', message: 'A message is a JSON object.' }),
    });
  });

  it('answers an unknown action with the actions the API accepts', () => {
    expect(unknownAction('{"action":"dance"}')).toEqual({
      type: 'error',
      code: 'unknown-action',
      message: 'Unknown action "dance"; this API accepts: track.',
    });
    expect(unknownAction('{}')).toMatchObject({
      code: 'unknown-action',
      message: expect.stringMatching(/^No action/),
    });
    expect(unknownAction('null')).toEqual({
      type: 'error',
      code: 'unknown-action',
      message: 'No action; this API accepts: track.',
    });
    expect(unknownAction('<xml/>')).toEqual({
      type: 'error',
      code: 'invalid-message',
      message: 'A message is a JSON object with an action; this API accepts: track.',
    });
  });

  it('quotes at most 40 characters of an unknown action', () => {
    expect(unknownAction(JSON.stringify({ action: 'x'.repeat(100) })).message).toBe(
      `Unknown action "${'x'.repeat(40)}"; this API accepts: track.`,
    );
  });
});

describe('parseTrackRequest', () => {
  it('answers what is not JSON with an invalid-message error', () => {
    const error = { type: 'error', code: 'invalid-message', message: 'A message is a JSON object.' };
    expect(parseTrackRequest('track please')).toEqual({ error });
    expect(parseTrackRequest(undefined)).toEqual({ error });
  });

  it('names the message itself when it is not an object', () => {
    expect(parseTrackRequest('"track"')).toEqual({
      error: {
        type: 'error',
        code: 'invalid-message',
        message: 'The track message is not valid; see fields.',
        fields: [{ path: '(message)', message: expect.any(String) }],
      },
    });
  });
});

describe('trackOrder', () => {
  it('answers pending for an order whose owner is known but no status yet, or no time of it', async () => {
    const { store } = scriptedStore([{ orderId, customerId: 'alice' }]);
    await expect(trackOrder({ action: 'track', orderId }, alice, deps(store))).resolves.toMatchObject({
      type: 'pending',
    });
    const untimed = scriptedStore([{ orderId, customerId: 'alice', status: 'placed' }]);
    await expect(trackOrder({ action: 'track', orderId }, alice, deps(untimed.store))).resolves.toMatchObject(
      {
        type: 'pending',
      },
    );
  });

  it("refuses another customer's order before watching it, also on a full connection", async () => {
    const { store, calls } = scriptedStore([{ orderId, customerId: 'bob' }], false);
    await expect(trackOrder({ action: 'track', orderId }, alice, deps(store))).resolves.toMatchObject({
      code: 'order-not-found',
    });
    expect(calls).toEqual([]);
  });

  it('removes the watch again when the owner turns out to be someone else', async () => {
    const { store, calls } = scriptedStore([undefined, { orderId, customerId: 'bob' }]);
    await expect(trackOrder({ action: 'track', orderId }, alice, deps(store))).resolves.toEqual({
      type: 'error',
      code: 'order-not-found',
      message: 'No such order for this caller.',
      orderId,
    });
    expect(calls).toEqual(['saveWatch', `removeWatch ${orderId} conn-alice`]);
  });
});

describe('announceEvent', () => {
  it('names what failed pushes threw, and "Error" for what is not an error', async () => {
    const denied = Object.assign(new Error('nope'), { name: 'AccessDeniedException' });
    const { store } = scriptedStore([]);
    const placed = {
      source: 'slice.orders',
      detailType: 'OrderPlaced',
      detail: { id: 'e-1', occurredAt: '2026-12-01T10:00:00Z', order: { id: orderId, customerId: 'alice' } },
    };
    const refused = deps(store, { push: () => Promise.reject(denied) });
    await expect(announceEvent(placed, refused)).rejects.toThrow(
      `1 of 1 pushes of ${orderId} failed (AccessDeniedException).`,
    );
    // A rejection with something other than an Error, as a hand-written client might make.
    const thrown = deps(store, { push: jest.fn().mockRejectedValue('AccessDenied') });
    await expect(announceEvent(placed, thrown)).rejects.toThrow(
      `1 of 1 pushes of ${orderId} failed (Error).`,
    );
  });
});
