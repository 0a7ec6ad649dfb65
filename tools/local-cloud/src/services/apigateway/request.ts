import type { IncomingMessage } from 'node:http';
import { queryParametersOf } from '@slice/emulation';

/** Headers of the client's connection, not of its request: API Gateway does not pass them on. */
const hopByHop = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * Request headers in arrival order, looked up case-insensitively; names keep the case of their
 * first use. Every name is a key of a `Map`, so `__proto__` or `constructor` is a header like any
 * other.
 *
 * @example
 * ```ts
 * const headers = new RequestHeaders(request.rawHeaders);
 * headers.last('Content-Type'); // 'application/json'
 * ```
 */
export class RequestHeaders {
  private readonly byName = new Map<string, { name: string; values: string[] }>();

  constructor(raw: readonly string[]) {
    for (let index = 0; index + 1 < raw.length; index += 2) this.add(raw[index] ?? '', raw[index + 1] ?? '');
  }

  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const entry = this.byName.get(key);
    if (entry) entry.values.push(value);
    else this.byName.set(key, { name, values: [value] });
  }

  values(lowerCaseName: string): readonly string[] {
    return this.byName.get(lowerCaseName)?.values ?? [];
  }

  last(name: string): string | undefined {
    const values = this.values(name.toLowerCase());
    return values[values.length - 1];
  }

  /**
   * Every header except the connection's own, as the proxy event carries them, with `replacements`
   * taking the place of a header of the same name in any case. Built with `Object.fromEntries`,
   * which defines each name as an own property (a `__proto__` header stays a header).
   */
  forEvent(replacements: readonly (readonly [string, string])[]): Record<string, string[]> {
    const replaced = new Set(replacements.map(([name]) => name.toLowerCase()));
    const entries: [string, string[]][] = [];
    for (const [key, { name, values }] of this.byName) {
      if (replaced.has(key) || hopByHop.has(key)) continue;
      entries.push([name, [...values]]);
    }
    for (const [name, value] of replacements) entries.push([name, [value]]);
    return Object.fromEntries(entries);
  }
}

/** The parts of a client's request the gateway reads, parsed once. */
export interface ClientRequest {
  /** Upper-case HTTP method. */
  readonly httpMethod: string;
  /** The path as the client sent it, still percent-encoded. */
  readonly path: string;
  /** The query parameters, decoded as API Gateway decodes them (`+` is a space). */
  readonly query: ReadonlyMap<string, readonly string[]>;
  readonly headers: RequestHeaders;
  /** The `Host` the client called, without its port. */
  readonly domainName: string;
  readonly sourceIp: string;
  readonly localPort: number;
}

/**
 * Reads method, path, query string and headers of a request without trusting any of them: a
 * query or header name is never used as a property of a plain object.
 *
 * @example
 * ```ts
 * const client = clientRequest(request);
 * client.query.get('__proto__'); // ['1'] for ?__proto__=1
 * ```
 */
export function clientRequest(request: IncomingMessage): ClientRequest {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const headers = new RequestHeaders(request.rawHeaders);
  return {
    httpMethod: (request.method ?? 'GET').toUpperCase(),
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    query: queryParametersOf(queryAt === -1 ? '' : url.slice(queryAt + 1)),
    headers,
    domainName: (headers.last('host') ?? 'localhost').replace(/:\d+$/, ''),
    sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    localPort: request.socket.localPort ?? 80,
  };
}
