/**
 * The rows of the fidelity table in tools/local-cloud/README.md that concern the REST gateway:
 * each test shows the local answer is the one AWS documents.
 */
import { connect } from 'node:net';
import { createLocalIssuer } from '@slice/testing';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { MethodSpec } from '../src/assembly/types';
import {
  type Handler,
  cognitoAuthorizer,
  fakeRuntime,
  json,
  lambdaMethod,
  model,
  restApi,
  serve,
  sliceGatewayResponses,
} from './gateway-fixtures';

const issuer = createLocalIssuer();
const echo: Handler = (event) => json(200, event);

type ApiInput = Parameters<typeof restApi>[0];

async function withGateway(
  handlers: Record<string, Handler>,
  api: ReturnType<typeof restApi>,
  run: (url: string, lines: string[]) => Promise<void>,
  options: { accountThrottle?: { rateLimit: number; burstLimit: number }; now?: () => number } = {},
) {
  const { runtime } = fakeRuntime(handlers);
  const server = await serve({
    model: model({ apis: [api], functionIds: Object.keys(handlers) }),
    runtime,
    issuer,
    ...options,
  });
  try {
    await run(server.url, server.lines);
  } finally {
    await server.close();
  }
}

const itemsApi = (extra: Partial<ApiInput> = {}) =>
  restApi({
    id: 'itemsapi01',
    name: 'items',
    resources: {
      '/items': [lambdaMethod('GET', 'Items/Fn'), lambdaMethod('POST', 'Items/Fn')],
      '/items/{itemId}': [lambdaMethod('GET', 'Items/Fn')],
      '/files/{path+}': [lambdaMethod('GET', 'Items/Fn')],
    },
    ...extra,
  });

const eventOf = async (response: Response) => (await response.json()) as APIGatewayProxyEvent;

