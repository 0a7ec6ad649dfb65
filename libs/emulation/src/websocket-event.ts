import { requestTime } from './rest-api-event';

/** `CONNECT` for `$connect`, `MESSAGE` for every message route, `DISCONNECT` for `$disconnect`. */
export type WebSocketEventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

/** The connection an event is about, as API Gateway knows it. */
export interface WebSocketConnection {
  readonly connectionId: string;
  readonly apiId: string;
  readonly stage: string;
  /** The domain the client connected to: `<apiId>.execute-api.<region>.amazonaws.com`, or the custom domain. */
  readonly domainName: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** `requestContext.authorizer` of the `$connect` authorizer: `principalId`, `integrationLatency` and its context. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
}

/** What {@link webSocketEvent} builds an event from. */
export interface WebSocketEventOptions {
  readonly eventType: WebSocketEventType;
  readonly routeKey: string;
  readonly connection: WebSocketConnection;
  /** Epoch milliseconds of the request or message. @default the connection's `connectedAt` */
  readonly requestTimeEpoch?: number;
  /** @default a random id */
  readonly requestId?: string;
  /** A `MESSAGE`'s id. @default a random id */
  readonly messageId?: string;
  /** A `CONNECT`'s request headers (each value, in order). */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /** A `CONNECT`'s query parameters (each value, in order). */
  readonly query?: Readonly<Record<string, readonly string[]>>;
  /** A `MESSAGE`'s body: text as is, bytes base64-encoded. */
  readonly body?: string | Uint8Array;
  /** A `DISCONNECT`'s close code and reason. */
  readonly disconnect?: { readonly statusCode: number; readonly reason: string };
}

/** The event of a WebSocket route's Lambda proxy integration, as API Gateway sends it. */
export interface WebSocketEvent {
  readonly requestContext: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly queryStringParameters?: Record<string, string>;
  readonly multiValueQueryStringParameters?: Record<string, string[]>;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/** An id as API Gateway makes them: 15 URL-safe base64 characters and `=` (`Z-8uxdFzDoECJyQ=`). */
export const apiGatewayId = (): string => {
  const bytes = new Uint8Array(11);
  crypto.getRandomValues(bytes);
  return `${Buffer.from(bytes).toString('base64url')}=`;
};

/** The connect request's `identity`, every field API Gateway sends (`null` where it has nothing). */
const connectIdentity = (connection: WebSocketConnection) => ({
  cognitoIdentityPoolId: null,
  cognitoIdentityId: null,
  principalOrgId: null,
  cognitoAuthenticationType: null,
  userArn: null,
  userAgent: connection.userAgent ?? null,
  accountId: null,
  caller: null,
  sourceIp: connection.sourceIp,
  accessKey: null,
  cognitoAuthenticationProvider: null,
  user: null,
});

function requestContextOf(options: WebSocketEventOptions): Record<string, unknown> {
  const { connection, eventType } = options;
  const epoch = options.requestTimeEpoch ?? connection.connectedAt;
  const requestId = options.requestId ?? apiGatewayId();
  const disconnect = options.disconnect;
  return {
    routeKey: options.routeKey,
    ...(eventType === 'MESSAGE' ? { messageId: options.messageId ?? apiGatewayId() } : {}),
    ...(eventType === 'CONNECT'
      ? { messageId: null, disconnectStatusCode: null, disconnectReason: null }
      : {}),
    ...(disconnect && eventType === 'DISCONNECT'
      ? { disconnectStatusCode: disconnect.statusCode, disconnectReason: disconnect.reason }
      : {}),
    eventType,
    extendedRequestId: requestId,
    requestTime: requestTime(epoch),
    messageDirection: 'IN',
    stage: connection.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: epoch,
    identity:
      eventType === 'CONNECT'
        ? connectIdentity(connection)
        : { userAgent: connection.userAgent ?? null, sourceIp: connection.sourceIp },
    requestId,
    domainName: connection.domainName,
    connectionId: connection.connectionId,
    apiId: connection.apiId,
    ...(connection.authorizer === undefined ? {} : { authorizer: { ...connection.authorizer } }),
  };
}

/** Last value wins in the single-value map, as API Gateway keeps it. */
function maps(values: Readonly<Record<string, readonly string[]>> | undefined) {
  const entries = Object.entries(values ?? {}).filter(([, list]) => list.length > 0);
  if (entries.length === 0) return undefined;
  return {
    single: Object.fromEntries(entries.map(([name, list]) => [name, list[list.length - 1] ?? ''])),
    multi: Object.fromEntries(entries.map(([name, list]) => [name, [...list]])),
  };
}

/** The headers API Gateway sends a `$disconnect` route: its own, not the client's. */
function disconnectHeaders(connection: WebSocketConnection): Record<string, string[]> {
  return {
    Host: [connection.domainName],
    'x-api-key': [''],
    'X-Forwarded-For': [''],
    'x-restapi': [''],
  };
}

/**
 * Builds the event API Gateway sends the Lambda proxy integration of a WebSocket route, as AWS
 * documents it: `requestContext` with `routeKey`, `eventType`, `connectionId`, `connectedAt`,
 * `requestTimeEpoch`, `requestTime`, `messageDirection`, `stage`, `domainName`, `apiId`,
 * `identity` and the `$connect` authorizer's `authorizer`; a `CONNECT` carries the request's
 * `headers`, `multiValueHeaders` and query parameters (absent when there are none), a `MESSAGE`
 * its `messageId`, `body` and `isBase64Encoded`, a `DISCONNECT` its `disconnectStatusCode` and
 * `disconnectReason`. A pure function: the local cloud's WebSocket APIs build their events with
 * it, and a service's tests can too.
 *
 * @example
 * ```ts
 * const event = webSocketEvent({
 *   eventType: 'MESSAGE',
 *   routeKey: 'track',
 *   connection: { connectionId: 'Ab1=', apiId: 'k3w9a', stage: 'dev', domainName: 'localhost', connectedAt: Date.now(), sourceIp: '127.0.0.1' },
 *   body: JSON.stringify({ action: 'track', orderId: 'o-1' }),
 * });
 * event.requestContext.eventType; // 'MESSAGE'
 * ```
 */
export function webSocketEvent(options: WebSocketEventOptions): WebSocketEvent {
  const requestContext = requestContextOf(options);
  if (options.eventType === 'MESSAGE') {
    const { body } = options;
    const binary = body instanceof Uint8Array;
    return {
      requestContext,
      body: binary ? Buffer.from(body).toString('base64') : (body ?? ''),
      isBase64Encoded: binary,
    };
  }
  const headers = maps(
    options.eventType === 'DISCONNECT' ? disconnectHeaders(options.connection) : options.headers,
  );
  const query = options.eventType === 'CONNECT' ? maps(options.query) : undefined;
  return {
    ...(headers ? { headers: headers.single, multiValueHeaders: headers.multi } : {}),
    ...(query ? { queryStringParameters: query.single, multiValueQueryStringParameters: query.multi } : {}),
    requestContext,
    isBase64Encoded: false,
  };
}
