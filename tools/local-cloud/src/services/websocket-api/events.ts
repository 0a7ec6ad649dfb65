/**
 * The events of the WebSocket routes, from the requests and messages that cause them: the shapes
 * come from `@slice/emulation`'s `webSocketEvent`; this module reads the connect request as API
 * Gateway passes it on.
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  apiGatewayId,
  queryParametersOf,
  type WebSocketConnection,
  type WebSocketEvent,
  webSocketEvent,
} from '@slice/emulation';
import type { CloseCause } from './limits';

/** The connect request, as the authorizer and `$connect` see it. */
export interface ConnectRequest {
  /** Header name (as the client spelled it, plus API Gateway's `X-Forwarded-*`) → every value. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  /** Every value of a header, case-insensitive. */
  header(name: string): readonly string[];
  readonly query: ReadonlyMap<string, readonly string[]>;
  readonly sourceIp: string;
  readonly userAgent?: string;
  readonly epoch: number;
}

/** Hop-by-hop headers of the handshake API Gateway does not pass on. */
const dropped = new Set(['connection', 'upgrade']);

/** API Gateway's connection, request and message ids (`Z-8uxdFzDoECJyQ=`). */
export const gatewayId = apiGatewayId;

/**
 * Reads an upgrade request as API Gateway passes it to the authorizer and `$connect`: its headers
 * (without `Connection` and `Upgrade`, with `X-Forwarded-For`, `-Port`, `-Proto` and
 * `X-Amzn-Trace-Id`) and its query parameters.
 *
 * @example
 * ```ts
 * const request = connectRequest(req, Date.now());
 * request.query.get('token'); // ['eyJ…']
 * ```
 */
export function connectRequest(req: IncomingMessage, epoch: number): ConnectRequest {
  const headers: Record<string, string[]> = {};
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] ?? '';
    if (dropped.has(name.toLowerCase())) continue;
    const existing = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    (headers[existing ?? name] ??= []).push(raw[index + 1] ?? '');
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['X-Amzn-Trace-Id'] = [
    `Root=1-${Math.floor(epoch / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
  ];
  headers['X-Forwarded-For'] = [sourceIp];
  headers['X-Forwarded-Port'] = [String(req.socket.localPort ?? 80)];
  headers['X-Forwarded-Proto'] = ['http'];
  const byName = new Map(Object.entries(headers).map(([name, values]) => [name.toLowerCase(), values]));
  const query = queryParametersOf((req.url ?? '/').split('?').slice(1).join('?'));
  const userAgent = byName.get('user-agent')?.at(-1);
  return {
    headers,
    header: (name) => byName.get(name.toLowerCase()) ?? [],
    query,
    sourceIp,
    ...(userAgent === undefined ? {} : { userAgent }),
    epoch,
  };
}

/** The `CONNECT` event of `$connect`. */
export const connectEvent = (request: ConnectRequest, connection: WebSocketConnection): WebSocketEvent =>
  webSocketEvent({
    eventType: 'CONNECT',
    routeKey: '$connect',
    connection,
    requestTimeEpoch: request.epoch,
    headers: request.headers,
    query: Object.fromEntries(request.query),
  });

/** The REQUEST authorizer's event of a WebSocket `$connect`: the connect event's request, `type` and `methodArn`. */
export function authorizerEvent(
  methodArn: string,
  request: ConnectRequest,
  connection: WebSocketConnection,
  stageVariables: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const event = connectEvent(request, connection);
  return {
    type: 'REQUEST',
    methodArn,
    ...event,
    ...(Object.keys(stageVariables).length === 0 ? {} : { stageVariables: { ...stageVariables } }),
  };
}

/** The `MESSAGE` event of a route: text as is, a binary message base64-encoded. */
export const messageEvent = (
  connection: WebSocketConnection,
  routeKey: string,
  data: string | Buffer,
  epoch: number,
): WebSocketEvent =>
  webSocketEvent({ eventType: 'MESSAGE', routeKey, connection, requestTimeEpoch: epoch, body: data });

/** The `DISCONNECT` event of `$disconnect`, with the close code and reason. */
export const disconnectEvent = (
  connection: WebSocketConnection,
  cause: CloseCause,
  epoch: number,
): WebSocketEvent =>
  webSocketEvent({
    eventType: 'DISCONNECT',
    routeKey: '$disconnect',
    connection,
    requestTimeEpoch: epoch,
    disconnect: { statusCode: cause.code, reason: cause.reason },
  });
