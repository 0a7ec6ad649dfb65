/**
 * Tracking end to end on the real synthesized stacks: a real WebSocket client on Tracking's own
 * domain (`ws.<domain>`, locally `ws.localhost:<port>`) follows an order it placed through
 * `POST /orders` and gets each status pushed (Orders' outbox → the bus → Tracking's rule →
 * `PostToConnection`) without polling; another customer is refused; a missing or expired token
 * never connects; a connection that went away is forgotten the first time a push meets
 * GoneException; and without the ManageConnections grant the push function gets AccessDenied.
 */
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ServerMessage } from '@slice/contracts-tracking';
import type { LocalModel } from '../src/assembly';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { findSeedFiles, seed } from '../src/seed';
import { WebSocket } from 'ws';
import { connect, type Attempt, type Client } from '../test/websocket/fixture';

const root = resolve(__dirname, '../../..');
const address = { name: 'Dana', line1: '2 Oven Street', city: 'Utrecht', postcode: '3511AB', country: 'NL' };
const operator = { accessKeyId: 'AKIALOCALOPERATOR000', secretAccessKey: 'local' };

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function startTracking(transformModel?: (model: LocalModel) => LocalModel) {
  const logs: string[] = [];
  const cloud = await startLocalCloud({
    root,
    port: 0,
    log: (line) => logs.push(line),
    ...(transformModel ? { transformModel } : {}),
  });
  await seed(cloud.url, findSeedFiles(root), (role) => cloud.token({ sub: `seed-${role}`, groups: [role] }));
  return { cloud, logs };
}

/** Connects to Tracking's custom domain as a client that cannot resolve `ws.localhost` does. */
function open(cloud: LocalCloud, query: string, headers: Record<string, string> = {}): Promise<Attempt> {
  const { port } = new URL(cloud.url);
  return connect(`ws://127.0.0.1:${port}/${query}`, { host: `ws.localhost:${port}`, ...headers });
}

function opened(attempt: Attempt): Client {
  if (!('client' in attempt)) throw new Error(`the handshake was refused with ${attempt.status}`);
  return attempt.client;
}

/** The next message, checked against Tracking's contract. */
async function next(client: Client, timeoutMs = 20_000): Promise<ServerMessage> {
  return ServerMessage.parse(JSON.parse(await client.next(timeoutMs)));
}

