/**
 * The real services, synthesized as they deploy, running in the local cloud behind the local
 * domain: the `e2e` target synthesizes every stack first (`dependsOn`), then this suite starts
 * the local cloud in-process on a free port, seeds the demo menu and talks HTTP to it.
 */
import { request } from 'node:http';
import { resolve } from 'node:path';
import type { LocalModel } from '../src/assembly';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { findSeedFiles, seed } from '../src/seed';

const root = resolve(__dirname, '../../..');
const logs: string[] = [];
let cloud: LocalCloud;

const address = { name: 'Alice', line1: '1 Oven Street', city: 'Utrecht', postcode: '3511AA', country: 'NL' };

beforeAll(async () => {
  cloud = await startLocalCloud({ root, port: 0, log: (line) => logs.push(line) });
  await seed(cloud.url, findSeedFiles(root), (role) => cloud.token({ sub: `seed-${role}`, groups: [role] }));
}, 60_000);

afterAll(() => cloud?.stop());

const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('content-type', 'application/json');
  const response = await fetch(`${cloud.url}${path}`, { ...init, headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
};

describe('the local domain', () => {
  it('lists the demo menu', async () => {
    const menu = await call('/menu?category=pizza');
    expect(menu.status).toBe(200);
    expect((menu.body.items as Array<{ id: string }>).map((item) => item.id)).toEqual(
      expect.arrayContaining(['margherita', 'diavola']),
    );
  });

  it('refuses an order without a token with 401', async () => {
    const response = await call('/orders', {
      method: 'POST',
      body: JSON.stringify({ items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress: address }),
    });
    expect(response.status).toBe(401);
  });

  it('places an order once for a retried request, and hides it from another customer', async () => {
    const alice = await cloud.token({ sub: 'alice', groups: ['customer'] });
    const order = { items: [{ itemId: 'margherita', quantity: 2 }], deliveryAddress: address };
    const init = {
      method: 'POST',
      token: alice,
      body: JSON.stringify(order),
      headers: { 'idempotency-key': 'e2e-order-000001' },
    };
    const first = await call('/orders', init);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ customerId: 'alice', total: { amount: 1800, currency: 'EUR' } });
    const again = await call('/orders', init);
    expect(again.body).toEqual(first.body);

    const bob = await cloud.token({ sub: 'bob', groups: ['customer'] });
    expect((await call(`/orders/${String(first.body.id)}`, { token: bob })).status).toBe(404);
    expect((await call(`/orders/${String(first.body.id)}`, { token: alice })).status).toBe(200);
  });

  it('publishes OrderPlaced once for a placed order, from the table stream through the outbox function', async () => {
    const carol = await cloud.token({ sub: 'carol', groups: ['customer'] });
    const placed = await call('/orders', {
      method: 'POST',
      token: carol,
      body: JSON.stringify({ items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress: address }),
      headers: { 'idempotency-key': 'e2e-order-outbox-1' },
    });
    expect(placed.status).toBe(201);
    const orderId = String(placed.body.id);

    const published = async () => {
      const { body } = await call('/_local/events?detailType=OrderPlaced');
      return (body.events as Array<{ source: string; functionId: string; detail: unknown }>).filter((event) =>
        JSON.stringify(event.detail).includes(orderId),
      );
    };
    const deadline = Date.now() + 5000;
    let events = await published();
    while (events.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = await published();
    }
    // A redelivery would publish it twice: give it a moment to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    events = await published();

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'slice.orders',
      functionId: expect.stringMatching(/PublishOrderEvents/) as unknown,
    });
  }, 15_000);

  it('sends a path no service owns to the catch-all', async () => {
    // The catch-all is the monolith (apps/monolith); a path it does not serve either is its 404.
    const response = await call('/no-such-route');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ title: 'Not Found' });
  });

  it('echoes the correlation id through the gateway and the function', async () => {
    const response = await fetch(`${cloud.url}/menu/items/margherita`, {
      headers: { 'x-correlation-id': 'e2e-correlation-1' },
    });
    expect(response.headers.get('x-correlation-id')).toBe('e2e-correlation-1');
  });
});

describe('IAM from the templates', () => {
  it('denies a call the function role does not allow, as AWS would', async () => {
    const withoutGrant = (model: LocalModel): LocalModel => ({
      ...model,
      functions: model.functions.map((fn) =>
        fn.logicalId.startsWith('GetMenuItem')
          ? {
              ...fn,
              policy: fn.policy.filter(
                (statement) => !JSON.stringify(statement.Action).includes('dynamodb:'),
              ),
            }
          : fn,
      ),
    });
    const lines: string[] = [];
    const denied = await startLocalCloud({
      root,
      port: 0,
      transformModel: withoutGrant,
      log: (line) => lines.push(line),
    });
    try {
      const response = await fetch(`${denied.url}/menu/items/margherita`);
      expect(response.status).toBe(500);
      expect(lines.join('\n')).toMatch(/AccessDenied/);
    } finally {
      await denied.stop();
    }
  }, 60_000);
});

/** A raw request to the local domain, so the test sets `Host` and `Origin` as a browser would. */
const raw = (method: string, path: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((done, fail) => {
    const { port } = new URL(cloud.url);
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });

describe('the admin routes', () => {
  it('answer a cross-origin preflight to /_local/token with 403 and no Access-Control-Allow-Origin', async () => {
    const { port } = new URL(cloud.url);
    const preflight = await raw('OPTIONS', '/_local/token', {
      host: `localhost:${port}`,
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });

    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuse a request whose Host is not the local domain, while the APIs behind it still answer', async () => {
    const { port } = new URL(cloud.url);
    const rebound = await raw('GET', '/_local/credentials', { host: `rebound.example:${port}` });
    const menu = await raw('GET', '/menu?category=pizza', { host: `localhost:${port}` });

    expect(rebound.status).toBe(403);
    expect(menu.status).toBe(200);
  });
});
