import { request as httpRequest } from 'node:http';
import { createLocalIssuer } from '@slice/testing';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { proxyResponse } from '../src/services/apigateway';
import {
  type Handler,
  accountId,
  fakeRuntime,
  json,
  lambdaMethod,
  model,
  permissionsFor,
  restApi,
  serve,
  sliceGatewayResponses,
} from './gateway-fixtures';

const issuer = createLocalIssuer();
const echo: Handler = (event) => json(200, event);

async function withApi(
  handlers: Record<string, Handler>,
  api: ReturnType<typeof restApi>,
  run: (url: string, lines: string[]) => Promise<void>,
  permissions?: ReturnType<typeof permissionsFor>,
) {
  const { runtime } = fakeRuntime(handlers);
  const functionIds = Object.keys(handlers);
  const server = await serve({
    model: model({ apis: [api], functionIds, ...(permissions ? { permissions } : {}) }),
    runtime,
    issuer,
  });
  try {
    await run(server.url, server.lines);
  } finally {
    await server.close();
  }
}

const ordersApi = (extra: Partial<Parameters<typeof restApi>[0]> = {}) =>
  restApi({
    id: 'ordersapi1',
    name: 'orders',
    resources: {
      '/orders': [lambdaMethod('POST', 'Orders/Fn'), lambdaMethod('GET', 'Orders/Fn')],
      '/orders/{orderId}': [lambdaMethod('GET', 'Orders/Fn')],
    },
    stageVariables: { flavour: 'margherita' },
    ...extra,
  });

describe('the Lambda proxy event', () => {
  it('carries resource and path, path parameters, multi-value query and headers, stage and request context', async () => {
    await withApi({ 'Orders/Fn': echo }, ordersApi(), async (url) => {
      const response = await fetch(`${url}/orders/o%2D1?expand=items&expand=payments&flag`, {
        headers: { 'X-Correlation-Id': 'c-1', 'User-Agent': 'slice-test', 'x-forwarded-for': '203.0.113.7' },
      });
      const event = (await response.json()) as APIGatewayProxyEvent;

      expect(event.resource).toBe('/orders/{orderId}');
      expect(event.path).toBe('/orders/o%2D1');
      expect(event.httpMethod).toBe('GET');
      expect(event.pathParameters).toEqual({ orderId: 'o%2D1' });
      expect(event.queryStringParameters).toEqual({ expand: 'payments', flag: '' });
      expect(event.multiValueQueryStringParameters).toEqual({ expand: ['items', 'payments'], flag: [''] });
      expect(event.headers['X-Correlation-Id']).toBe('c-1');
      expect(event.multiValueHeaders['X-Correlation-Id']).toEqual(['c-1']);
      expect(event.headers['X-Forwarded-For']).toBe('203.0.113.7, 127.0.0.1');
      expect(event.headers).not.toHaveProperty('x-forwarded-for');
      expect(event.body).toBeNull();
      expect(event.isBase64Encoded).toBe(false);
      expect(event.stageVariables).toEqual({ flavour: 'margherita' });
      expect(event.requestContext).toMatchObject({
        accountId,
        apiId: 'ordersapi1',
        stage: 'dev',
        httpMethod: 'GET',
        resourcePath: '/orders/{orderId}',
        path: '/orders/o%2D1',
        domainName: '127.0.0.1',
        requestId: response.headers.get('x-amzn-requestid'),
        identity: { sourceIp: '127.0.0.1', userAgent: 'slice-test' },
      });
      expect(event.requestContext).not.toHaveProperty('authorizer');
    });
  });

  it('has null maps for a request without query string or path parameters, and the text body as is', async () => {
    await withApi({ 'Orders/Fn': echo }, ordersApi({ stageVariables: {} }), async (url) => {
      const event = (await (
        await fetch(`${url}/orders`, {
          method: 'POST',
          body: '{"items":[]}',
          headers: { 'Content-Type': 'application/json' },
        })
      ).json()) as APIGatewayProxyEvent;

      expect(event.queryStringParameters).toBeNull();
      expect(event.multiValueQueryStringParameters).toBeNull();
      expect(event.pathParameters).toBeNull();
      expect(event.stageVariables).toBeNull();
      expect(event.body).toBe('{"items":[]}');
      expect(event.isBase64Encoded).toBe(false);
    });
  });

  it('base64-encodes a body of a binary media type', async () => {
    await withApi({ 'Orders/Fn': echo }, ordersApi({ binaryMediaTypes: ['image/*'] }), async (url) => {
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
      const event = (await (
        await fetch(`${url}/orders`, {
          method: 'POST',
          body: bytes,
          headers: { 'Content-Type': 'image/png' },
        })
      ).json()) as APIGatewayProxyEvent;

      expect(event.isBase64Encoded).toBe(true);
      expect(event.body).toBe(bytes.toString('base64'));
    });
  });

  it('keeps the base path in the path the API sees unless the rule strips it', async () => {
    const api = ordersApi();
    const { runtime } = fakeRuntime({ 'Orders/Fn': echo });
    const routingRules = [
      { priority: 1, basePaths: ['v2'], apiId: api.id, stage: 'dev', stripBasePath: true, source: 'test' },
    ];
    const server = await serve({
      model: model({ apis: [api], functionIds: ['Orders/Fn'], routingRules }),
      runtime,
      issuer,
    });
    try {
      const event = (await (await fetch(`${server.url}/v2/orders/o-1`)).json()) as APIGatewayProxyEvent;

      expect(event.path).toBe('/orders/o-1');
      expect(event.resource).toBe('/orders/{orderId}');
      expect(event.requestContext.path).toBe('/v2/orders/o-1');
    } finally {
      await server.close();
    }
  });
});