async function placeOrder(cloud: LocalCloud, token: string, key: string): Promise<string> {
  const response = await fetch(`${cloud.url}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress: address }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** Tracks an order and waits for its `placed` status: the answer, or the push that follows `pending`. */
async function trackUntilPlaced(client: Client, orderId: string): Promise<ServerMessage[]> {
  client.socket.send(JSON.stringify({ action: 'track', orderId }));
  const seen = [await next(client)];
  if (seen[0]?.type === 'pending') seen.push(await next(client));
  return seen;
}

describe('Tracking over a real WebSocket', () => {
  let cloud: LocalCloud;
  let logs: string[];
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    ({ cloud, logs } = await startTracking());
    alice = await cloud.token({ sub: 'alice-e2e', groups: ['customer'] });
    bob = await cloud.token({ sub: 'bob-e2e', groups: ['customer'] });
  }, 180_000);

  afterAll(() => cloud?.stop());

  it('pushes placed, then each later status, to the customer who placed the order', async () => {
    // Prepare
    const client = opened(await open(cloud, `?token=${alice}`));
    const orderId = await placeOrder(cloud, alice, 'tracking-e2e-1');

    // Act
    const untilPlaced = await trackUntilPlaced(client, orderId);
    const cancel = await fetch(`${cloud.url}/orders/${orderId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}` },
    });
    const pushed = await next(client);

    // Assess
    expect(untilPlaced.at(-1)).toMatchObject({ type: 'status', orderId, status: 'placed' });
    expect(cancel.status).toBe(200);
    expect(pushed).toMatchObject({ type: 'status', orderId, status: 'cancelled' });
    client.socket.close();
  }, 90_000);

  it("pushes ready when Kitchen's workflow has baked the order, without polling", async () => {
    // Prepare: a staff token, and a helper that waits for the kitchen side in real time.
    const staff = await cloud.token({ sub: 'dana-e2e', groups: ['staff'] });
    const client = opened(await open(cloud, `?token=${alice}`));
    const orderId = await placeOrder(cloud, alice, 'tracking-e2e-ready');
    const untilPlaced = await trackUntilPlaced(client, orderId);
    const ticket = async () => {
      const response = await fetch(`${cloud.url}/kitchen/tickets/${orderId}`, {
        headers: { authorization: `Bearer ${staff}` },
      });
      return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
    };
    type HistoryEvent = { stateEnteredEventDetails?: { name?: string } };
    const entered = async (state: string) => {
      const { executions } = (await (await fetch(`${cloud.url}/_local/executions`)).json()) as {
        executions: Array<{ name: string; history?: HistoryEvent[]; events?: HistoryEvent[] }>;
      };
      const run = executions.find((execution) => execution.name === orderId);
      return (run?.history ?? run?.events ?? []).some(
        (event) => event.stateEnteredEventDetails?.name === state,
      );
    };
    const until = async (what: string, done: () => Promise<boolean>) => {
      const deadline = Date.now() + 30_000;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`${what} did not happen within 30 s`);
        await sleep(100);
      }
    };
    await until(
      'a ticket waiting for a cook',
      async () => (await ticket()) !== undefined && (await entered('WaitForCook')),
    );

    // Act: a cook starts the ticket, and the clock moves past the bake.
    const started = await fetch(`${cloud.url}/kitchen/tickets/${orderId}/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staff}` },
    });
    const { bakeSeconds } = (await ticket()) as { bakeSeconds: number };
    await until('the bake', () => entered('Bake'));
    await fetch(`${cloud.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceBy: bakeSeconds * 1000 + 1000 }),
    });
    const pushed = await next(client, 30_000);

    // Assess
    expect(untilPlaced.at(-1)).toMatchObject({ status: 'placed' });
    expect(started.status).toBe(200);
    expect(pushed).toMatchObject({ type: 'status', orderId, status: 'ready' });
    client.socket.close();
  }, 120_000);

  it("refuses another customer's track of that order, and pushes them nothing", async () => {
    const owner = opened(await open(cloud, `?token=${alice}`));
    const orderId = await placeOrder(cloud, alice, 'tracking-e2e-2');
    await trackUntilPlaced(owner, orderId);
    // As a browser connects: the token next to the subprotocol, which $connect selects.
    const { port } = new URL(cloud.url);
    const other = new WebSocket(`ws://127.0.0.1:${port}/`, ['slice-tracking', bob], {
      headers: { host: `ws.localhost:${port}` },
    });
    await new Promise((done, fail) => other.once('open', done).once('error', fail));
    const answer = new Promise<unknown>((done) =>
      other.once('message', (data: Buffer) => done(JSON.parse(data.toString('utf8')))),
    );

    other.send(JSON.stringify({ action: 'track', orderId }));

    expect(other.protocol).toBe('slice-tracking');
    expect(ServerMessage.parse(await answer)).toEqual({
      type: 'error',
      code: 'order-not-found',
      message: 'No such order for this caller.',
      orderId,
    });
    owner.socket.close();
    other.close();
  }, 90_000);

  it('never opens a connection without a token, or with an expired one', async () => {
    const expired = await cloud.token(
      { sub: 'alice-e2e', groups: ['customer'] },
      { expiresIn: '1h', age: '2h' },
    );

    expect(await open(cloud, '')).toEqual({ status: 401 });
    expect(await open(cloud, `?token=${expired}`)).toEqual({ status: 401 });
    expect(await open(cloud, '?token=not-a-jwt')).toEqual({ status: 401 });
  }, 60_000);

  it('answers an unknown action and an invalid track with errors the contract declares', async () => {
    const client = opened(await open(cloud, `?token=${alice}`));

    client.socket.send(JSON.stringify({ action: 'dance' }));
    const unknown = await next(client);
    client.socket.send(JSON.stringify({ action: 'track', orderId: 'not-an-order' }));
    const invalid = await next(client);

    expect(unknown).toMatchObject({ type: 'error', code: 'unknown-action' });
    expect(invalid).toMatchObject({ type: 'error', code: 'invalid-message' });
    client.socket.close();
  }, 60_000);

  it('forgets a connection the first time a push meets GoneException', async () => {
    // Prepare: a connection Tracking still holds but API Gateway no longer has (its $disconnect lost).
    const table = cloud.model.tables.find((candidate) => candidate.stackName.startsWith('SliceTracking'));
    if (!table) throw new Error('no Tracking table in the local cloud');
    const dynamo = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: cloud.endpoint.url, region: cloud.model.region, credentials: operator }),
    );
    const client = opened(await open(cloud, `?token=${alice}`));
    const orderId = await placeOrder(cloud, alice, 'tracking-e2e-gone');
    await trackUntilPlaced(client, orderId);
    const gone = 'R29uZUdvbmVHbw=';
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    await dynamo.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `CONNECTION#${gone}`,
          sk: 'CONNECTION',
          customerId: 'alice-e2e',
          orderIds: new Set([orderId]),
          expiresAt,
        },
      }),
    );
    await dynamo.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `ORDER#${orderId}`,
          sk: `WATCH#${gone}`,
          orderId,
          connectionId: gone,
          customerId: 'alice-e2e',
          expiresAt,
        },
      }),
    );

    // Act: the next status is pushed to both.
    await fetch(`${cloud.url}/orders/${orderId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}` },
    });
    const pushed = await next(client);

    // Assess
    expect(pushed).toMatchObject({ status: 'cancelled' });
    // The push forgets the watch, then the connection: wait for each, as a reader would.
    const eventually = async (key: Record<string, string>) => {
      let item: unknown = 'still there';
      for (let attempt = 0; attempt < 50 && item !== undefined; attempt += 1) {
        item = (await dynamo.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item;
        if (item !== undefined) await sleep(100);
      }
      return item;
    };
    expect(await eventually({ pk: `ORDER#${orderId}`, sk: `WATCH#${gone}` })).toBeUndefined();
    expect(await eventually({ pk: `CONNECTION#${gone}`, sk: 'CONNECTION' })).toBeUndefined();
    expect(logs.join('\n')).not.toMatch(/pushes of .* failed/);
    client.socket.close();
  }, 90_000);
});

