/** What the local cloud's servers share: reading a bounded body, listening on a port. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const empty = Buffer.alloc(0);

/**
 * Reads a request's body whole; `undefined` when it is larger than `limit` bytes (declared or
 * sent), in which case the rest is discarded so the connection can still carry the answer.
 *
 * @example
 * ```ts
 * const body = await readBody(req, 16 * 1024 * 1024);
 * if (body === undefined) return tooLarge(res);
 * ```
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const length = request.headers['content-length'];
  if ((length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined) {
    return Promise.resolve(empty);
  }
  const declared = Number(length);
  return new Promise((resolve, reject) => {
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.off('end', onEnd);
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    request.on('data', onData);
    request.on('end', onEnd);
    request.once('error', reject);
  });
}

/**
 * Listens on `port` (0 picks a free one) and answers the port taken; a port in use fails with
 * `EADDRINUSE` as the error's `code`.
 *
 * @example
 * ```ts
 * const port = await listen(createServer(handler), 0, '127.0.0.1');
 * ```
 */
export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/**
 * Closes a server and every connection it holds, idle or not.
 *
 * @example
 * ```ts
 * await closeServer(server);
 * ```
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** How long a stopping server waits for the requests it is answering before it closes their connections. */
export const DRAIN_GRACE_MS = 5_000;

/**
 * The requests a server is answering: each from its arrival until its handler has settled and its
 * response is closed (sent, or its connection gone). {@link drainServer} waits for them.
 *
 * @example
 * ```ts
 * const requests = new InFlightRequests();
 * const server = createServer(requests.listener((req, res) => handle(req, res)));
 * // ...
 * await drainServer(server, requests);
 * ```
 */
export class InFlightRequests {
  private readonly responses = new Set<ServerResponse>();
  private readonly waiters: Array<() => void> = [];
  private draining = false;

  /** How many requests are being answered. */
  get size(): number {
    return this.responses.size;
  }

  /** A request listener that counts each request `handle` answers; `handle` catches its own errors. */
  listener(
    handle: (request: IncomingMessage, response: ServerResponse) => unknown,
  ): (request: IncomingMessage, response: ServerResponse) => void {
    return (request, response) => {
      this.responses.add(response);
      // Once stopping, each answer tells its client the connection ends with it.
      if (this.draining) response.shouldKeepAlive = false;
      let pending = 2;
      const settle = () => {
        pending -= 1;
        if (pending === 0) this.leave(response);
      };
      response.once('close', settle);
      void Promise.resolve(handle(request, response)).finally(settle);
    };
  }

  /**
   * Resolves once no request is being answered. From the first call on, answers not yet started
   * carry `Connection: close`, so no client sends another request on a connection about to close.
   */
  drained(): Promise<void> {
    this.draining = true;
    for (const response of this.responses) if (!response.headersSent) response.shouldKeepAlive = false;
    if (this.responses.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private leave(response: ServerResponse): void {
    this.responses.delete(response);
    if (this.responses.size > 0) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/**
 * Stops a server gracefully: it takes no new connections, idle keep-alive connections close at
 * once, the requests it is answering finish (for at most `graceMs`), then every connection closes.
 * A request still unanswered after the grace period loses its connection.
 *
 * @example
 * ```ts
 * await drainServer(server, requests); // then stop what the requests needed
 * ```
 */
export async function drainServer(
  server: Server,
  requests: InFlightRequests,
  graceMs = DRAIN_GRACE_MS,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([requests.drained(), graceOver]);
  clearTimeout(timer);
  server.closeAllConnections();
  await closed;
}
