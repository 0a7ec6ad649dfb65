/**
 * Orders against a real local database (dynalite) with the tables of the synthesized stack, and a
 * stand-in Menu that answers through Menu's published contract over HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { MenuItem } from '@slice/contracts-menu';
import {
  createTable,
  lambdaContext,
  restApiEvent,
  secretsManagerStub,
  startDynalite,
  tableInputFromTemplate,
  tableLogicalIds,
  type Dynalite,
} from '@slice/testing';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { OrdersStack } from '../cdk/orders-stack';
import { address } from './fakes';

// The cursor signing key comes from Secrets Manager at cold start.
const secretsManager = secretsManagerStub('orders-integration-cursor-key');

type Handler = (
  event: ReturnType<typeof restApiEvent>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<APIGatewayProxyResult>;

let db: Dynalite;
let menuServer: Server;
let menuDelayMs = 0;
const menuRequests: string[] = [];
let handlers: Record<'place' | 'get' | 'list' | 'cancel', Handler>;

const menuItem = (id: string, amount: number, available = true): MenuItem => ({
  id,
  name: id[0]?.toUpperCase() + id.slice(1),
  description: '',
  category: 'pizza',
  price: { amount, currency: 'EUR' },
  available,
  version: 1,
  updatedAt: '2026-11-01T09:00:00.000Z',
});
const menu = new Map(
  [menuItem('margherita', 900), menuItem('diavola', 1150), menuItem('hawaii', 1000, false)].map((item) => [
    item.id,
    item,
  ]),
);

beforeAll(async () => {
  db = await startDynalite();
  const template = Template.fromStack(
    new OrdersStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceOrders-dev', {
      stage: 'dev',
    }),
  ).toJSON();
  const [table, idempotency] = tableLogicalIds(template).sort((a) => (a.startsWith('Table') ? -1 : 1));
  await createTable(db.client, tableInputFromTemplate(template, table as string, 'orders'));
  await createTable(db.client, tableInputFromTemplate(template, idempotency as string, 'orders-idempotency'));

  // Menu's batch read, as its contract answers it: the items found in the order asked, and the rest.
  menuServer = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://menu');
    menuRequests.push(`${request.method} ${url.pathname}${url.search}`);
    const ids = (url.searchParams.get('ids') ?? '').split(',');
    const items = ids.flatMap((id) => menu.get(id) ?? []);
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ items, missing: ids.filter((id) => !menu.has(id)) }));
    }, menuDelayMs);
  });
  await new Promise<void>((resolve) => menuServer.listen(0, '127.0.0.1', resolve));

  Object.assign(process.env, db.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    TABLE_NAME: 'orders',
    IDEMPOTENCY_TABLE_NAME: 'orders-idempotency',
    CURSOR_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-cursor-key',
    EVENT_BUS_NAME: 'slice-test',
    PLATFORM_URL: `http://127.0.0.1:${(menuServer.address() as AddressInfo).port}`,
    MENU_TIMEOUT_MS: '1000',
  });
  handlers = {
    place: (await import('../src/handlers/place-order')).handler,
    get: (await import('../src/handlers/get-order')).handler,
    list: (await import('../src/handlers/list-orders')).handler,
    cancel: (await import('../src/handlers/cancel-order')).handler,
  };
}, 60_000);

afterAll(async () => {
  menuServer.closeAllConnections();
  await new Promise((resolve) => menuServer.close(resolve));
  await db.stop();
});

const claims = (sub: string, staff = false) => ({ sub, 'cognito:groups': staff ? 'staff' : 'customer' });
const body = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;
const place = (
  sub: string,
  key: string,
  items: Array<{ itemId: string; quantity: number }>,
  more: { notify?: 'sms' | 'email' } = {},
) =>
  handlers.place(
    restApiEvent({
      method: 'POST',
      path: '/orders',
      resource: '/orders',
      body: { items, deliveryAddress: address, ...more },
      headers: { 'Idempotency-Key': key },
      claims: claims(sub),
    }),
    lambdaContext({ timeoutMs: 10_000 }),
  );
const get = (sub: string, orderId: string) =>
  handlers.get(
    restApiEvent({
      method: 'GET',
      path: `/orders/${orderId}`,
      resource: '/orders/{orderId}',
      pathParameters: { orderId },
      claims: claims(sub),
    }),
    lambdaContext(),
  );
const list = (sub: string, query: Record<string, string> = {}, staff = false) =>
  handlers.list(
    restApiEvent({ method: 'GET', path: '/orders', resource: '/orders', query, claims: claims(sub, staff) }),
    lambdaContext(),
  );
const cancel = (sub: string, orderId: string, requestId?: string) =>
  handlers.cancel(
    restApiEvent({
      method: 'POST',
      path: `/orders/${orderId}/cancel`,
      resource: '/orders/{orderId}/cancel',
      pathParameters: { orderId },
      claims: claims(sub),
      ...(requestId ? { requestId } : {}),
    }),
    lambdaContext(),
  );
const storedOrdersOf = async (customerId: string) =>
  (
    await db.documentClient.send(
      new QueryCommand({
        TableName: 'orders',
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :c',
        ExpressionAttributeValues: { ':c': `CUSTOMER#${customerId}` },
      }),
    )
  ).Items ?? [];

describe('POST /orders', () => {
  it('places an order priced from Menu, and a retry with the same key gets the same order', async () => {
    const first = await place('alice', 'alice-order-0001', [{ itemId: 'margherita', quantity: 2 }]);
    const retry = await place('alice', 'alice-order-0001', [{ itemId: 'margherita', quantity: 2 }]);
    expect(first.statusCode).toBe(201);
    expect(body(first)).toMatchObject({
      customerId: 'alice',
      status: 'PLACED',
      total: { amount: 1800, currency: 'EUR' },
    });
    expect(first.headers?.location).toBe(`/orders/${String(body(first).id)}`);
    expect(retry.body).toBe(first.body);
    expect(await storedOrdersOf('alice')).toHaveLength(1);
  });

  it('keeps the channel the customer chose for the ready notification, and leaves it out when none was chosen', async () => {
    const chosen = body(
      await place('gwen', 'gwen-order-0001', [{ itemId: 'margherita', quantity: 1 }], { notify: 'email' }),
    );
    const unchosen = body(await place('gwen', 'gwen-order-0002', [{ itemId: 'margherita', quantity: 1 }]));
    expect(chosen.notify).toBe('email');
    expect(body(await get('gwen', String(chosen.id)))).toMatchObject({ notify: 'email' });
    expect(body(await get('gwen', String(unchosen.id)))).not.toHaveProperty('notify');
    expect(
      (
        await place('gwen', 'gwen-order-0003', [{ itemId: 'margherita', quantity: 1 }], {
          notify: 'fax' as never,
        })
      ).statusCode,
    ).toBe(400);
  });

  it('places exactly one order for 20 concurrent identical requests, all answered alike', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        place('erin', 'erin-burst-00001', [{ itemId: 'diavola', quantity: 1 }]),
      ),
    );
    expect(new Set(responses.map((response) => response.statusCode))).toEqual(new Set([201]));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
    expect(await storedOrdersOf('erin')).toHaveLength(1);
  });

  it("reads every line's item from Menu in one call, however many lines the order has", async () => {
    menuRequests.length = 0;
    const lines = ['margherita', 'diavola', 'margherita'].map((itemId, index) => ({
      itemId,
      quantity: index + 1,
    }));

    const placed = await place('hana', 'hana-order-00001', lines);

    expect(placed.statusCode).toBe(201);
    expect(menuRequests).toEqual(['GET /menu/items?ids=margherita%2Cdiavola']);
  });

  it('answers 422 naming an unknown or unavailable item, and stores nothing', async () => {
    const unknown = await place('frank', 'frank-order-0001', [
      { itemId: 'margherita', quantity: 1 },
      { itemId: 'calzone', quantity: 1 },
    ]);
    expect(unknown.statusCode).toBe(422);
    expect(body(unknown).detail).toBe('Menu item calzone does not exist.');
    const unavailable = await place('frank', 'frank-order-0002', [{ itemId: 'hawaii', quantity: 1 }]);
    expect(body(unavailable).detail).toBe('Menu item hawaii is not available.');
    expect(await storedOrdersOf('frank')).toHaveLength(0);
  });

  it('answers 503 with Retry-After when Menu is too slow, and stores nothing', async () => {
    menuDelayMs = 2500;
    try {
      const started = Date.now();
      const response = await place('gina', 'gina-order-0001', [{ itemId: 'margherita', quantity: 1 }]);
      expect(response.statusCode).toBe(503);
      expect(response.headers?.['retry-after']).toBeDefined();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      menuDelayMs = 0;
    }
    expect(await storedOrdersOf('gina')).toHaveLength(0);
  });
});

describe('GET /orders/{orderId} and cancel', () => {
  it('shows an order to its owner only, and lets only the owner cancel it; a retried cancel gets the same answer', async () => {
    const order = body(await place('hugo', 'hugo-order-0001', [{ itemId: 'margherita', quantity: 1 }]));
    const orderId = String(order.id);
    expect((await get('hugo', orderId)).statusCode).toBe(200);
    expect((await get('ivy', orderId)).statusCode).toBe(404);
    expect((await cancel('ivy', orderId)).statusCode).toBe(404);
    const cancelled = await cancel('hugo', orderId);
    expect(cancelled.statusCode).toBe(200);
    expect(body(cancelled)).toMatchObject({ status: 'CANCELLED', cancelledAt: expect.any(String) });
    const retried = await cancel('hugo', orderId);
    expect(retried.statusCode).toBe(200);
    expect(retried.body).toBe(cancelled.body);
  });
});

describe('GET /orders', () => {
  it('pages through the caller’s orders newest first, each exactly once', async () => {
    for (let i = 0; i < 12; i++) {
      expect(
        (
          await place('jade', `jade-order-${String(i).padStart(4, '0')}`, [
            { itemId: 'margherita', quantity: 1 },
          ])
        ).statusCode,
      ).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = body(await list('jade', { limit: '5', ...(cursor ? { cursor } : {}) })) as {
        items: Array<{ id: string; placedAt: string }>;
        nextCursor?: string;
      };
      sizes.push(page.items.length);
      seen.push(...page.items.map((item) => `${item.placedAt}#${item.id}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes.slice(0, 3)).toEqual([5, 5, 2]);
    expect(new Set(seen).size).toBe(12);
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it('answers 400 to a forged cursor and to a limit out of range', async () => {
    expect((await list('jade', { cursor: 'eyJ2IjoxfQ.forged' })).statusCode).toBe(400);
    expect((await list('jade', { limit: '1000' })).statusCode).toBe(400);
  });

  it('lets staff list by status, and refuses it to a customer', async () => {
    const staff = body(await list('dana', { status: 'CANCELLED' }, true)) as {
      items: Array<{ status: string }>;
    };
    expect(staff.items.length).toBeGreaterThan(0);
    expect(staff.items.every((order) => order.status === 'CANCELLED')).toBe(true);
    expect((await list('jade', { status: 'PLACED' })).statusCode).toBe(403);
  });
});

describe("Kitchen's OrderReady", () => {
  const readyEvent = (orderId: string, readyAt = '2026-12-01T18:20:00.000Z') => ({
    version: '0',
    id: `event-${orderId}`,
    'detail-type': 'OrderReady',
    source: 'slice.kitchen',
    account: '123456789012',
    time: readyAt,
    region: 'eu-west-1',
    resources: [],
    detail: {
      id: `${orderId}:ready`,
      occurredAt: readyAt,
      correlationId: 'corr-ready',
      version: 1,
      ticket: { id: orderId, orderId, customerId: 'alice' },
      readyAt,
    },
  });
  let markReady: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<void>;
  beforeAll(async () => {
    markReady = (await import('../src/handlers/mark-order-ready')).handler as never;
  });
  const placeOne = async (key: string) => {
    const response = await place('alice', key, [{ itemId: 'margherita', quantity: 1 }]);
    expect(response.statusCode).toBe(201);
    return body(response);
  };

  it('shows a placed order READY to its owner, once however often the event arrives', async () => {
    const placed = await placeOne('alice-ready-0001');
    await markReady(readyEvent(placed.id as string), lambdaContext());
    await markReady(readyEvent(placed.id as string, '2026-12-01T18:30:00.000Z'), lambdaContext());
    expect(body(await get('alice', placed.id as string))).toMatchObject({
      status: 'READY',
      readyAt: '2026-12-01T18:20:00.000Z',
    });
    expect((await cancel('alice', placed.id as string)).statusCode).toBe(409);
  });

  it('leaves a cancelled order cancelled, and refuses an event that breaks the contract', async () => {
    const placed = await placeOne('alice-ready-0002');
    await cancel('alice', placed.id as string);
    await markReady(readyEvent(placed.id as string), lambdaContext());
    expect(body(await get('alice', placed.id as string))).toMatchObject({ status: 'CANCELLED' });
    const broken = readyEvent(placed.id as string);
    await expect(
      markReady({ ...broken, detail: { ...broken.detail, readyAt: 'soon' } }, lambdaContext()),
    ).rejects.toThrow();
  });
});

describe('the outbox (table stream → bus)', () => {
  const bus = mockClient(EventBridgeClient);
  let publishOrderEvents: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
  beforeAll(async () => {
    publishOrderEvents = (await import('../src/handlers/publish-order-events')).handler as never;
  });
  afterAll(() => bus.restore());

  const rowOf = async (orderId: string) =>
    (
      await db.documentClient.send(
        new GetCommand({ TableName: 'orders', Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' } }),
      )
    ).Item ?? {};
  const change = (
    n: number,
    oldImage: Record<string, unknown> | undefined,
    newImage: Record<string, unknown>,
  ) => ({
    eventID: `stream-${n}`,
    eventName: oldImage ? 'MODIFY' : 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall({ pk: newImage.pk, sk: newImage.sk }),
      ...(oldImage ? { OldImage: marshall(oldImage) } : {}),
      NewImage: marshall(newImage),
      SequenceNumber: `${n}00`,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  });
  const published = () =>
    bus.commandCalls(PutEventsCommand).flatMap((call) =>
      (call.args[0].input.Entries ?? []).map((entry) => ({
        detailType: entry.DetailType,
        ...(JSON.parse(entry.Detail ?? '{}') as { id: string; causationId?: string }),
      })),
    );

  it('names the request that placed or cancelled an order as the cause of its event', async () => {
    bus.reset();
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const response = await handlers.place(
      restApiEvent({
        method: 'POST',
        path: '/orders',
        resource: '/orders',
        body: { items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress: address },
        headers: { 'Idempotency-Key': 'alice-outbox-0001' },
        claims: claims('alice'),
        requestId: 'request-place-1',
      }),
      lambdaContext({ timeoutMs: 10_000 }),
    );
    const orderId = body(response).id as string;
    const placedRow = await rowOf(orderId);
    await cancel('alice', orderId, 'request-cancel-1');
    const cancelledRow = await rowOf(orderId);

    await publishOrderEvents({ Records: [change(1, undefined, placedRow)] }, lambdaContext());
    await publishOrderEvents({ Records: [change(2, placedRow, cancelledRow)] }, lambdaContext());

    expect(published().map(({ detailType, id, causationId }) => [detailType, id, causationId])).toEqual([
      ['OrderPlaced', `${orderId}:placed`, 'request-place-1'],
      ['OrderCancelled', `${orderId}:cancelled`, 'request-cancel-1'],
    ]);
  });
});
