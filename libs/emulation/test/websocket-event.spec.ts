import { webSocketEvent, type WebSocketConnection } from '../src';

const connection: WebSocketConnection = {
  connectionId: 'WyHPAfymhcwCENw=',
  apiId: 'abcdefghij',
  stage: 'dev',
  domainName: 'abcdefghij.execute-api.eu-west-1.amazonaws.com',
  connectedAt: Date.parse('2026-12-01T10:00:00Z'),
  sourceIp: '203.0.113.7',
  userAgent: 'test',
};

describe('webSocketEvent', () => {
  it('builds a CONNECT event with the request headers and query, and null message fields', () => {
    const event = webSocketEvent({
      eventType: 'CONNECT',
      routeKey: '$connect',
      connection,
      requestTimeEpoch: connection.connectedAt + 5,
      requestId: 'req=',
      headers: { Host: ['localhost'], 'X-Multi': ['a', 'b'] },
      query: { token: ['t1', 't2'] },
    });
    expect(event).toEqual({
      headers: { Host: 'localhost', 'X-Multi': 'b' },
      multiValueHeaders: { Host: ['localhost'], 'X-Multi': ['a', 'b'] },
      queryStringParameters: { token: 't2' },
      multiValueQueryStringParameters: { token: ['t1', 't2'] },
      requestContext: {
        routeKey: '$connect',
        messageId: null,
        disconnectStatusCode: null,
        disconnectReason: null,
        eventType: 'CONNECT',
        extendedRequestId: 'req=',
        requestTime: '01/Dec/2026:10:00:00 +0000',
        messageDirection: 'IN',
        stage: 'dev',
        connectedAt: connection.connectedAt,
        requestTimeEpoch: connection.connectedAt + 5,
        identity: expect.objectContaining({
          sourceIp: '203.0.113.7',
          userAgent: 'test',
          user: null,
        }) as unknown,
        requestId: 'req=',
        domainName: connection.domainName,
        connectionId: connection.connectionId,
        apiId: 'abcdefghij',
      },
      isBase64Encoded: false,
    });
  });

  it('leaves the query maps out of a CONNECT without a query string', () => {
    const event = webSocketEvent({ eventType: 'CONNECT', routeKey: '$connect', connection, headers: {} });
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('headers');
  });

  it('builds a MESSAGE event with its body, a message id and the authorizer of the connection', () => {
    const event = webSocketEvent({
      eventType: 'MESSAGE',
      routeKey: 'track',
      connection: { ...connection, authorizer: { principalId: 'alice', integrationLatency: 3 } },
      body: '{"action":"track"}',
    });
    expect(event.body).toBe('{"action":"track"}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({
      eventType: 'MESSAGE',
      routeKey: 'track',
      authorizer: { principalId: 'alice', integrationLatency: 3 },
      identity: { sourceIp: '203.0.113.7', userAgent: 'test' },
    });
    expect(event.requestContext['messageId']).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(event).not.toHaveProperty('headers');
  });

  it('base64-encodes a binary message', () => {
    const event = webSocketEvent({
      eventType: 'MESSAGE',
      routeKey: '$default',
      connection,
      body: Buffer.from([0, 255]),
    });
    expect(event).toMatchObject({ body: 'AP8=', isBase64Encoded: true });
  });

  it('builds a DISCONNECT event with the close code and reason and API Gateway’s own headers', () => {
    const event = webSocketEvent({
      eventType: 'DISCONNECT',
      routeKey: '$disconnect',
      connection,
      disconnect: { statusCode: 1001, reason: 'Going away' },
    });
    expect(event.requestContext).toMatchObject({
      eventType: 'DISCONNECT',
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });
    expect(event.requestContext).not.toHaveProperty('messageId');
    expect(event.headers).toEqual({
      Host: connection.domainName,
      'x-api-key': '',
      'X-Forwarded-For': '',
      'x-restapi': '',
    });
  });
});
