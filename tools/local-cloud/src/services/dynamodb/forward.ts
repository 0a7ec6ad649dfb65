import { type Agent, type IncomingHttpHeaders, request } from 'node:http';
import type { RawAnswer } from '../service';

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'host',
  'content-length',
  'expect',
]);

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const forwarded: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) forwarded[name] = value;
  }
  return forwarded;
}

/** Sends a caller's request on to dynalite and answers what it answered, byte for byte. */
export type DynaliteForwarder = (
  headers: IncomingHttpHeaders,
  operation: string,
  body: Buffer,
) => Promise<RawAnswer>;

/**
 * Creates the forwarder of callers' requests to dynalite: the caller's headers (less the
 * hop-by-hop ones) with the operation's target, and dynalite's answer with its own headers (its
 * `x-amz-crc32` is over the bytes, which pass unchanged).
 *
 * @example
 * ```ts
 * const forward = createDynaliteForwarder({ endpoint: dynalite.endpoint, agent });
 * const answer = await forward(request.raw.headers, 'GetItem', request.raw.body);
 * ```
 */
export function createDynaliteForwarder(options: { readonly endpoint: string; readonly agent: Agent }) {
  const url = new URL(options.endpoint);
  const forward: DynaliteForwarder = (headers, operation, body) =>
    new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          headers: {
            ...forwardedHeaders(headers),
            'x-amz-target': `DynamoDB_20120810.${operation}`,
            'content-length': String(body.length),
          },
          agent: options.agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const answer = Buffer.concat(chunks);
            resolve({
              status: response.statusCode ?? 500,
              headers: { ...forwardedHeaders(response.headers), 'content-length': String(answer.length) },
              body: answer,
            });
          });
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  return forward;
}
