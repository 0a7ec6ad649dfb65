import './env';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { awsJsonStub, badTokens, createLocalIssuer, lambdaContext, restApiEvent } from '@slice/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../src/handlers/api';

const dynamo = mockClient(DynamoDBDocumentClient);
// The front door's manifest, in SSM: Menu and Orders moved out.
const ssm = awsJsonStub().on('AmazonSSM.GetParameter', () => ({
  Parameter: { Value: '{"basePaths":["menu","orders"]}' },
}));
process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
afterAll(() => ssm.close());
/** What the front door's header rule sends here: a moved route, asked for on purpose. */
const toMonolith = { 'x-slice-route': 'monolith' };
const issuer = createLocalIssuer({ issuer: 'https://issuer.monolith.test', audience: 'slice-test' });

const jwksRequests: string[] = [];
beforeEach(() => {
  // The function fetches the user pool's keys from `<issuer>/.well-known/jwks.json`, once.
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (url) => {
    jwksRequests.push(url instanceof Request ? url.url : String(url));
    return new Response(JSON.stringify(await issuer.jwks()), {
      headers: { 'content-type': 'application/json' },
    });
  });
});
beforeEach(() => dynamo.reset());

const body = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;
const request = (
  method: string,
  path: string,
  options: { token?: string; query?: Record<string, string>; headers?: Record<string, string> } = {},
) =>
  handler(
    restApiEvent({
      method,
      path,
      resource: '/{proxy+}',
      ...(options.query ? { query: options.query } : {}),
      headers: { ...options.headers, ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    }),
    lambdaContext(),
  );

const margheritaRow = {
  PK: 'MENU',
  SK: 'ITEM#margherita',
  entity: 'MENU_ITEM',
  GSI1PK: 'CATEGORY#pizza',
  GSI1SK: 'margherita',
  itemId: 'margherita',
  name: 'Margherita',
  description: 'Tomato, mozzarella, basil.',
  category: 'pizza',
  priceCents: 900,
  currency: 'EUR',
  available: true,
  version: 2,
  updatedAt: '2026-11-01T09:00:00.000Z',
};
const orderRow = (orderId: string, placedAt: string, quantity: number) => ({
  PK: `ORDER#${orderId}`,
  SK: 'ORDER',
  entity: 'ORDER',
  GSI2PK: 'STATUS#PLACED',
  GSI2SK: `${placedAt}#${orderId}`,
  orderId,
  customerId: 'alice',
  status: 'PLACED',
  lines: [{ itemId: 'margherita', name: 'Margherita', quantity, unitPriceCents: 900 }],
  totalCents: 900 * quantity,
  currency: 'EUR',
  deliveryAddress: {
    name: 'Alice',
    line1: '1 Oven Street',
    city: 'Utrecht',
    postcode: '3511AA',
    country: 'NL',
  },
  placedAt,
  version: 1,
});

const storeDetails = {
  name: 'Slice Utrecht Centrum',
  address: { line1: 'Oudegracht 1', city: 'Utrecht', postcode: '3511AA', country: 'NL' },
  phone: '+31 30 123 4567',
  openingHours: { monday: { opens: '16:00', closes: '22:00' } },
  timeZone: 'Europe/Amsterdam',
};

describe('the lambdalith', () => {
  it('answers a Menu route in the Menu contract, from a legacy row priced in cents', async () => {
    dynamo.on(GetCommand, { Key: { PK: 'MENU', SK: 'ITEM#margherita' } }).resolves({ Item: margheritaRow });
    const response = await request('GET', '/menu/items/margherita', { headers: toMonolith });
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({
      id: 'margherita',
      name: 'Margherita',
      description: 'Tomato, mozzarella, basil.',
      category: 'pizza',
      price: { amount: 900, currency: 'EUR' },
      available: true,
      version: 2,
      updatedAt: '2026-11-01T09:00:00.000Z',
    });
  });

  it('answers the Menu service 404 word for word for an unknown item', async () => {
    dynamo.on(GetCommand).resolves({});
    const response = await request('GET', '/menu/items/no-such-item', { headers: toMonolith });
    expect(response.statusCode).toBe(404);
    expect(body(response)).toMatchObject({
      type: 'urn:slice:problem:not-found',
      detail: 'There is no menu item no-such-item.',
    });
  });

  it('refuses every bad token with 401 before reading anything', async () => {
    const bad = await badTokens(issuer, { sub: 'dana', groups: ['staff'] });
    for (const [kind, token] of Object.entries(bad)) {
      const response = await request('GET', '/reports/daily-sales', { token, query: { date: '2026-11-27' } });
      expect({ kind, status: response.statusCode }).toEqual({ kind, status: 401 });
    }
    expect(dynamo.calls()).toHaveLength(0);
    expect(new Set(jwksRequests)).toEqual(new Set(['https://issuer.monolith.test/.well-known/jwks.json']));
  });

  it('answers 404 to a moved group without the routing header, however its path is spelled, reading nothing', async () => {
    const alice = await issuer.token({ sub: 'alice', groups: ['customer'] });
    for (const path of ['/orders', '/%6Frders', '/%6F%72%64%65%72%73', '/m%65nu/items/margherita']) {
      const response = await request('GET', path, { token: alice });
      expect({ path, status: response.statusCode }).toEqual({ path, status: 404 });
      expect(body(response)).toMatchObject({ detail: 'No route matches this method and path.' });
    }
    expect(dynamo.calls()).toHaveLength(0);
  });

  it("reads the moved groups from the front door's SSM parameter with a signed GetParameter", async () => {
    await request('GET', '/orders');
    const call = ssm.calls.find((received) => received.target === 'AmazonSSM.GetParameter');
    expect(call?.input).toEqual({ Name: '/slice/test/front-door/moved-base-paths', WithDecryption: false });
    expect(call?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAMONOLITHTEST0000\/\d{8}\/us-east-1\/ssm\/aws4_request, /,
    );
    expect(call?.headers['x-amz-security-token']).toBe('monolith-test');
  });

  it('serves a moved group, however its path is spelled, to a request with x-slice-route: monolith', async () => {
    dynamo.on(GetCommand, { Key: { PK: 'MENU', SK: 'ITEM#margherita' } }).resolves({ Item: margheritaRow });
    const response = await request('GET', '/m%65nu/items/margherita', { headers: toMonolith });
    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({ id: 'margherita' });
  });

  it('lets only staff see the daily sales: a customer gets 403 and nothing is read', async () => {
    const customer = await issuer.token({ sub: 'alice', groups: ['customer'] });
    const response = await request('GET', '/reports/daily-sales', {
      token: customer,
      query: { date: '2026-11-27' },
    });
    expect(response.statusCode).toBe(403);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers 403 to a member of one group named customer,staff: the groups claim is a list', async () => {
    const lookalike = await issuer.token({ sub: 'mallory', groups: ['customer,staff'] });
    const response = await request('GET', '/reports/daily-sales', {
      token: lookalike,
      query: { date: '2026-11-27' },
    });
    expect(response.statusCode).toBe(403);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('no longer serves the kitchen queue, which moved to the Kitchen service', async () => {
    const staff = await issuer.token({ sub: 'dana', groups: ['staff'] });
    const response = await request('GET', '/kitchen/queue', { token: staff, headers: toMonolith });
    expect(response.statusCode).toBe(404);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('adds up a day of sales from the orders placed that day', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        orderRow('0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10', '2026-11-27T12:00:00.000Z', 2),
        orderRow('1b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10', '2026-11-27T19:30:00.000Z', 1),
      ],
    });
    const staff = await issuer.token({ sub: 'dana', groups: ['staff'] });
    const response = await request('GET', '/reports/daily-sales', {
      token: staff,
      query: { date: '2026-11-27' },
    });
    expect(body(response)).toEqual({
      date: '2026-11-27',
      orderCount: 2,
      revenue: [{ amount: 2700, currency: 'EUR' }],
      itemsSold: [{ itemId: 'margherita', name: 'Margherita', quantity: 3 }],
    });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':placed': 'STATUS#PLACED',
      ':day': '2026-11-27T',
    });
  });

  it('answers 400 naming the field for a date that is not a date', async () => {
    const staff = await issuer.token({ sub: 'dana', groups: ['staff'] });
    const response = await request('GET', '/reports/daily-sales', {
      token: staff,
      query: { date: '27-11-2026' },
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(body(response))).toContain('query.date');
  });

  it('answers 404 for a store that does not exist, and for a path nobody serves', async () => {
    dynamo.on(GetCommand).resolves({});
    const store = await request('GET', '/stores/no-such-store');
    expect(body(store)).toMatchObject({ status: 404, detail: 'There is no store no-such-store.' });
    expect((await request('GET', '/pizzas')).statusCode).toBe(404);
  });

  it('refuses keys, ids and versions in a store body (mass assignment) with 400, writing nothing', async () => {
    const staff = await issuer.token({ sub: 'dana', groups: ['staff'] });
    for (const extra of [{ id: 'elsewhere' }, { PK: 'STORE#elsewhere' }, { version: 7 }]) {
      const response = await handler(
        restApiEvent({
          method: 'PUT',
          path: '/stores/utrecht-centrum',
          resource: '/{proxy+}',
          headers: { Authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...storeDetails, ...extra }),
        }),
        lambdaContext(),
      );
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(body(response))).toContain(`body.${Object.keys(extra)[0] ?? ''}`);
    }
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('lets only staff put a store: a customer gets 403 and nothing is written', async () => {
    const customer = await issuer.token({ sub: 'alice', groups: ['customer'] });
    const response = await handler(
      restApiEvent({
        method: 'PUT',
        path: '/stores/utrecht-centrum',
        resource: '/{proxy+}',
        headers: { Authorization: `Bearer ${customer}`, 'content-type': 'application/json' },
        body: JSON.stringify(storeDetails),
      }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(403);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it("answers 404 for another customer's order, as the Orders service does", async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: orderRow('0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10', '2026-11-27T12:00:00.000Z', 1) });
    const bob = await issuer.token({ sub: 'bob', groups: ['customer'] });
    const response = await request('GET', '/orders/0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10', {
      token: bob,
      headers: toMonolith,
    });
    expect(response.statusCode).toBe(404);
    expect(body(response)).toMatchObject({
      detail: 'There is no order 0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10.',
    });
  });

  it('refuses an order without an Idempotency-Key with 400, placing nothing', async () => {
    const alice = await issuer.token({ sub: 'alice', groups: ['customer'] });
    const response = await handler(
      restApiEvent({
        method: 'POST',
        path: '/orders',
        resource: '/{proxy+}',
        headers: { ...toMonolith, Authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          items: [{ itemId: 'margherita', quantity: 1 }],
          deliveryAddress: orderRow('x', 'y', 1).deliveryAddress,
        }),
      }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(body(response))).toContain('headers.idempotency-key');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('serves a public route whatever token comes with it, as a route without an authorizer does', async () => {
    dynamo.on(GetCommand).resolves({});
    const response = await request('GET', '/stores/no-such-store', { token: 'not-a-jwt' });
    expect(response.statusCode).toBe(404);
    expect(body(response)).toMatchObject({ detail: 'There is no store no-such-store.' });
  });

  it('answers 503 with Retry-After and no internals when DynamoDB keeps throttling', async () => {
    dynamo.on(GetCommand).rejects(
      new ProvisionedThroughputExceededException({
        message: 'Rate exceeded for table monolith-test',
        $metadata: {},
      }),
    );
    const response = await request('GET', '/stores/utrecht-centrum');
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBeDefined();
    expect(response.body).not.toContain('monolith-test');
  });
});
