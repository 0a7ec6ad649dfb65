/**
 * The handlers as Lambda runs them, with the AWS SDK mocked at the client: DynamoDB (document
 * client) and the API Gateway management API.
 */
import {
  ApiGatewayManagementApiClient,
  ForbiddenException,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ServerMessage } from '@slice/contracts-tracking';
import { lambdaContext } from '@slice/testing';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { SocketEvent } from '@slice/middleware';

const dynamo = mockClient(DynamoDBDocumentClient);
const management = mockClient(ApiGatewayManagementApiClient);

type Invoke<E, R> = (event: E, context: Context) => Promise<R>;
type Answer = { statusCode: number; body?: string; headers?: Record<string, string> };
let handlers: {
  connect: Invoke<SocketEvent, Answer>;
  track: Invoke<SocketEvent, Answer>;
  fallback: Invoke<SocketEvent, Answer>;
  disconnect: Invoke<SocketEvent, Answer>;
  announce: Invoke<EventBridgeEvent<string, unknown>, void>;
};

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TABLE_NAME: 'tracking',
    CONNECTIONS_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev',
    AWS_REQUEST_TIMEOUT_MS: '500',
  });
  handlers = {
    connect: (await import('../src/handlers/connect')).handler,
    track: (await import('../src/handlers/track')).handler,
    fallback: (await import('../src/handlers/default')).handler,
    disconnect: (await import('../src/handlers/disconnect')).handler,
    announce: (await import('../src/handlers/announce-order-status')).handler as never,
  };
});

beforeEach(() => {
  dynamo.reset();
  management.reset();
});

const orderId = '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10';

function socketEvent(
  routeKey: string,
  options: { body?: string; sub?: string; headers?: Record<string, string> } = {},
): SocketEvent {
  const eventType =
    routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE';
  return {
    requestContext: {
      routeKey,
      eventType,
      messageId: 'm-1',
      extendedRequestId: 'x-1',
      requestTime: '01/Dec/2026:10:00:00 +0000',
      messageDirection: 'IN',
      stage: 'dev',
      connectedAt: 1_764_583_200_000,
      requestTimeEpoch: 1_764_583_200_000,
      requestId: 'req-1',
      domainName: 'ws.slice.test',
      connectionId: 'conn-1',
      apiId: 'abc123',
      authorizer: options.sub ? { principalId: options.sub, sub: options.sub, groups: '["customer"]' } : null,
    },
    isBase64Encoded: false,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.headers ? { headers: options.headers } : {}),
  };
}

const placedEvent = (customerId = 'alice'): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'OrderPlaced',
  source: 'slice.orders',
  account: '123456789012',
  time: '2026-12-01T10:00:01Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    id: `${orderId}:placed`,
    occurredAt: '2026-12-01T10:00:01.000Z',
    correlationId: 'c-1',
    version: 1,
    order: {
      id: orderId,
      customerId,
      status: 'PLACED',
      lines: [
        {
          itemId: 'margherita',
          name: 'Margherita',
          quantity: 1,
          unitPrice: { amount: 900, currency: 'EUR' },
          lineTotal: { amount: 900, currency: 'EUR' },
        },
      ],
      total: { amount: 900, currency: 'EUR' },
      deliveryAddress: {
        name: 'Alice',
        line1: '1 Oven Street',
        city: 'Utrecht',
        postcode: '3511AA',
        country: 'NL',
      },
      placedAt: '2026-12-01T10:00:01.000Z',
    },
  },
});

const watch = (connectionId: string, customerId = 'alice') => ({
  pk: `ORDER#${orderId}`,
  sk: `WATCH#${connectionId}`,
  orderId,
  connectionId,
  customerId,
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
});

