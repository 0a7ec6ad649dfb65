/**
 * An accepted connection's life: its messages routed to their integrations (and two-way answers
 * sent back), API Gateway's limits, the posts of the `@connections` API, and its close with the
 * `$disconnect` route.
 */
import type { WebSocket } from 'ws';
import type { WebSocketConnection } from '@slice/emulation';
import type { Clock } from '../../clock';
import { isRecord } from '../../json';
import type { LambdaRuntime } from '../../model';
import type { LambdaAuthorizers } from '../apigateway/authorizers';
import type { ConnectionStore, LiveConnection } from './connections';
import { disconnectEvent, gatewayId, messageEvent } from './events';
import { invokeRoute } from './integrate';
import { type CloseCause, closeCauses, frameWatcher, noStatusCause, type WebSocketLimits } from './limits';
import { selectRoute } from './routes';
import type { ServedApi, WebSocketState } from './state';

/** What every connection of the WebSocket APIs shares. */
export interface SessionContext {
  readonly state: () => WebSocketState;
  readonly runtime: LambdaRuntime;
  readonly authorizers: LambdaAuthorizers;
  readonly clock: Clock;
  readonly limits: WebSocketLimits;
  readonly store: ConnectionStore;
  readonly log: (line: string) => void;
  /** Set while the cloud stops: connections close without `$disconnect` invocations. */
  readonly stopping: () => boolean;
}

/**
 * Sends a message as API Gateway does, in frames of at most 32 KB: text when `data` is a string
 * or valid UTF-8, else binary.
 */
export function sendMessage(socket: WebSocket, data: string | Buffer, maxFrameBytes: number): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const binary = typeof data !== 'string' && !isUtf8(bytes);
  if (bytes.length <= maxFrameBytes) {
    socket.send(bytes, { binary });
    return;
  }
  for (let offset = 0; offset < bytes.length; offset += maxFrameBytes) {
    const end = Math.min(offset + maxFrameBytes, bytes.length);
    socket.send(bytes.subarray(offset, end), { binary, fin: end === bytes.length });
  }
}

const isUtf8 = (bytes: Buffer): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** API Gateway's answer to a message it could not route or integrate. */
const errorMessage = (message: string, connectionId: string, requestId: string) =>
  JSON.stringify({ message, connectionId, requestId });

/** What a two-way route sends back: a proxy answer's `body`, a string as is, anything else as JSON. */
function answerOf(payload: unknown): string | Buffer | undefined {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload === 'string') return payload;
  if (isRecord(payload) && ('statusCode' in payload || 'body' in payload)) {
    const body = payload['body'];
    if (typeof body !== 'string') return undefined;
    return payload['isBase64Encoded'] === true ? Buffer.from(body, 'base64') : body;
  }
  return JSON.stringify(payload);
}

/** Closes a connection API Gateway ends, with its code; the close then runs `$disconnect`. */
export function endConnection(connection: LiveConnection, cause: CloseCause): void {
  if (connection.closing) return;
  connection.closing = cause;
  connection.socket.close(cause.code, cause.reason);
}

async function onMessage(context: SessionContext, connection: LiveConnection, data: Buffer, binary: boolean) {
  context.store.touch(connection.connectionId);
  const api = connection.served;
  const text = binary ? undefined : data.toString('utf8');
  const route = selectRoute(api.spec, text);
  const requestId = gatewayId();
  const reply = (message: string) =>
    sendMessage(
      connection.socket,
      errorMessage(message, connection.connectionId, requestId),
      context.limits.maxFrameBytes,
    );
  if (!route) {
    context.log(`${connection.connectionId}: no route for the message and no $default route`);
    return reply('Forbidden');
  }
  const event = messageEvent(connection, route.routeKey, binary ? data : (text ?? ''), context.clock.now());
  const outcome = await invokeRoute(
    { state: context.state(), runtime: context.runtime },
    api,
    connection.stage,
    route,
    event,
  );
  context.log(`${connection.connectionId} ${route.routeKey}${outcome.ok ? '' : ` — ${outcome.reason}`}`);
  if (connection.socket.readyState !== connection.socket.OPEN) return;
  if (!outcome.ok) return reply('Internal server error');
  const answer = route.twoWay ? answerOf(outcome.payload) : undefined;
  if (answer !== undefined) sendMessage(connection.socket, answer, context.limits.maxFrameBytes);
}

async function onClose(context: SessionContext, connection: LiveConnection, code: number, reason: Buffer) {
  const cause =
    connection.closing ?? (code === 1005 ? noStatusCause : { code, reason: reason.toString('utf8') });
  context.store.remove(connection.connectionId);
  const route = connection.served.routes.get('$disconnect');
  context.log(`${connection.connectionId} disconnected (${cause.code} ${cause.reason})`);
  if (!route || context.stopping()) return;
  const event = disconnectEvent(connection, cause, context.clock.now());
  const outcome = await invokeRoute(
    { state: context.state(), runtime: context.runtime },
    connection.served,
    connection.stage,
    route,
    event,
  );
  if (!outcome.ok) context.log(`${connection.connectionId} $disconnect — ${outcome.reason}`);
}

/**
 * Starts serving an accepted connection: registers it (with its idle and duration timers), routes
 * its messages, closes it with 1009 for a frame over 32 KB or a message over 128 KB, and runs
 * `$disconnect` when it closes, whoever closed it.
 *
 * @example
 * ```ts
 * server.handleUpgrade(req, socket, head, (ws) => openSession(context, api, decision.connection, ws));
 * ```
 */
export function openSession(
  context: SessionContext,
  api: ServedApi,
  connection: WebSocketConnection,
  socket: WebSocket,
  raw: { prependListener(event: 'data', listener: (chunk: Buffer) => void): unknown },
): LiveConnection {
  const live: LiveConnection = {
    ...connection,
    apiName: `${api.spec.stackName}/${api.spec.logicalId}`,
    served: api,
    socket,
    lastActiveAt: connection.connectedAt,
  };
  context.store.add(live);
  raw.prependListener(
    'data',
    frameWatcher(context.limits.maxFrameBytes, () => endConnection(live, closeCauses.messageTooBig)),
  );
  socket.on('message', (data: Buffer, binary: boolean) => {
    onMessage(context, live, data, binary).catch((error: unknown) =>
      context.log(
        `${live.connectionId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
  });
  socket.on('error', (error: Error & { code?: string }) => {
    // `ws` closes with 1009 itself when a message is over `maxPayload` (128 KB).
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') live.closing ??= closeCauses.messageTooBig;
  });
  socket.on('close', (code: number, reason: Buffer) => {
    void onClose(context, live, code, reason);
  });
  return live;
}
