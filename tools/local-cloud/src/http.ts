/** What the local cloud's servers share: reading a bounded body, listening on a port. */
import type { IncomingMessage, Server } from 'node:http';
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
