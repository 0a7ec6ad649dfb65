import { socketJsonSchemas } from '@slice/contract';
import { eventExpectationGaps } from '@slice/contract-tests';
import { ordersContract } from '@slice/contracts-orders';
import {
  ErrorMessage,
  ServerMessage,
  StatusMessage,
  TrackingStatus,
  TrackRequest,
  trackedEventOf,
  trackedEvents,
  trackingContract,
  trackingExpectations,
} from '../src';

const orderId = '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10';

describe('the tracking contract', () => {
  it('names its team and its own subdomain', () => {
    expect(trackingContract.service).toMatchObject({ name: 'tracking', team: 'tracking', subdomain: 'ws' });
  });

  it('documents every message as JSON Schema', () => {
    expect(Object.keys(socketJsonSchemas(trackingContract)).sort()).toEqual([
      'accepts.track',
      'sends.error',
      'sends.pending',
      'sends.status',
    ]);
  });
});

describe('TrackRequest', () => {
  it('accepts a track action with an order id', () => {
    expect(TrackRequest.safeParse({ action: 'track', orderId }).success).toBe(true);
  });

  it.each([
    ['an unknown field', { action: 'track', orderId, customerId: 'bob' }],
    ['an order id that is not a UUID', { action: 'track', orderId: 'ORDER#1' }],
    ['another action', { action: 'untrack', orderId }],
    ['no order id', { action: 'track' }],
  ])('refuses %s', (_what, message) => {
    expect(TrackRequest.safeParse(message).success).toBe(false);
  });
});

describe('what Tracking sends', () => {
  it('has one status per followed event, in the order an order lives through them', () => {
    expect(TrackingStatus.options).toEqual(trackedEvents.map((tracked) => tracked.status));
    expect(TrackingStatus.options).toEqual(['placed', 'ready', 'cancelled']);
  });

  it('tells the message kinds apart by type', () => {
    const status = { type: 'status', orderId, status: 'placed', at: '2026-11-27T12:00:00.000Z' };
    expect(ServerMessage.parse(status)).toEqual(StatusMessage.parse(status));
    expect(ServerMessage.safeParse({ ...status, status: 'eaten' }).success).toBe(false);
  });

  it('keeps error codes to the declared ones', () => {
    expect(ErrorMessage.safeParse({ type: 'error', code: 'stack-trace', message: 'x' }).success).toBe(false);
  });
});

describe('the events Tracking follows', () => {
  it('finds an event by source and detail type, and nothing else', () => {
    expect(trackedEventOf('slice.orders', 'OrderPlaced')?.status).toBe('placed');
    expect(trackedEventOf('slice.orders', 'OrderShipped')).toBeUndefined();
    expect(trackedEventOf('slice.menu', 'OrderPlaced')).toBeUndefined();
  });

  it("hold against Orders' contract as it is now", () => {
    const gaps = trackingExpectations
      .filter((expectation) => expectation.provider === 'orders')
      .flatMap((expectation) =>
        eventExpectationGaps(ordersContract, expectation).map((gap) => `${expectation.detailType}: ${gap}`),
      );
    expect(gaps).toEqual([]);
  });

  it('would notice a field Orders stopped declaring, or made optional', () => {
    const [expectation] = trackingExpectations;
    if (!expectation) throw new Error('Tracking declares no expectation.');
    expect(
      eventExpectationGaps(ordersContract, {
        ...expectation,
        fields: ['order.courier', 'order.cancelledAt'],
      }),
    ).toEqual(['order.courier is not declared', 'order.cancelledAt is optional']);
    expect(eventExpectationGaps(ordersContract, { ...expectation, detailType: 'OrderEaten' })).toEqual([
      'OrderEaten is gone',
    ]);
  });
});
