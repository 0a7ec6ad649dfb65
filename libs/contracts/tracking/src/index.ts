/**
 * The Tracking service's published contract (team tracking, `wss://ws.<domain>`): the WebSocket
 * messages it accepts and sends, and the events it follows.
 */
import { defineSocketContract, withMeta } from '@slice/contract';
import { OrderId } from '@slice/contracts-orders';
import * as z from 'zod/mini';
import { trackedEvents, type TrackedStatus } from './tracked-events';

const statuses = trackedEvents.map((tracked) => tracked.status) as [TrackedStatus, ...TrackedStatus[]];

/** Where an order is, as a customer watching it sees it: one value per event Tracking follows. */
export const TrackingStatus = withMeta(z.enum(statuses), { id: 'TrackingStatus' });

/**
 * `{"action":"track","orderId":"…"}`: follow one of the caller's orders. The answer is the
 * current status at once (or `pending` when Tracking has not heard of the order yet), then a
 * `status` message for every change.
 */
export const TrackRequest = withMeta(z.strictObject({ action: z.literal('track'), orderId: OrderId }), {
  id: 'TrackRequest',
});

/** A track request. */
export type TrackRequest = z.infer<typeof TrackRequest>;

/** Where the order is now; sent in answer to `track` and on every change after it. */
export const StatusMessage = withMeta(
  z.strictObject({
    type: z.literal('status'),
    orderId: OrderId,
    status: TrackingStatus,
    /** When the order reached this status. */
    at: z.iso.datetime({ offset: true }),
  }),
  { id: 'StatusMessage' },
);

/** A status message. */
export type StatusMessage = z.infer<typeof StatusMessage>;

/**
 * Tracking has not heard of the order yet (it was placed a moment ago): the status follows as
 * soon as it does, or an `order-not-found` error if the order turns out not to be the caller's.
 */
export const PendingMessage = withMeta(
  z.strictObject({ type: z.literal('pending'), orderId: OrderId, message: z.string() }),
  { id: 'PendingMessage' },
);

/** A pending message. */
export type PendingMessage = z.infer<typeof PendingMessage>;

/** Why a message was refused or a push ended; the `message` is for people, the `code` for code. */
export const ErrorCode = withMeta(
  z.enum(['invalid-message', 'unknown-action', 'order-not-found', 'too-many-orders', 'unavailable']),
  { id: 'TrackingErrorCode' },
);

/** An error code. */
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * A refused message or a tracking that ended. Another customer's order is `order-not-found`,
 * as for an order that does not exist. Never carries internals: a server fault is `unavailable`
 * with the correlation id to quote.
 */
export const ErrorMessage = withMeta(
  z.strictObject({
    type: z.literal('error'),
    code: ErrorCode,
    message: z.string(),
    orderId: z.optional(OrderId),
    /** The request's correlation id, to quote to support. */
    correlationId: z.optional(z.string()),
    /** The invalid fields, for `invalid-message`. */
    fields: z.optional(z.array(z.strictObject({ path: z.string(), message: z.string() }))),
  }),
  { id: 'TrackingError' },
);

/** An error message. */
export type ErrorMessage = z.infer<typeof ErrorMessage>;

/** Anything Tracking sends. */
export const ServerMessage = z.discriminatedUnion('type', [StatusMessage, PendingMessage, ErrorMessage]);

/** A message Tracking sends. */
export type ServerMessage = z.infer<typeof ServerMessage>;

const orderId = '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10';

/** The Tracking service's contract. */
export const trackingContract = defineSocketContract({
  service: {
    name: 'tracking',
    team: 'tracking',
    subdomain: 'ws',
    version: '2.0.0',
    title: 'Slice Tracking',
    description: 'Live order status for customers, over a WebSocket API.',
  },
  accepts: {
    track: {
      schema: TrackRequest,
      summary: 'Follow one of your orders: its status at once, then every change',
      examples: [{ action: 'track', orderId }],
    },
  },
  sends: {
    status: {
      schema: StatusMessage,
      summary: 'Where the order is now',
      examples: [{ type: 'status', orderId, status: 'placed', at: '2026-11-27T12:00:00.000Z' }],
    },
    pending: {
      schema: PendingMessage,
      summary: 'Tracking has not heard of the order yet; its status follows',
      examples: [{ type: 'pending', orderId, message: 'This order is not known yet; its status follows.' }],
    },
    error: {
      schema: ErrorMessage,
      summary: 'A refused message, or a tracking that ended',
      examples: [
        { type: 'error', code: 'order-not-found', message: 'No such order for this caller.', orderId },
        {
          type: 'error',
          code: 'unknown-action',
          message: 'Unknown action "dance"; this API accepts: track.',
        },
      ],
    },
  },
});

export * from './tracked-events';