describe('announce-order-status', () => {
  beforeEach(() => {
    dynamo.on(UpdateCommand).resolves({
      Attributes: { orderId, customerId: 'alice', status: 'placed', at: '2026-12-01T10:00:01.000Z' },
    });
    dynamo.on(QueryCommand).resolves({ Items: [watch('conn-1'), watch('conn-gone')] });
    dynamo.on(GetCommand).resolves({ Item: { orderIds: new Set([orderId]) } });
  });

  it('posts the new status to every connection following the order, as a contract message', async () => {
    management.on(PostToConnectionCommand).resolves({});

    await handlers.announce(placedEvent(), lambdaContext());

    const posts = management.commandCalls(PostToConnectionCommand).map((call) => call.args[0].input);
    expect(posts.map((post) => post.ConnectionId).sort()).toEqual(['conn-1', 'conn-gone']);
    const message: unknown = JSON.parse(new TextDecoder().decode(posts[0]?.Data as Uint8Array));
    expect(ServerMessage.parse(message)).toEqual({
      type: 'status',
      orderId,
      status: 'placed',
      at: '2026-12-01T10:00:01.000Z',
    });
  });

  it('deletes a connection that answers GoneException, and its watches', async () => {
    management
      .on(PostToConnectionCommand)
      .resolves({})
      .on(PostToConnectionCommand, { ConnectionId: 'conn-gone' })
      .rejects(new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } }));

    await handlers.announce(placedEvent(), lambdaContext());

    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, {
      TableName: 'tracking',
      Key: { pk: 'CONNECTION#conn-gone', sk: 'CONNECTION' },
    });
    expect(dynamo).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: `ORDER#${orderId}`, sk: 'WATCH#conn-gone' },
    });
    expect(dynamo).not.toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: 'CONNECTION#conn-1', sk: 'CONNECTION' },
    });
  });

  it('fails the invocation when a push is refused (AccessDenied), so EventBridge retries it', async () => {
    management
      .on(PostToConnectionCommand)
      .rejects(new ForbiddenException({ message: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));

    await expect(handlers.announce(placedEvent(), lambdaContext())).rejects.toThrow(/pushes of .* failed/);
    expect(dynamo).not.toHaveReceivedCommand(DeleteCommand);
  });

  it('refuses an event whose detail breaks the contract, before writing anything', async () => {
    const broken = placedEvent();
    (broken.detail as { order: { customerId?: string } }).order.customerId = undefined;

    await expect(handlers.announce(broken, lambdaContext())).rejects.toThrow();
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('the WebSocket routes', () => {
  it('$connect records the connection with its TTL and selects slice-tracking when protocols are offered', async () => {
    dynamo.on(PutCommand).resolves({});
    const answer = await handlers.connect(
      socketEvent('$connect', {
        sub: 'alice',
        headers: { 'Sec-WebSocket-Protocol': 'slice-tracking, eyJ...' },
      }),
      lambdaContext(),
    );
    expect(answer).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'slice-tracking' } });
    const item = dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ pk: 'CONNECTION#conn-1', customerId: 'alice' });
    expect(typeof item?.expiresAt).toBe('number');
  });

  it('$connect without the authorizer context opens nothing', async () => {
    expect(await handlers.connect(socketEvent('$connect'), lambdaContext())).toEqual({ statusCode: 401 });
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
  });

  it('track answers the status the projection holds', async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: { orderId, customerId: 'alice', status: 'placed', at: '2026-12-01T10:00:01.000Z' } });
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(PutCommand).resolves({});

    const answer = await handlers.track(
      socketEvent('track', { sub: 'alice', body: JSON.stringify({ action: 'track', orderId }) }),
      lambdaContext(),
    );

    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '')).toEqual({
      type: 'status',
      orderId,
      status: 'placed',
      at: '2026-12-01T10:00:01.000Z',
    });
  });

  it('track answers unavailable with the correlation id, and no internals, when the table fails', async () => {
    dynamo.on(GetCommand).rejects(
      Object.assign(new Error('arn:aws:dynamodb:eu-west-1:1:table/tracking is broken'), {
        name: 'InternalServerError',
        $metadata: { httpStatusCode: 500 },
      }),
    );

    const answer = await handlers.track(
      socketEvent('track', { sub: 'alice', body: JSON.stringify({ action: 'track', orderId }) }),
      lambdaContext(),
    );

    expect(JSON.parse(answer.body ?? '')).toEqual({
      type: 'error',
      code: 'unavailable',
      message: 'Tracking cannot answer right now; try again.',
      correlationId: 'req-1',
    });
  });

  it('$default names the actions the API accepts', async () => {
    const answer = await handlers.fallback(
      socketEvent('$default', { sub: 'alice', body: '{"action":"dance"}' }),
      lambdaContext(),
    );
    expect(ServerMessage.parse(JSON.parse(answer.body ?? ''))).toMatchObject({ code: 'unknown-action' });
  });

  it('$disconnect forgets the connection and its watches', async () => {
    dynamo.on(GetCommand).resolves({ Item: { orderIds: new Set([orderId]) } });
    dynamo.on(DeleteCommand).resolves({});

    await handlers.disconnect(socketEvent('$disconnect', { sub: 'alice' }), lambdaContext());

    expect(dynamo).toHaveReceivedCommandTimes(DeleteCommand, 2);
  });
});