describe('Tracking without the ManageConnections grant', () => {
  let cloud: LocalCloud;
  let logs: string[];

  /** The push function as a stack that forgot `grantManagementApiAccess` would deploy it. */
  const withoutManageConnections = (model: LocalModel): LocalModel => ({
    ...model,
    functions: model.functions.map((fn) =>
      fn.logicalId.startsWith('AnnounceOrderStatus')
        ? {
            ...fn,
            policy: fn.policy.filter((statement) => !JSON.stringify(statement).includes('ManageConnections')),
          }
        : fn,
    ),
  });

  beforeAll(async () => {
    ({ cloud, logs } = await startTracking(withoutManageConnections));
  }, 180_000);

  afterAll(() => cloud?.stop());

  it('gets AccessDenied when it posts, and the client gets no push', async () => {
    const token = await cloud.token({ sub: 'carol-e2e', groups: ['customer'] });
    const client = opened(await open(cloud, `?token=${token}`));
    const orderId = await placeOrder(cloud, token, 'tracking-e2e-denied');
    client.socket.send(JSON.stringify({ action: 'track', orderId }));
    const answer = await next(client);

    if (answer.type === 'pending') {
      await expect(client.next(8000)).rejects.toThrow(/no message/);
    } else {
      // The projection was there before the track: the answer came from the table, not a push.
      expect(answer).toMatchObject({ type: 'status', status: 'placed' });
      await fetch(`${cloud.url}/orders/${orderId}/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      await expect(client.next(8000)).rejects.toThrow(/no message/);
    }
    expect(logs.join('\n')).toMatch(/AccessDenied/);
    client.socket.close();
  }, 90_000);
});
