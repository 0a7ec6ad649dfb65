import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RawAnswer } from '../service';

/** dynalite's request listener (`Dynalite.handle` of `@slice/emulation`). */
export type DynaliteListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Sends a caller's request on to dynalite and answers what it answered, byte for byte. */
export type DynaliteForwarder = (
  headers: IncomingHttpHeaders,
  operation: string,
  body: Buffer,
) => Promise<RawAnswer>;

/**
 * The part of a `ServerResponse` dynalite writes to, kept in memory: it sets `statusCode`, a
 * `contentType` of its own, a few headers, and ends with the body as one string.
 */
class InMemoryResponse {
  statusCode = 200;
  contentType: string | undefined;
  readonly headers: Record<string, string> = {};

  constructor(private readonly done: (answer: RawAnswer) => void) {}

  setHeader(name: string, value: string | number): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }

  end(body?: string | Buffer): this {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
    this.headers['content-length'] = String(bytes.length);
    delete this.headers['transfer-encoding'];
    this.done({ status: this.statusCode, headers: this.headers, body: bytes });
    return this;
  }
}

/**
 * Hands one request to dynalite's listener in this process, with no socket and no HTTP parsing in
 * between: the request is an emitter carrying the method, URL and headers that emits the body, the
 * response collects what dynalite writes. Answers dynalite's status, headers (lower-cased; its
 * `x-amz-crc32` is over the bytes, which pass unchanged) and body.
 *
 * @example
 * ```ts
 * const answer = await callDynalite(dynalite.handle, { 'x-amz-target': 'DynamoDB_20120810.GetItem', ... }, body);
 * ```
 */
export function callDynalite(
  listener: DynaliteListener,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = Object.assign(new EventEmitter(), { method: 'POST', url: '/', headers });
    const response = new InMemoryResponse(resolve);
    try {
      listener(request as unknown as IncomingMessage, response as unknown as ServerResponse);
      if (body.length > 0) request.emit('data', body);
      request.emit('end');
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * Creates the forwarder of callers' requests to dynalite, in process ({@link callDynalite}): the
 * caller's headers with the operation's target, and dynalite's answer with its own headers.
 *
 * @example
 * ```ts
 * const forward = createDynaliteForwarder(dynalite.handle);
 * const answer = await forward(request.raw.headers, 'GetItem', request.raw.body);
 * ```
 */
export function createDynaliteForwarder(listener: DynaliteListener): DynaliteForwarder {
  return (headers, operation, body) => {
    const target = `DynamoDB_20120810.${operation}`;
    const sent = headers['x-amz-target'] === target ? headers : { ...headers, 'x-amz-target': target };
    return callDynalite(listener, sent, body);
  };
}
