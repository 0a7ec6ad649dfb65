import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { startLocalCloud, type LocalCloud } from '../../src/cloud';
import { type Attempt, type Client, connect, synthesizeSocketService } from './fixture';

/** An opened client, or the test fails saying how the handshake was refused. */
const opened = (attempt: Attempt): Client => {
  if ('status' in attempt) throw new Error(`the handshake was refused with ${attempt.status}`);
  return attempt.client;
};

const statusOf = (attempt: Attempt): number => ('status' in attempt ? attempt.status : 101);

/** The events the route function logged (`EVENT <json>`), oldest first. */
const eventsIn = (logs: readonly string[]) =>
  logs.flatMap((line) => {
    const at = line.indexOf('EVENT {');
    return at === -1 ? [] : [JSON.parse(line.slice(at + 'EVENT '.length)) as Record<string, unknown>];
  });

const contextOf = (event: Record<string, unknown>) => event['requestContext'] as Record<string, unknown>;

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

describe('WebSocket APIs in the local cloud, through a real ws client', () => {
  let root: string;
  let cloud: LocalCloud;
  let base: string;
  let apiId: string;
  const logs: string[] = [];
  const open = (query = '?token=good') => connect(`${base}/_ws/${apiId}/dev${query}`);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'local-cloud-websocket-'));
    synthesizeSocketService(root);
    cloud = await startLocalCloud({ root, port: 0, log: (line) => logs.push(line) });
    base = cloud.url.replace(/^http/, 'ws');
    apiId = cloud.model.webSocketApis?.[0]?.id ?? '';
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives functions the local callback URL in place of the stage callbackUrl the template holds', () => {
    const routes = cloud.model.functions.find((fn) => fn.logicalId.startsWith('Routes'));
    expect(routes?.environment['CALLBACK_URL']).toBe(`${cloud.url}/_ws/${apiId}/dev`);
  });

  it('refuses a connection the authorizer does not allow, and never runs $connect for it', async () => {
    // Act
    const missing = await open('');
    const unauthorized = await open('?token=wrong');
    const denied = await open('?token=deny');
    const failing = await open('?token=boom');
    // Assess
    expect([missing, unauthorized, denied, failing].map(statusOf)).toEqual([401, 401, 403, 500]);
    expect(eventsIn(logs).filter((event) => contextOf(event)['routeKey'] === '$connect')).toEqual([]);
  }, 30_000);

  it('refuses the connection with the status a $connect answer other than 2xx carries', async () => {
    expect(statusOf(await open('?token=good&refuse=1'))).toBe(403);
  }, 30_000);

  it('passes the CONNECT event as API Gateway builds it, with the authorizer context', async () => {
    const client = opened(await open('?token=good&lang=nl'));
    const event = await waitFor(
      () =>
        eventsIn(logs).find(
          (each) => (each['queryStringParameters'] as Record<string, string> | undefined)?.['lang'] === 'nl',
        ),
      'the CONNECT event',
    );
    const context = contextOf(event);
    expect(context).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      messageId: null,
      stage: 'dev',
      apiId,
      domainName: `${apiId}.execute-api.eu-west-1.amazonaws.com`,
      authorizer: { principalId: 'alice', userId: 'alice', groups: 'customer' },
      identity: expect.objectContaining({ sourceIp: '127.0.0.1' }) as unknown,
    });
    expect(typeof context['connectionId']).toBe('string');
    expect(context['requestTimeEpoch']).toBeGreaterThanOrEqual(context['connectedAt'] as number);
    expect(event['queryStringParameters']).toEqual({ token: 'good', lang: 'nl' });
    const headerNames = Object.keys(event['headers'] as Record<string, string>).map((name) =>
      name.toLowerCase(),
    );
    expect(headerNames).toEqual(expect.arrayContaining(['host', 'sec-websocket-key', 'x-forwarded-for']));
    expect(headerNames).not.toContain('upgrade');
    client.socket.close();
  }, 30_000);

  it('routes a message by its action and sends a two-way route its answer back', async () => {
    // Prepare
    const client = opened(await open());
    // Act
    client.socket.send(JSON.stringify({ action: 'echo', n: 1 }));
    const answer = JSON.parse(await client.next()) as { echo: string; event: Record<string, unknown> };
    // Assess
    expect(answer.echo).toBe('{"action":"echo","n":1}');
    expect(answer.event['isBase64Encoded']).toBe(false);
    expect(contextOf(answer.event)).toMatchObject({
      routeKey: 'echo',
      eventType: 'MESSAGE',
      stage: 'dev',
      authorizer: { principalId: 'alice', userId: 'alice' },
    });
    expect(typeof contextOf(answer.event)['messageId']).toBe('string');
    client.socket.close();
  }, 30_000);

  it('sends nothing back from a one-way route ($default for an unknown action)', async () => {
    const client = opened(await open());
    client.socket.send('not json at all');
    await waitFor(
      () =>
        eventsIn(logs).find(
          (event) => contextOf(event)['routeKey'] === '$default' && event['body'] === 'not json at all',
        ),
      'the $default event',
    );
    client.socket.send(JSON.stringify({ action: 'echo' }));
    const first = JSON.parse(await client.next()) as { echo?: string };
    expect(first.echo).toBe('{"action":"echo"}');
  }, 30_000);

  it('lets a granted function post to a connection with the SDK, and lists the connection', async () => {
    const client = opened(await open());
    client.socket.send(JSON.stringify({ action: 'pushTo', data: 'hello from the function' }));
    expect(await client.next()).toBe('hello from the function');
    expect(await client.next()).toMatch(/^sent \(connected at \d{4}-/);
    const listed = (await (await fetch(`${cloud.url}/_local/connections`)).json()) as {
      connections: { apiId: string; stage: string }[];
    };
    expect(listed.connections).toEqual(
      expect.arrayContaining([expect.objectContaining({ apiId, stage: 'dev' })]),
    );
    client.socket.close();
  }, 30_000);

  it('answers GoneException for a connection that closed, and runs $disconnect with its close code', async () => {
    // Prepare
    const leaving = opened(await open());
    const staying = opened(await open());
    leaving.socket.send(JSON.stringify({ action: 'echo' }));
    const id = contextOf((JSON.parse(await leaving.next()) as { event: Record<string, unknown> }).event)[
      'connectionId'
    ];
    leaving.socket.close(4000, 'bye');
    await leaving.closed;
    const disconnect = await waitFor(
      () =>
        eventsIn(logs).find(
          (event) =>
            contextOf(event)['connectionId'] === id && contextOf(event)['eventType'] === 'DISCONNECT',
        ),
      'the DISCONNECT event',
    );
    // Act
    staying.socket.send(JSON.stringify({ action: 'pushTo', target: id }));
    // Assess
    expect(await staying.next()).toBe('GoneException');
    expect(contextOf(disconnect)).toMatchObject({
      routeKey: '$disconnect',
      disconnectStatusCode: 4000,
      disconnectReason: 'bye',
    });
    staying.socket.close();
  }, 30_000);

  it('serves an SDK client at the local callback URL: GetConnection, DeleteConnection (1000), then GoneException', async () => {
    // Prepare
    const client = opened(await open());
    client.socket.send(JSON.stringify({ action: 'echo' }));
    const id = String(
      contextOf((JSON.parse(await client.next()) as { event: Record<string, unknown> }).event)[
        'connectionId'
      ],
    );
    const management = new ApiGatewayManagementApiClient({
      endpoint: `${cloud.url}/_ws/${apiId}/dev`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIALOCALOPERATOR000', secretAccessKey: 'local' },
    });
    // Act
    const described = await management.send(new GetConnectionCommand({ ConnectionId: id }));
    await management.send(new DeleteConnectionCommand({ ConnectionId: id }));
    const closed = await client.closed;
    const afterwards = await management
      .send(new GetConnectionCommand({ ConnectionId: id }))
      .catch((error: Error) => error);
    // Assess
    expect(described.ConnectedAt).toBeInstanceOf(Date);
    expect(described.Identity?.SourceIp).toBe('127.0.0.1');
    expect(closed.code).toBe(1000);
    expect((afterwards as Error).name).toBe('GoneException');
    expect((afterwards as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(410);
  }, 30_000);

  it('denies a function without the ManageConnections grant, as IAM does', async () => {
    const client = opened(await open());
    client.socket.send(JSON.stringify({ action: 'pushDenied' }));
    expect(await client.next()).toBe('AccessDeniedException');
    expect(
      logs.some((line) => line.includes('is not authorized to perform: execute-api:ManageConnections')),
    ).toBe(true);
    client.socket.close();
  }, 30_000);

  it('closes a connection with 1009 for a frame over 32 KB', async () => {
    const client = opened(await open());
    client.socket.send('x'.repeat(33 * 1024));
    expect((await client.closed).code).toBe(1009);
  }, 30_000);

  it('closes a connection with 1009 for a message over 128 KB sent in small frames', async () => {
    const client = opened(await open());
    const frame = Buffer.alloc(30 * 1024, 'y');
    for (let index = 0; index < 5; index++) client.socket.send(frame, { fin: index === 4, binary: false });
    expect((await client.closed).code).toBe(1009);
  }, 30_000);

  it('serves the custom domain as <first label>.localhost', async () => {
    const port = new URL(cloud.url).port;
    const client = opened(await connect(`${base}/?token=good`, { host: `ws.localhost:${port}` }));
    client.socket.send(JSON.stringify({ action: 'echo' }));
    const answer = JSON.parse(await client.next()) as { event: Record<string, unknown> };
    expect(contextOf(answer.event)['domainName']).toBe('ws.slice.example');
    client.socket.close();
  }, 30_000);

  it('closes the connections of a redeployed API with 1001, then serves its new routes', async () => {
    const client = opened(await open());
    synthesizeSocketService(root, { extraRoute: true });
    await cloud.redeploy(join(root, 'dist/apps/socket/cdk.out'));
    expect((await client.closed).code).toBe(1001);
    const again = opened(await open());
    again.socket.send(JSON.stringify({ action: 'added' }));
    expect(await again.next()).toBe('added answered');
    again.socket.close();
  }, 60_000);

  it('closes an idle connection with 1001 when POST /_local/clock moves the one clock 10 minutes on', async () => {
    const client = opened(await open());
    const moved = await fetch(`${cloud.url}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceBy: 'PT10M' }),
    });
    expect(moved.status).toBe(200);
    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
  }, 30_000);

  it('closes every connection with 1001 when the cloud stops', async () => {
    const client = opened(await open());
    await cloud.stop();
    expect((await client.closed).code).toBe(1001);
  }, 30_000);
});
