/**
 * The strangler fig through the local domain: the front door sends unmoved routes to the monolith
 * (its catch-all), moved routes to their service, and a moved route back to the monolith when the
 * request carries `x-slice-route: monolith`. Runs the synthesized stacks, seeded as `npm start` does.
 */
import { resolve } from 'node:path';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { compileRules, matchRule } from '../src/services/apigateway/routing';
import { findSeedFiles, seed } from '../src/seed';

const root = resolve(__dirname, '../../..');
let cloud: LocalCloud;
/** The local cloud's log: the gateway names the REST API and function that answered each request. */
const lines: string[] = [];

beforeAll(async () => {
  cloud = await startLocalCloud({ root, port: 0, log: (line) => lines.push(line) });
  await seed(cloud.url, findSeedFiles(root), (role) => cloud.token({ sub: `seed-${role}`, groups: [role] }));
}, 90_000);

afterAll(() => cloud?.stop());

/** The REST API of a service, as the front door's routing rule for it names it. */
const apiOf = (service: string) =>
  cloud.model.restApis.find((api) => api.stackName.startsWith(`Slice${service}-`))?.id;

/**
 * The REST API that really answered a request: the gateway's log line for its request id names
 * it (`slice-monolith-dev dev GET /{proxy+} → …`). The line follows the answer, so wait for it.
 */
async function servedBy(requestId: string | null): Promise<string | undefined> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const line = lines.find((candidate) => requestId !== null && candidate.includes(` ${requestId}`));
    if (line) return /\((slice-[a-z-]+) /.exec(line)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

const call = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${cloud.url}${path}`, { headers });
  const text = await response.text();
  return {
    status: response.status,
    body: JSON.parse(text) as Record<string, unknown>,
    api: await servedBy(response.headers.get('x-amzn-requestid')),
  };
};

/** The API the front door's routing rules (from the synthesized SliceFrontDoor stack) send a request to. */
const answeredBy = (path: string, headers: Record<string, string> = {}) =>
  matchRule(compileRules(cloud.gateway.routingRules()), path, (name) => {
    const value = headers[name];
    return value === undefined ? [] : [value];
  })?.rule.apiId;

describe('the strangler fig on the local domain', () => {
  it('answers GET /stores from the monolith, with the seeded stores', async () => {
    expect(answeredBy('/stores')).toBe(apiOf('Monolith'));
    const stores = await call('/stores');
    expect(stores.status).toBe(200);
    expect(stores.api).toBe('slice-monolith-dev');
    expect((stores.body.items as Array<{ id: string }>).map((store) => store.id)).toEqual([
      'amsterdam-west',
      'rotterdam-centraal',
      'utrecht-centrum',
    ]);
  });

  it('answers GET /menu from the Menu service', async () => {
    expect(answeredBy('/menu')).toBe(apiOf('Menu'));
    const menu = await call('/menu?category=pizza&limit=2');
    expect(menu.status).toBe(200);
    expect(menu.api).toBe('slice-menu-dev');
    expect((menu.body.items as Array<{ id: string }>).map((item) => item.id)).toEqual(['diavola', 'funghi']);
  });

  it('answers GET /menu with x-slice-route: monolith from the monolith, with the same items', async () => {
    const header = { 'x-slice-route': 'monolith' };
    expect(answeredBy('/menu', header)).toBe(apiOf('Monolith'));
    const fromMonolith = await call('/menu?category=pizza&limit=2', header);
    const fromMenu = await call('/menu?category=pizza&limit=2');
    expect(fromMonolith.status).toBe(200);
    expect(fromMonolith.api).toBe('slice-monolith-dev');
    // Each copy of the menu was seeded on its own, so only the timestamps differ.
    const comparable = ({ items }: Record<string, unknown>) =>
      (items as Array<Record<string, unknown>>).map(({ updatedAt: _updatedAt, ...item }) => item);
    expect(comparable(fromMonolith.body)).toEqual(comparable(fromMenu.body));
    expect(comparable(fromMonolith.body).map((item) => item.id)).toEqual(['diavola', 'funghi']);
  });

  it('answers GET /kitchen/queue from the Kitchen service, for staff only; the monolith no longer serves it', async () => {
    const staff = await cloud.token({ sub: 'dana', groups: ['staff'] });
    expect(answeredBy('/kitchen/queue')).toBe(apiOf('Kitchen'));
    const queue = await call('/kitchen/queue', { authorization: `Bearer ${staff}` });
    expect(queue.status).toBe(200);
    expect(queue.api).toBe('slice-kitchen-dev');
    expect(Array.isArray(queue.body.items)).toBe(true);

    const customer = await cloud.token({ sub: 'alice', groups: ['customer'] });
    expect((await call('/kitchen/queue', { authorization: `Bearer ${customer}` })).status).toBe(403);
    expect((await call('/kitchen/queue')).status).toBe(401);
    const header = { 'x-slice-route': 'monolith', authorization: `Bearer ${staff}` };
    const fromMonolith = await call('/kitchen/queue', header);
    expect({ status: fromMonolith.status, api: fromMonolith.api }).toEqual({
      status: 404,
      api: 'slice-monolith-dev',
    });
  });

  it('answers 404 from the monolith to a moved route at a percent-encoded path, placing nothing', async () => {
    // Prepare
    const erin = await cloud.token({ sub: 'erin', groups: ['customer'] });
    const signedIn = { authorization: `Bearer ${erin}`, 'content-type': 'application/json' };

    // Act: the front door's rules do not match `/%6Frders`, so the catch-all sends it to the monolith.
    const read = await call('/%6Frders', signedIn);
    const placed = await fetch(`${cloud.url}/%6Frders`, {
      method: 'POST',
      headers: { ...signedIn, 'idempotency-key': 'encoded-path-0001' },
      body: JSON.stringify({
        items: [{ itemId: 'margherita', quantity: 1 }],
        deliveryAddress: {
          name: 'Erin',
          line1: 'Kinkerstraat 1',
          city: 'Amsterdam',
          postcode: '1053 DJ',
          country: 'NL',
        },
      }),
    });

    // Assess: the monolith answered, as a route that does not exist; Erin has no orders anywhere.
    expect(answeredBy('/%6Frders')).toBe(apiOf('Monolith'));
    expect(read.status).toBe(404);
    expect(read.api).toBe('slice-monolith-dev');
    expect(placed.status).toBe(404);
    const orders = await call('/orders', { authorization: `Bearer ${erin}` });
    expect(orders.status).toBe(200);
    expect(orders.body.items).toEqual([]);
    const legacy = await call('/orders', { authorization: `Bearer ${erin}`, 'x-slice-route': 'monolith' });
    expect(legacy.body.items).toEqual([]);
  });
});