describe('the Lambda proxy response', () => {
  it('writes status, headers, multi-value headers and a base64 body decoded for a binary Accept type', async () => {
    const handler: Handler = () => ({
      statusCode: 201,
      headers: { Location: '/orders/o-1', 'Content-Type': 'image/png' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: Buffer.from([1, 2, 3]).toString('base64'),
      isBase64Encoded: true,
    });
    await withApi({ 'Orders/Fn': handler }, ordersApi({ binaryMediaTypes: ['image/png'] }), async (url) => {
      const response = await fetch(`${url}/orders`, { method: 'POST', headers: { Accept: 'image/png' } });

      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe('/orders/o-1');
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
    });
  });

  it('answers 502 Internal server error for a malformed answer, and logs why', async () => {
    await withApi(
      { 'Orders/Fn': () => ({ statusCode: 200, body: { id: 1 } }) },
      ordersApi(),
      async (url, lines) => {
        const response = await fetch(`${url}/orders`);

        expect(response.status).toBe(502);
        expect(await response.json()).toEqual({ message: 'Internal server error' });
        expect(lines.join('\n')).toContain(
          'Malformed Lambda proxy response: body must be a string, not an object',
        );
      },
    );
  });

  it('answers the status and body of the API DEFAULT_5XX for a function that throws', async () => {
    const failing: Handler = () => {
      throw new Error('boom');
    };
    await withApi(
      { 'Orders/Fn': failing },
      ordersApi({ gatewayResponses: sliceGatewayResponses }),
      async (url) => {
        const response = await fetch(`${url}/orders`);
        const body = (await response.json()) as Record<string, unknown>;

        expect(response.status).toBe(500);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(body['type']).toBe('urn:slice:problem:internal');
        expect(JSON.stringify(body)).not.toContain('boom');
      },
    );
  });

  it('answers 504 Endpoint request timed out when the integration timeout passes first', async () => {
    const method = lambdaMethod('GET', 'Orders/Fn');
    const api = ordersApi({
      resources: { '/orders': [{ ...method, integration: { ...method.integration, timeoutMs: 50 } }] },
    });
    await withApi({ 'Orders/Fn': () => new Promise(() => undefined) }, api, async (url) => {
      const response = await fetch(`${url}/orders`);

      expect(response.status).toBe(504);
      expect(await response.json()).toEqual({ message: 'Endpoint request timed out' });
    });
  });

  it('answers 413 Request Too Long for a body over 10 MB without calling the function', async () => {
    const { runtime, calls } = fakeRuntime({ 'Orders/Fn': echo });
    const api = ordersApi();
    const server = await serve({
      model: model({ apis: [api], functionIds: ['Orders/Fn'] }),
      runtime,
      issuer,
    });
    try {
      const body = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');
      const response = await fetch(`${server.url}/orders`, { method: 'POST', body });

      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ message: 'Request Too Long' });
      expect(calls).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('answers 413 to a chunked body that grows over 10 MB', async () => {
    await withApi({ 'Orders/Fn': echo }, ordersApi(), async (url) => {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${url}/orders`, { method: 'POST' }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        const chunk = Buffer.alloc(1024 * 1024, 'b');
        for (let index = 0; index < 11; index++) request.write(chunk);
        request.end();
      });

      expect(status).toBe(413);
    });
  });
});

describe('gateway checks before the integration', () => {
  it('answers 400 naming a missing required header when the method validates parameters', async () => {
    const api = ordersApi({
      gatewayResponses: sliceGatewayResponses,
      resources: {
        '/orders': [
          lambdaMethod('POST', 'Orders/Fn', {
            requestParameters: {
              'method.request.header.Idempotency-Key': true,
              'method.request.header.X-Correlation-Id': false,
            },
            validateRequestParameters: true,
          }),
        ],
      },
    });
    await withApi({ 'Orders/Fn': () => json(201, {}) }, api, async (url) => {
      const missing = await fetch(`${url}/orders`, { method: 'POST' });
      const present = await fetch(`${url}/orders`, { method: 'POST', headers: { 'idempotency-key': 'k-1' } });

      expect(missing.status).toBe(400);
      expect(((await missing.json()) as Record<string, unknown>)['detail']).toBe(
        'Missing required request parameters: [Idempotency-Key]',
      );
      expect(present.status).toBe(201);
    });
  });

  it('answers 429 with the API THROTTLED response and Retry-After once the burst is spent', async () => {
    let clock = 1_000_000;
    const api = ordersApi({ gatewayResponses: sliceGatewayResponses, throttle: { rate: 1, burst: 2 } });
    const { runtime } = fakeRuntime({ 'Orders/Fn': () => json(200, {}) });
    const server = await serve({
      model: model({ apis: [api], functionIds: ['Orders/Fn'] }),
      runtime,
      issuer,
      now: () => clock,
    });
    try {
      const statuses = [];
      for (let index = 0; index < 3; index++) statuses.push((await fetch(`${server.url}/orders`)).status);
      const throttled = await fetch(`${server.url}/orders`);
      clock += 1000;
      const afterASecond = await fetch(`${server.url}/orders`);

      expect(statuses).toEqual([200, 200, 429]);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(((await throttled.json()) as Record<string, unknown>)['type']).toBe(
        'urn:slice:problem:too-many-requests',
      );
      expect(afterASecond.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers 500 when no Lambda permission lets API Gateway invoke the function', async () => {
    const api = ordersApi();
    const [permission] = permissionsFor(['Orders/Fn'], [api]);
    const permissions = permission
      ? [{ ...permission, sourceArn: `arn:aws:execute-api:eu-west-1:${accountId}:${api.id}/dev/POST/orders` }]
      : [];
    await withApi(
      { 'Orders/Fn': () => json(200, {}) },
      api,
      async (url, lines) => {
        const allowed = await fetch(`${url}/orders`, { method: 'POST' });
        const denied = await fetch(`${url}/orders`);

        expect(allowed.status).toBe(200);
        expect(denied.status).toBe(500);
        expect(lines.join('\n')).toContain('Invalid permissions on Lambda function');
      },
      permissions,
    );
  });
});

describe('proxyResponse', () => {
  it('accepts the documented fields, defaulting the status to 200 and the content type to JSON', () => {
    const response = proxyResponse({ body: 'ok', headers: { 'X-Flag': true } });

    expect(response).toEqual({
      statusCode: 200,
      headers: [
        ['X-Flag', 'true'],
        ['Content-Type', 'application/json'],
      ],
      body: 'ok',
    });
  });

  it('lets multiValueHeaders win over headers for the same name and remaps connection headers', () => {
    const response = proxyResponse({
      statusCode: '204',
      headers: { vary: 'a', 'Content-Length': '99', 'Content-Type': 'text/plain' },
      multiValueHeaders: { Vary: ['Origin', 'Accept'] },
    });

    expect(typeof response === 'string' ? response : response.headers).toEqual([
      ['x-amzn-Remapped-Content-Length', '99'],
      ['Content-Type', 'text/plain'],
      ['Vary', 'Origin'],
      ['Vary', 'Accept'],
    ]);
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an unknown field', { statusCode: 200, cookies: ['a=1'] }],
    ['a non-numeric status', { statusCode: 'ok' }],
    ['an object header value', { statusCode: 200, headers: { a: { b: 1 } } }],
    ['a multi-value header that is no list', { statusCode: 200, multiValueHeaders: { a: 'b' } }],
    ['an object body', { statusCode: 200, body: {} }],
  ])('refuses %s', (_case, payload) => {
    expect(typeof proxyResponse(payload)).toBe('string');
  });
});
