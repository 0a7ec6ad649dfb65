/**
 * The `@connections` management API of the WebSocket APIs (`execute-api`, API version
 * 2018-11-29) as a service of the local AWS endpoint: `PostToConnection`, `GetConnection` and
 * `DeleteConnection`, each needing `execute-api:ManageConnections` on the connection's ARN.
 */
import { AwsError } from '../../endpoint/errors';
import type { AwsProtocol, AwsService, ServiceAnswer, ServiceCall } from '../service';
import type { ConnectionLookup, WebSocketApis } from './websocket-apis';
import { localPathPrefix } from './state';

const operations: Readonly<Record<string, string>> = {
  POST: 'PostToConnection',
  GET: 'GetConnection',
  DELETE: 'DeleteConnection',
};

/** Where `@connections` starts in a path, `@` encoded or not (the SDK sends `%40`). */
const CONNECTIONS = /\/(?:@|%40)connections\/([^/?]+)\/?(?:\?.*)?$/i;

/** API Gateway's `GoneException`: the connection is closed, or was never one. */
const gone = () =>
  new AwsError(410, 'GoneException', 'The connection with the provided id no longer exists.');

/**
 * The REST-JSON protocol of the management API: the operation from the method, the connection id
 * and the optional local prefix (`/_ws/<apiId>/<stage>`) from the path, the data the raw body. An
 * error is its type in `x-amzn-ErrorType` and `{"message"}`; an IAM denial is `403
 * AccessDeniedException`, as `execute-api` answers it.
 */
export const managementProtocol: AwsProtocol = {
  read({ method, url, body }) {
    const match = CONNECTIONS.exec(url);
    const operation = operations[method] ?? '';
    if (!match || operation === '') return { operation: '', input: { url, method } };
    const prefix = url.slice(0, match.index).split('/').filter(Boolean);
    const local = prefix[0] === localPathPrefix.replace(/\//g, '') ? prefix.slice(1) : [];
    return {
      operation,
      input: {
        ConnectionId: decodeURIComponent(match[1] ?? ''),
        ...(local[0] === undefined ? {} : { ApiId: local[0] }),
        ...(local[1] === undefined ? {} : { Stage: decodeURIComponent(local[1]) }),
        Data: body,
      },
    };
  },
  write(status, body) {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = bytes.length === 0 ? {} : { 'content-type': 'application/json' };
    return { status, headers, body: bytes };
  },
  error(error) {
    const status = error.type === 'AccessDeniedException' ? 403 : error.status;
    return {
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': error.type },
      body: Buffer.from(JSON.stringify({ message: error.message })),
    };
  },
  commonErrorType: (name) => name,
};

/** The API and stage of a connection: the connection's own, else the ones the local path names. */
function scopeOf(lookup: ConnectionLookup, input: Readonly<Record<string, unknown>>) {
  const named = {
    apiId: typeof input['ApiId'] === 'string' ? input['ApiId'] : undefined,
    stage: typeof input['Stage'] === 'string' ? input['Stage'] : undefined,
  };
  if (lookup.state === 'unknown')
    return named.apiId && named.stage
      ? { apiId: named.apiId, stage: named.stage, matches: false }
      : undefined;
  const { apiId, stage } = lookup.connection;
  // A connection of another API or stage is not this API's: gone, as API Gateway answers.
  const matches = (named.apiId ?? apiId) === apiId && (named.stage ?? stage) === stage;
  return { apiId: named.apiId ?? apiId, stage: named.stage ?? stage, matches };
}

function answerOf(
  apis: Pick<WebSocketApis, 'post' | 'disconnect'>,
  maxMessageBytes: number,
  operation: string,
  lookup: ConnectionLookup,
  data: Buffer,
): ServiceAnswer {
  if (operation === 'PostToConnection' && data.length > maxMessageBytes)
    throw new AwsError(413, 'PayloadTooLargeException', `Message must be at most ${maxMessageBytes} bytes.`);
  if (lookup.state !== 'open') throw gone();
  const { connection } = lookup;
  if (operation === 'GetConnection') {
    return {
      kind: 'json',
      // The API's JSON names are camel case (`connectedAt`); the SDK reads them as `ConnectedAt`.
      body: {
        connectedAt: new Date(connection.connectedAt).toISOString(),
        identity: {
          sourceIp: connection.sourceIp,
          ...(connection.userAgent ? { userAgent: connection.userAgent } : {}),
        },
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      },
    };
  }
  const done =
    operation === 'PostToConnection'
      ? apis.post(connection.connectionId, data)
      : apis.disconnect(connection.connectionId);
  if (!done) throw gone();
  return {
    kind: 'raw',
    status: operation === 'DeleteConnection' ? 204 : 200,
    headers: {},
    body: Buffer.alloc(0),
  };
}

/** What {@link createConnectionsService} needs. */
export interface ConnectionsServiceOptions {
  readonly apis: Pick<WebSocketApis, 'lookup' | 'post' | 'disconnect' | 'regionOf'>;
  readonly accountId: string;
  /** The region of a connection nobody knows. */
  readonly region: string;
  /** @default 128 KB */
  readonly maxMessageBytes?: number;
}

/**
 * The `@connections` API behind the local AWS endpoint, signing name `execute-api`. Each call
 * needs `execute-api:ManageConnections` on
 * `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/@connections/<connectionId>`;
 * a closed connection answers `GoneException` (410), data over 128 KB `PayloadTooLargeException`.
 *
 * @example
 * ```ts
 * endpoint.services.register(createConnectionsService({ apis: webSockets, accountId, region }));
 * // a function: new ApiGatewayManagementApiClient({ endpoint: process.env.CALLBACK_URL })
 * ```
 */
export function createConnectionsService(options: ConnectionsServiceOptions): AwsService {
  const maxMessageBytes = options.maxMessageBytes ?? 128 * 1024;
  return {
    signingName: 'execute-api',
    protocol: managementProtocol,
    describe: 'API Gateway @connections (PostToConnection, GetConnection, DeleteConnection)',
    call(request): ServiceCall {
      const { operation, input, raw } = request;
      if (operation === '') {
        throw new AwsError(
          404,
          'NotFoundException',
          `No method found matching route ${raw.url} for http method ${raw.method}.`,
        );
      }
      const connectionId = String(input['ConnectionId']);
      const lookup = options.apis.lookup(connectionId);
      const scope = scopeOf(lookup, input);
      const data = Buffer.isBuffer(input['Data']) ? input['Data'] : Buffer.alloc(0);
      if (!scope) return { permissions: [], answer: () => Promise.reject(gone()) };
      const region =
        lookup.state === 'unknown' ? (options.apis.regionOf(scope.apiId) ?? options.region) : lookup.region;
      const resource = `arn:aws:execute-api:${region}:${options.accountId}:${scope.apiId}/${scope.stage}/${raw.method}/@connections/${connectionId}`;
      return {
        permissions: [{ action: 'execute-api:ManageConnections', resources: [resource] }],
        answer: () =>
          scope.matches
            ? answerOf(options.apis, maxMessageBytes, operation, lookup, data)
            : Promise.reject(gone()),
      };
    },
    update: () => Promise.resolve({}),
    stop: () => Promise.resolve(),
  };
}
