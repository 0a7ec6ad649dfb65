import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { WebSocketServer } from 'ws';
import { type Clock, RealClock } from '../../clock';
import type { LambdaRuntime, LocalModel } from '../../model';
import type { LocalPart, ModelChange, ServiceUpdate } from '../service';
import { createConnectAuthorizers } from './authorize';
import { decideConnect, refuseHandshake } from './connect';
import { ConnectionStore, type GoneConnection, type LiveConnection } from './connections';
import { closeCauses, webSocketLimits, type WebSocketLimits } from './limits';
import { endConnection, openSession, type SessionContext, sendMessage } from './session';
import { compileWebSocketState, targetOf, type WebSocketState } from './state';

/** What {@link createWebSocketApis} serves. */
export interface WebSocketApisOptions {
  /** The loaded stacks: WebSocket APIs, functions and their permissions. */
  readonly model: LocalModel;
  readonly runtime: LambdaRuntime;
  /** The clock of the idle and duration limits. @default the real time */
  readonly clock?: Clock;
  /** @default API Gateway's quotas ({@link webSocketLimits}) */
  readonly limits?: Partial<WebSocketLimits>;
  /** One line per connection, message and problem. @default no logging */
  readonly log?: (line: string) => void;
}

/** An open connection, as `GET /_local/connections` lists it. */
export interface ConnectionInfo {
  readonly connectionId: string;
  readonly apiId: string;
  readonly api: string;
  readonly stage: string;
  readonly domainName: string;
  readonly connectedAt: string;
  readonly lastActiveAt: string;
  readonly sourceIp: string;
  readonly userAgent?: string;
  readonly authorizer?: Readonly<Record<string, unknown>>;
}

/** A connection the `@connections` API is asked about: open, gone, or never known. */
export type ConnectionLookup =
  | { readonly state: 'open'; readonly connection: LiveConnection; readonly region: string }
  | { readonly state: 'gone'; readonly connection: GoneConnection; readonly region: string }
  | { readonly state: 'unknown' };

/** The WebSocket APIs of the local cloud: the upgrades on the local domain and the open connections. */
export interface WebSocketApis extends LocalPart {
  /**
   * Takes an upgrade request on the local domain: for a WebSocket API (`/_ws/<apiId>/<stage>`, or a
   * custom domain's host) the `$connect` steps, then the handshake or its refusal; for no API `404`.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  connections(): ConnectionInfo[];
  lookup(connectionId: string): ConnectionLookup;
  /** Sends data to an open connection (`PostToConnection`); `false` when it is not open. */
  post(connectionId: string, data: Buffer): boolean;
  /** Closes an open connection (`DeleteConnection`); `false` when it is not open. */
  disconnect(connectionId: string): boolean;
  /** The API's region, by API id. */
  regionOf(apiId: string): string | undefined;
}

const infoOf = (connection: LiveConnection): ConnectionInfo => ({
  connectionId: connection.connectionId,
  apiId: connection.apiId,
  api: connection.apiName,
  stage: connection.stage,
  domainName: connection.domainName,
  connectedAt: new Date(connection.connectedAt).toISOString(),
  lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
  sourceIp: connection.sourceIp,
  ...(connection.userAgent === undefined ? {} : { userAgent: connection.userAgent }),
  ...(connection.authorizer === undefined ? {} : { authorizer: connection.authorizer }),
});

/** Closes every connection with 1001 and waits (at most `graceMs`) for them to close. */
async function closeAll(connections: readonly LiveConnection[], graceMs: number): Promise<void> {
  await Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            connection.socket.terminate();
            resolve();
          }, graceMs);
          connection.socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          endConnection(connection, closeCauses.goingAway);
        }),
    ),
  );
}

/** A redeploy closes (1001) the connections of every API it changed or removed; the others stay. */
function update(context: SessionContext, setState: (state: WebSocketState) => void, change: ModelChange) {
  const next = compileWebSocketState(change.next);
  setState(next);
  const stale = context.store
    .all()
    .filter(
      (connection) => !isDeepStrictEqual(next.apis.get(connection.apiId)?.spec, connection.served.spec),
    );
  for (const connection of stale) endConnection(connection, closeCauses.goingAway);
  const notes =
    stale.length === 0
      ? []
      : [`${stale.length} WebSocket connection(s) of changed APIs were closed with 1001.`];
  return Promise.resolve<ServiceUpdate>({ notes });
}

/** The `ws` server of every connection: no server of its own, 128 KB messages, the subprotocol `$connect` chose. */
function socketServer(limits: WebSocketLimits, protocols: WeakMap<IncomingMessage, string>): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (offered, req) => {
      const chosen = protocols.get(req);
      return chosen !== undefined && offered.has(chosen) ? chosen : false;
    },
  });
}

/** What an upgrade is accepted with: the sessions' context, the `ws` server and the chosen subprotocols. */
interface AcceptContext extends SessionContext {
  readonly server: WebSocketServer;
  readonly protocols: WeakMap<IncomingMessage, string>;
}

