import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketConnection } from '@slice/emulation';
import { isRecord } from '../../json';
import { authorizeConnect } from './authorize';
import { connectEvent, connectRequest, gatewayId } from './events';
import { invokeRoute } from './integrate';
import type { ConnectTarget } from './state';
import type { SessionContext } from './session';

/** What a connect request came to: accepted (with the subprotocol `$connect` chose), or refused with a status. */
export type ConnectDecision =
  | {
      readonly ok: true;
      readonly connection: WebSocketConnection;
      readonly protocol?: string;
    }
  | { readonly ok: false; readonly status: number; readonly body: string; readonly reason: string };

const refusal = (status: number, message: string, reason: string): ConnectDecision => ({
  ok: false,
  status,
  body: JSON.stringify({ message }),
  reason,
});

/**
 * Writes a refused handshake: an HTTP answer with the status instead of `101 Switching Protocols`,
 * as API Gateway refuses a connection its authorizer or `$connect` route did not accept.
 */
export function refuseHandshake(socket: Duplex, status: number, body: string): void {
  const bytes = Buffer.from(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The `Sec-WebSocket-Protocol` a `$connect` proxy answer sets, if any. */
function protocolOf(payload: unknown): string | undefined {
  const headers = isRecord(payload) && isRecord(payload['headers']) ? payload['headers'] : {};
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'sec-websocket-protocol');
  const value = name === undefined ? undefined : headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The status of a `$connect` proxy answer: its `statusCode`, 200 when it has none. */
function statusOf(payload: unknown): number {
  const code = isRecord(payload) ? payload['statusCode'] : undefined;
  const status = code === undefined || code === null ? 200 : Number(code);
  return Number.isInteger(status) ? status : 500;
}

/**
 * Decides a connect request as API Gateway does: the `$connect` route's REQUEST authorizer first
 * (401/403/500 refuse), then its integration: an answer whose `statusCode` is not 2xx refuses the
 * connection with that status, a failed or unreachable function with 500. No `$connect` route
 * accepts every connection.
 *
 * @example
 * ```ts
 * const decision = await decideConnect(context, target, req);
 * if (!decision.ok) refuseHandshake(socket, decision.status, decision.body);
 * ```
 */
export async function decideConnect(
  context: SessionContext,
  target: ConnectTarget,
  req: IncomingMessage,
): Promise<ConnectDecision> {
  const now = context.clock.now();
  const request = connectRequest(req, now);
  const { api, stage } = target;
  let connection: WebSocketConnection = {
    connectionId: gatewayId(),
    apiId: api.spec.id,
    stage: stage.name,
    domainName: target.domainName,
    connectedAt: now,
    sourceIp: request.sourceIp,
    ...(request.userAgent === undefined ? {} : { userAgent: request.userAgent }),
  };
  const route = api.routes.get('$connect');
  if (route?.authorizationType === 'CUSTOM') {
    const spec = route.authorizerId === undefined ? undefined : api.authorizers.get(route.authorizerId);
    if (!spec) return refusal(500, 'Internal server error', `no authorizer ${route.authorizerId ?? ''}`);
    const state = context.state();
    const result = await authorizeConnect(
      { state, authorizers: context.authorizers },
      api,
      stage,
      spec,
      request,
      connection,
    );
    if (!result.ok) return refusal(result.status, result.message, result.reason);
    connection = { ...connection, authorizer: result.authorizer };
  }
  if (!route) return { ok: true, connection };
  const outcome = await invokeRoute(
    { state: context.state(), runtime: context.runtime },
    api,
    stage.name,
    route,
    connectEvent(request, connection),
  );
  if (!outcome.ok) return refusal(500, 'Internal server error', `$connect: ${outcome.reason}`);
  const status = statusOf(outcome.payload);
  if (status < 200 || status > 299) {
    const body =
      isRecord(outcome.payload) && typeof outcome.payload['body'] === 'string' ? outcome.payload['body'] : '';
    return { ok: false, status, body, reason: `$connect answered ${status}` };
  }
  const protocol = protocolOf(outcome.payload);
  return { ok: true, connection, ...(protocol === undefined ? {} : { protocol }) };
}