/** Sends a GET with one extra header over a raw socket: fetch drops a header named `__proto__`. */
function getWithHeader(url: string, path: string, name: string, value: string) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n${name}: ${value}\r\nConnection: close\r\n\r\n`,
      );
    });
    let raw = '';
    socket.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body });
    });
  });
}

describe('path parameters', () => {
  it('reach the function percent-encoded, as the client sent them', async () => {
    await withGateway({ 'Items/Fn': echo }, itemsApi(), async (url) => {
      const single = await eventOf(await fetch(`${url}/items/red%20pepper%2Bchili`));
      const greedy = await eventOf(await fetch(`${url}/files/a%2Fb/c%20d.txt`));

      expect(single.pathParameters).toEqual({ itemId: 'red%20pepper%2Bchili' });
      expect(single.path).toBe('/items/red%20pepper%2Bchili');
      expect(greedy.pathParameters).toEqual({ path: 'a%2Fb/c%20d.txt' });
    });
  });
});

describe('query strings', () => {
  it('read a literal + as a space and %2B as a plus', async () => {
    await withGateway({ 'Items/Fn': echo }, itemsApi(), async (url) => {
      const event = await eventOf(await fetch(`${url}/items?q=red+pepper&email=a%2Bb%40example.com`));

      expect(event.queryStringParameters).toEqual({ q: 'red pepper', email: 'a+b@example.com' });
    });
  });

  it('keep names case-sensitive', async () => {
    await withGateway({ 'Items/Fn': echo }, itemsApi(), async (url) => {
      const event = await eventOf(await fetch(`${url}/items?Tag=a&tag=b`));

      expect(event.multiValueQueryStringParameters).toEqual({ Tag: ['a'], tag: ['b'] });
    });
  });

  it('split on a semicolon as on an ampersand', async () => {
    await withGateway({ 'Items/Fn': echo }, itemsApi(), async (url) => {
      const event = await eventOf(await fetch(`${url}/items?a=1;b=2`));

      expect(event.multiValueQueryStringParameters).toEqual({ a: ['1'], b: ['2'] });
    });
  });
});

describe('prototype keys in client input', () => {
  const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

  it.each(keys)('a query parameter named %s reaches the function like any other', async (key) => {
    await withGateway({ 'Items/Fn': echo }, itemsApi(), async (url) => {
      const response = await fetch(`${url}/items?${key}=1&${key}=2`);
      const event = await eventOf(response);

      expect(response.status).toBe(200);
      expect(Object.getOwnPropertyDescriptor(event.multiValueQueryStringParameters, key)?.value).toEqual([
        '1',
        '2',
      ]);
    });
  });

  it.each(keys)('a header named %s reaches the function like any other', async (key) => {
    await withGateway({ 'Items/Fn': echo }, itemsApi(), async (url) => {
      const response = await getWithHeader(url, '/items', key, 'x');
      const event = JSON.parse(response.body) as APIGatewayProxyEvent;

      expect(response.status).toBe(200);
      expect(Object.getOwnPropertyDescriptor(event.headers, key)?.value).toBe('x');
      expect(Object.getOwnPropertyDescriptor(event.multiValueHeaders, key)?.value).toEqual(['x']);
    });
  });

  it.each(keys)('a path segment %s is a path parameter like any other', async (key) => {
    await withGateway({ 'Items/Fn': echo }, itemsApi(), async (url) => {
      const response = await fetch(`${url}/items/${key}`);

      expect(response.status).toBe(200);
      expect((await eventOf(response)).pathParameters).toEqual({ itemId: key });
    });
  });

  it('a required query parameter is not satisfied by a prototype property', async () => {
    const api = itemsApi({
      resources: {
        '/items': [
          lambdaMethod('GET', 'Items/Fn', {
            requestParameters: { 'method.request.querystring.constructor': true },
            validateRequestParameters: true,
          }),
        ],
      },
    });
    await withGateway({ 'Items/Fn': echo }, api, async (url) => {
      const missing = await fetch(`${url}/items`);
      const present = await fetch(`${url}/items?constructor=1`);

      expect(missing.status).toBe(400);
      expect(present.status).toBe(200);
    });
  });

  it('a Lambda authorizer context key __proto__ is passed on as a value, not a prototype', async () => {
    const authorizer = {
      id: 'lam123',
      name: 'TokenAuthorizer',
      type: 'TOKEN' as const,
      providerArns: [],
      functionId: 'Auth/Fn',
      functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:Auth-Fn',
      identitySource: 'method.request.header.Authorization',
      resultTtlSeconds: 0,
    };
    const api = itemsApi({
      authorizers: [authorizer],
      resources: {
        '/items': [lambdaMethod('GET', 'Items/Fn', { authorizationType: 'CUSTOM', authorizerId: 'lam123' })],
      },
    });
    const allow = () => ({
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }],
      },
      context: JSON.parse('{"__proto__":"polluted","tenant":"t-1"}') as Record<string, string>,
    });
    await withGateway({ 'Items/Fn': echo, 'Auth/Fn': allow }, api, async (url) => {
      const response = await fetch(`${url}/items`, { headers: { Authorization: 'token' } });
      const context = (await eventOf(response)).requestContext.authorizer ?? {};

      expect(response.status).toBe(200);
      expect(Object.getOwnPropertyDescriptor(context, '__proto__')?.value).toBe('polluted');
      expect(context['tenant']).toBe('t-1');
    });
  });
});

describe('gateway responses', () => {
  const failing: Handler = () => {
    throw new Error('boom');
  };

  it("a function error answers the status of the API's DEFAULT_5XX response when it sets one", async () => {
    await withGateway(
      { 'Items/Fn': failing },
      itemsApi({ gatewayResponses: sliceGatewayResponses }),
      async (url) => {
        const response = await fetch(`${url}/items`);
        const body = (await response.json()) as Record<string, unknown>;

        expect(response.status).toBe(500);
        expect(body).toMatchObject({ type: 'urn:slice:problem:internal', status: 500 });
      },
    );
  });

  it('a malformed proxy answer takes the DEFAULT_5XX status too, and 502 without one', async () => {
    const malformed: Handler = () => ({ statusCode: 200, body: { id: 1 } });
    await withGateway(
      { 'Items/Fn': malformed },
      itemsApi({ gatewayResponses: sliceGatewayResponses }),
      async (url) => {
        expect((await fetch(`${url}/items`)).status).toBe(500);
      },
    );
    await withGateway({ 'Items/Fn': malformed }, itemsApi(), async (url) => {
      expect((await fetch(`${url}/items`)).status).toBe(502);
    });
  });

  it('a throttled function answers 500 Internal server error', async () => {
    const throttled: Handler = () => {
      throw Object.assign(new Error('Rate Exceeded.'), { errorType: 'Throttled' });
    };
    await withGateway({ 'Items/Fn': throttled }, itemsApi(), async (url) => {
      const response = await fetch(`${url}/items`);

      expect(response.status).toBe(500);
      expect(response.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
      expect(await response.json()).toEqual({ message: 'Internal server error' });
    });
  });

  it('a DEFAULT_4XX status applies to a 4xx type the API does not customize', async () => {
    const api = itemsApi({
      gatewayResponses: [
        { responseType: 'DEFAULT_4XX', statusCode: 400, responseParameters: {}, responseTemplates: {} },
      ],
    });
    await withGateway({ 'Items/Fn': echo }, api, async (url) => {
      const response = await fetch(`${url}/items/a/b`);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    });
  });

  it('413 REQUEST_TOO_LARGE keeps API Gateway’s own answer: it cannot be customized', async () => {
    const api = itemsApi({
      gatewayResponses: [
        ...sliceGatewayResponses,
        {
          responseType: 'REQUEST_TOO_LARGE',
          statusCode: 400,
          responseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
          responseTemplates: { 'application/json': '{"custom":true}' },
        },
      ],
    });
    await withGateway({ 'Items/Fn': echo }, api, async (url) => {
      const response = await fetch(`${url}/items`, {
        method: 'POST',
        body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a'),
      });

      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ message: 'Request Too Long' });
    });
  });
});

describe('quotas', () => {
  it('answers 414 when the method ARN of an authorized method is over 1600 bytes', async () => {
    const api = itemsApi({
      authorizers: [cognitoAuthorizer],
      resources: {
        '/items/{itemId}': [
          lambdaMethod('GET', 'Items/Fn', {
            authorizationType: 'COGNITO_USER_POOLS',
            authorizerId: 'cog123',
          }),
        ],
      },
    });
    const token = await issuer.token({ sub: 'user-1', groups: ['customer'] });
    await withGateway({ 'Items/Fn': echo }, api, async (url) => {
      const headers = { Authorization: `Bearer ${token}` };
      const short = await fetch(`${url}/items/${'a'.repeat(100)}`, { headers });
      const long = await fetch(`${url}/items/${'a'.repeat(1600)}`, { headers });

      expect(short.status).toBe(200);
      expect(long.status).toBe(414);
    });
  });

  it('throttles across every API at the account level, 429 once the account burst is spent', async () => {
    const clock = 5_000_000;
    await withGateway(
      { 'Items/Fn': echo },
      itemsApi({ gatewayResponses: sliceGatewayResponses }),
      async (url) => {
        const statuses = [];
        for (let index = 0; index < 3; index++) statuses.push((await fetch(`${url}/items`)).status);
        const throttled = await fetch(`${url}/items`);

        expect(statuses).toEqual([200, 200, 429]);
        expect(throttled.headers.get('retry-after')).toBe('1');
      },
      { accountThrottle: { rateLimit: 1, burstLimit: 2 }, now: () => clock },
    );
  });
});

describe('aliases and versions', () => {
  it('invokes the function of an integration URI that names an alias through a stage variable', async () => {
    const functionArn = 'arn:aws:lambda:eu-west-1:000000000000:function:Items-Fn:${stageVariables.alias}';
    const aliased: MethodSpec = {
      ...lambdaMethod('GET', 'Items/Fn'),
      // No functionId: the gateway finds the function from the ARN, as it does for a template's URI.
      integration: {
        type: 'AWS_PROXY',
        uri: `arn:aws:apigateway:eu-west-1:lambda:path/${functionArn}`,
        functionArn,
        timeoutMs: 29_000,
      },
    };
    const api = itemsApi({ stageVariables: { alias: 'live' }, resources: { '/items': [aliased] } });
    await withGateway({ 'Items/Fn': echo }, api, async (url) => {
      const response = await fetch(`${url}/items`);

      expect(response.status).toBe(200);
      expect((await eventOf(response)).stageVariables).toEqual({ alias: 'live' });
    });
  });
});

describe('binary media types', () => {
  it('passes a body whose content type is not a binary media type as text', async () => {
    await withGateway({ 'Items/Fn': echo }, itemsApi({ binaryMediaTypes: ['image/png'] }), async (url) => {
      const event = await eventOf(
        await fetch(`${url}/items`, {
          method: 'POST',
          body: 'plain words',
          headers: { 'Content-Type': 'text/plain' },
        }),
      );

      expect(event.isBase64Encoded).toBe(false);
      expect(event.body).toBe('plain words');
    });
  });

  it('decodes a base64 answer only when the first Accept type is a binary media type', async () => {
    const image: Handler = () => ({
      statusCode: 200,
      headers: { 'Content-Type': 'image/png' },
      body: Buffer.from([1, 2, 3]).toString('base64'),
      isBase64Encoded: true,
    });
    await withGateway({ 'Items/Fn': image }, itemsApi({ binaryMediaTypes: ['image/png'] }), async (url) => {
      const binary = await fetch(`${url}/items`, { headers: { Accept: 'image/png, */*' } });
      const text = await fetch(`${url}/items`, { headers: { Accept: 'application/json, image/png' } });

      expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
      expect(await text.text()).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    });
  });

  it('treats every answer as binary when the API lists */*', async () => {
    const image: Handler = () => ({
      statusCode: 200,
      body: Buffer.from('hi').toString('base64'),
      isBase64Encoded: true,
    });
    await withGateway({ 'Items/Fn': image }, itemsApi({ binaryMediaTypes: ['*/*'] }), async (url) => {
      const response = await fetch(`${url}/items`, { headers: { Accept: 'text/html' } });

      expect(await response.text()).toBe('hi');
    });
  });
});