/** Whether an upgrade is a WebSocket handshake `ws` will complete (RFC 6455 section 4.2.1), checked before `$connect` runs. */
const isHandshake = (req: IncomingMessage): boolean =>
  req.method === 'GET' &&
  req.headers.upgrade?.toLowerCase() === 'websocket' &&
  /^[A-Za-z0-9+/]{22}==$/.test(req.headers['sec-websocket-key'] ?? '') &&
  ['8', '13'].includes(req.headers['sec-websocket-version'] ?? '');

/** Decides an upgrade (the `$connect` steps), then completes the handshake or refuses it. */
async function accept(
  context: AcceptContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const target = context.stopping() ? undefined : targetOf(context.state(), req.url ?? '/', req.headers.host);
  if (!target) return refuseHandshake(socket, 404, '{"message":"Not Found"}');
  if (!isHandshake(req)) return refuseHandshake(socket, 400, '{"message":"Bad Request"}');
  const decision = await decideConnect(context, target, req);
  const where = `${target.api.spec.name}/${target.stage.name}`;
  if (!decision.ok) {
    context.log(`refused a connection to ${where}: ${decision.status} — ${decision.reason}`);
    return refuseHandshake(socket, decision.status, decision.body);
  }
  if (socket.destroyed || context.stopping()) return;
  if (decision.protocol !== undefined) context.protocols.set(req, decision.protocol);
  context.server.handleUpgrade(req, socket, head, (ws) => {
    openSession(context, target.api, decision.connection, ws, socket);
    context.log(`${decision.connection.connectionId} connected to ${where}`);
  });
}

/** The `@connections` side: what a connection is, and posting to or closing an open one. */
function connectionCalls(
  context: SessionContext,
): Pick<WebSocketApis, 'connections' | 'lookup' | 'post' | 'disconnect' | 'regionOf'> {
  const { store } = context;
  return {
    connections: () => store.all().map(infoOf),
    lookup(connectionId) {
      const open = store.get(connectionId);
      if (open) return { state: 'open', connection: open, region: open.served.spec.region };
      const gone = store.goneOne(connectionId);
      if (!gone) return { state: 'unknown' };
      const state = context.state();
      return {
        state: 'gone',
        connection: gone,
        region: state.apis.get(gone.apiId)?.spec.region ?? state.model.region,
      };
    },
    post(connectionId, data) {
      const open = store.get(connectionId);
      if (!open || open.closing || open.socket.readyState !== open.socket.OPEN) return false;
      sendMessage(open.socket, data, context.limits.maxFrameBytes);
      return true;
    },
    disconnect(connectionId) {
      const open = store.get(connectionId);
      if (!open || open.closing) return false;
      endConnection(open, closeCauses.deleted);
      return true;
    },
    regionOf: (apiId) => context.state().apis.get(apiId)?.spec.region,
  };
}

/**
 * Creates the local WebSocket APIs (API Gateway v2, `WEBSOCKET`): an upgrade on the local domain
 * (`ws://localhost:<port>/_ws/<apiId>/<stage>`, or a custom domain as `<first label>.localhost`)
 * runs the `$connect` authorizer and route before the handshake completes; messages are routed by
 * the API's route selection expression to their Lambda integrations; two-way routes send the
 * answer back; `$disconnect` runs whoever closes. API Gateway's limits apply: 32 KB frames and
 * 128 KB messages (1009), 10 minutes idle and 2 hours open (1001).
 *
 * @example
 * ```ts
 * const webSockets = createWebSocketApis({ model, runtime, log: console.log });
 * server.on('upgrade', (req, socket, head) => webSockets.handleUpgrade(req, socket, head));
 * ```
 */
export function createWebSocketApis(options: WebSocketApisOptions): WebSocketApis {
  const clock = options.clock ?? new RealClock();
  const limits: WebSocketLimits = { ...webSocketLimits, ...options.limits };
  const log = options.log ?? (() => undefined);
  let state = compileWebSocketState(options.model);
  let stopping = false;
  const protocols = new WeakMap<IncomingMessage, string>();
  const server = socketServer(limits, protocols);
  const context: SessionContext = {
    state: () => state,
    runtime: options.runtime,
    authorizers: createConnectAuthorizers({
      runtime: options.runtime,
      state: () => state,
      now: () => clock.now(),
    }),
    clock,
    limits,
    store: new ConnectionStore(clock, limits, (connection, cause) => endConnection(connection, cause)),
    log,
    stopping: () => stopping,
  };
  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      accept({ ...context, server, protocols }, req, socket, head).catch((error: unknown) => {
        log(`the upgrade failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!socket.destroyed) refuseHandshake(socket, 500, '{"message":"Internal server error"}');
      });
    },
    ...connectionCalls(context),
    update: (change) => update(context, (next) => (state = next), change),
    async stop() {
      stopping = true;
      await closeAll(context.store.all(), 1000);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
