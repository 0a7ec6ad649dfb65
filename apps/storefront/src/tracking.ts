/**
 * Live order status over Tracking's WebSocket API: the token goes as a subprotocol beside
 * `slice-tracking` (browsers cannot set headers on a WebSocket), each followed order is sent as a
 * `track` message, and every message is checked against Tracking's contract.
 */
import { ServerMessage, type TrackingStatus } from '@slice/contracts-tracking';
import type * as z from 'zod';

/** A status as Tracking pushes it. */
export type LiveStatus = z.infer<typeof TrackingStatus>;

/** What the page hears from Tracking. */
export interface TrackingListener {
  status(orderId: string, status: LiveStatus): void;
  /** Tracking refused a message or ended a tracking; `message` is for people. */
  problem(message: string): void;
}

/** The connection to Tracking of one signed-in customer. */
export interface Tracking {
  track(orderId: string): void;
  close(): void;
}

/** Opens the connection; orders tracked before it is open are sent once it is. */
export function connectTracking(url: string, token: string, listener: TrackingListener): Tracking {
  const socket = new WebSocket(url, ['slice-tracking', token]);
  const waiting: string[] = [];
  const send = (orderId: string) => socket.send(JSON.stringify({ action: 'track', orderId }));
  socket.addEventListener('open', () => waiting.splice(0).forEach(send));
  socket.addEventListener('message', (event: MessageEvent<string>) => {
    const parsed = ServerMessage.safeParse(JSON.parse(event.data));
    if (!parsed.success) return listener.problem('Tracking sent a message this page does not understand.');
    const message = parsed.data;
    if (message.type === 'status') listener.status(message.orderId, message.status);
    else if (message.type === 'error') listener.problem(message.message);
  });
  return {
    track(orderId) {
      if (socket.readyState === WebSocket.OPEN) send(orderId);
      else waiting.push(orderId);
    },
    close: () => socket.close(1000),
  };
}
