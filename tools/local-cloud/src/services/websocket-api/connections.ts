import type { WebSocket } from 'ws';
import type { WebSocketConnection } from '@slice/emulation';
import type { Clock, Timer } from '../../clock';
import type { CloseCause, WebSocketLimits } from './limits';
import { closeCauses } from './limits';
import type { ServedApi } from './state';

/** An open connection: what API Gateway knows of it, its socket and its timers. */
export interface LiveConnection extends WebSocketConnection {
  /** The API's stack and logical id, for the admin listing. */
  readonly apiName: string;
  /** The API as it was when the client connected: its routes serve the connection until it closes. */
  readonly served: ServedApi;
  readonly socket: WebSocket;
  /** Epoch milliseconds of the client's last message (or the connect). */
  lastActiveAt: number;
  /** Set once API Gateway or the client began closing it. */
  closing?: CloseCause;
}

/** A connection that went away: enough to answer `GoneException` with its ARN checked. */
export interface GoneConnection {
  readonly connectionId: string;
  readonly apiId: string;
  readonly stage: string;
}

/** How many gone connections are remembered (their ids answer `GoneException`, not an unknown id). */
const MAX_GONE = 10_000;

/**
 * The open connections of every WebSocket API, each with its idle timer (reset by every client
 * message) and its two-hour limit; and the ids of connections that went away.
 *
 * @example
 * ```ts
 * const connections = new ConnectionStore(clock, webSocketLimits, (connection, cause) => close(connection, cause));
 * connections.add(connection);
 * connections.touch(connection.connectionId); // a client message: the idle timer starts again
 * ```
 */
export class ConnectionStore {
  private readonly open = new Map<string, LiveConnection>();
  private readonly gone = new Map<string, GoneConnection>();
  private readonly timers = new Map<string, { idle: Timer; duration: Timer }>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: WebSocketLimits,
    /** Closes a connection API Gateway ends (idle, duration). */
    private readonly expire: (connection: LiveConnection, cause: CloseCause) => void,
  ) {}

  add(connection: LiveConnection): void {
    this.open.set(connection.connectionId, connection);
    this.timers.set(connection.connectionId, {
      idle: this.idleTimer(connection),
      duration: this.clock.at(connection.connectedAt + this.limits.maxDurationMs, () =>
        this.expire(connection, closeCauses.goingAway),
      ),
    });
  }

  get(connectionId: string): LiveConnection | undefined {
    return this.open.get(connectionId);
  }

  /** A connection that is gone, if it ever was one. */
  goneOne(connectionId: string): GoneConnection | undefined {
    return this.gone.get(connectionId);
  }

  /** The client sent a message: it is active now. */
  touch(connectionId: string): void {
    const connection = this.open.get(connectionId);
    const timers = this.timers.get(connectionId);
    if (!connection || !timers) return;
    connection.lastActiveAt = this.clock.now();
    timers.idle.cancel();
    timers.idle = this.idleTimer(connection);
  }

  /** Forgets an open connection (it closed): from now its id is gone. */
  remove(connectionId: string): LiveConnection | undefined {
    const connection = this.open.get(connectionId);
    if (!connection) return undefined;
    this.open.delete(connectionId);
    const timers = this.timers.get(connectionId);
    timers?.idle.cancel();
    timers?.duration.cancel();
    this.timers.delete(connectionId);
    if (this.gone.size >= MAX_GONE) this.gone.delete(this.gone.keys().next().value ?? '');
    this.gone.set(connectionId, { connectionId, apiId: connection.apiId, stage: connection.stage });
    return connection;
  }

  all(): LiveConnection[] {
    return [...this.open.values()];
  }

  private idleTimer(connection: LiveConnection): Timer {
    return this.clock.after(this.limits.idleTimeoutMs, () => this.expire(connection, closeCauses.goingAway));
  }
}
