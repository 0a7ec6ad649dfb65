import { socket } from '@slice/middleware';
import { deps } from '../deps';
import { trackingSubprotocol } from '../domain/authorize';
import { openConnection } from '../domain/use-cases';

/**
 * `$connect`, after the authorizer let the caller in: records the connection (TTL at the two-hour
 * limit) and, when the client offered subprotocols, selects `slice-tracking` (a browser closes a
 * connection whose answer selects none of the protocols it offered).
 */
export const handler = socket(
  async ({ connectionId, user, event }) => {
    if (!user) return { statusCode: 401 };
    await openConnection({ connectionId, customerId: user.id }, deps);
    const offered = Object.entries(event.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'sec-websocket-protocol',
    )?.[1];
    return offered
      ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': trackingSubprotocol } }
      : { statusCode: 200 };
  },
  () => ({ statusCode: 500 }),
);
