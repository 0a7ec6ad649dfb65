import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { TestClock } from '../../src/clock';
import type { InvokeResult, LambdaRuntime, LocalModel } from '../../src/model';
import { createWebSocketApis, frameWatcher, type WebSocketApis } from '../../src/services/websocket-api';
import { WebSocket } from 'ws';
import { type Client, connect } from './fixture';

/** A frame header as a client sends it (masked), for a payload of `length` bytes. */
function frameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, 0x80 | length, 1, 2, 3, 4]);
  if (length < 65_536) {
    const header = Buffer.from([0x81, 0x80 | 126, 0, 0, 1, 2, 3, 4]);
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

describe('the frame watcher', () => {
  it('lets frames of up to 32 KB through, across chunk boundaries', () => {
    const tooBig = jest.fn();
    const watch = frameWatcher(32 * 1024, tooBig);
    const stream = Buffer.concat([
      frameHeader(10),
      Buffer.alloc(10),
      frameHeader(32 * 1024),
      Buffer.alloc(32 * 1024),
    ]);
    for (let offset = 0; offset < stream.length; offset += 7) watch(stream.subarray(offset, offset + 7));
    expect(tooBig).not.toHaveBeenCalled();
  });

  it('trips once on a frame over 32 KB, with a 16-bit or a 64-bit length', () => {
    for (const length of [32 * 1024 + 1, 70_000]) {
      const tooBig = jest.fn();
      const watch = frameWatcher(32 * 1024, tooBig);
      const header = frameHeader(length);
      watch(header.subarray(0, 3));
      watch(header.subarray(3));
      watch(Buffer.alloc(100));
      expect(tooBig).toHaveBeenCalledTimes(1);
    }
  });
});

const fn = 'SliceSocket-dev/Routes';

/** A model with one WebSocket API whose routes all go to `fn`, which API Gateway may invoke. */
const model = {
  accountId: '000000000000',
  region: 'eu-west-1',
  stacks: [],
  functions: [],
  tables: [],
  queues: [],
  restApis: [],
  parameters: new Map(),
  secrets: new Map(),
  routingRules: [],
  eventSourceMappings: [],
  permissions: [
    {
      stackName: 'SliceSocket-dev',
      logicalId: 'P',
      functionId: fn,
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
    },
  ],
  warnings: [],
  webSocketApis: [
    {
      id: 'abcdefghij',
      stackName: 'SliceSocket-dev',
      logicalId: 'Api',
      name: 'Api',
      region: 'eu-west-1',
      routeSelectionExpression: '$request.body.action',
      routes: ['$connect', '$disconnect', '$default'].map((routeKey) => ({
        id: routeKey,
        routeKey,
        authorizationType: 'NONE' as const,
        twoWay: false,
        integration: {
          id: 'i',
          type: 'AWS_PROXY' as const,
          functionId: fn,
          timeoutMs: 29_000,
          responseKeys: [],
        },
      })),
      authorizers: [],
      stages: [{ name: 'dev', variables: {} }],
      domains: [],
    },
    {
      id: 'nodefaultx',
      stackName: 'SliceSocket-dev',
      logicalId: 'Strict',
      name: 'Strict',
      region: 'eu-west-1',
      routeSelectionExpression: '$request.body.action',
      routes: [],
      authorizers: [],
      stages: [{ name: 'dev', variables: {} }],
      domains: [],
    },
  ],
} satisfies LocalModel;

describe('a connection’s life: limits, errors and subprotocols', () => {
  let clock: TestClock;
  let apis: WebSocketApis;
  let server: Server;
  let url: string;
  const events: { requestContext: Record<string, unknown>; body?: string }[] = [];
  /** What the function answers an event; by default `{ statusCode: 200 }`. */
  let answer: (event: { requestContext: Record<string, unknown>; body?: string }) => InvokeResult;
  const runtime: LambdaRuntime = {
    register: () => undefined,
    stop: () => Promise.resolve(),
    invoke: (_id, event): Promise<InvokeResult> => {
      const received = event as { requestContext: Record<string, unknown>; body?: string };
      events.push(received);
      return Promise.resolve(answer(received));
    },
  };
  const messagesSeen = () => events.filter((event) => event.requestContext['eventType'] === 'MESSAGE').length;
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((done) => setTimeout(done, 5));
  };
  const open = async (): Promise<Client> => {
    const attempt = await connect(`${url}/_ws/abcdefghij/dev`);
    if ('status' in attempt) throw new Error(`refused with ${attempt.status}`);
    return attempt.client;
  };

  beforeEach(async () => {
    events.length = 0;
    answer = () => ({ ok: true, payload: { statusCode: 200 }, durationMs: 1, coldStart: false });
    clock = new TestClock(Date.parse('2026-12-01T10:00:00Z'));
    apis = createWebSocketApis({ model, runtime, clock });
    server = createServer((_req, res) => res.end());
    server.on('upgrade', (req, socket, head) => apis.handleUpgrade(req, socket, head));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await apis.stop();
    await new Promise((done) => server.close(done));
  });

  it('closes a connection idle for 10 minutes with 1001, and runs $disconnect with that code', async () => {
    const client = await open();
    await clock.advance(10 * 60 * 1000 - 1);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await clock.advance(1);
    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    await until(() => events.some((event) => event.requestContext['eventType'] === 'DISCONNECT'));
    expect(events.at(-1)?.requestContext).toMatchObject({
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });
  });

  it('starts the idle time again with every client message', async () => {
    const client = await open();
    await clock.advance(9 * 60 * 1000);
    client.socket.send('still here');
    await until(() => messagesSeen() === 1);
    await clock.advance(9 * 60 * 1000);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    expect(apis.connections()[0]?.lastActiveAt).toBe('2026-12-01T10:09:00.000Z');
  });

  it('closes a connection after 2 hours with 1001, however active', async () => {
    const client = await open();
    for (let minute = 9; minute < 120; minute += 9) {
      await clock.advance(9 * 60 * 1000);
      client.socket.send('ping');
      await until(() => messagesSeen() === minute / 9);
    }
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await clock.advanceTo(Date.parse('2026-12-01T12:00:00Z'));
    expect((await client.closed).code).toBe(1001);
  });

  it('answers Internal server error, with the connection and request ids, when a route’s function fails', async () => {
    answer = (event) =>
      event.requestContext['eventType'] === 'MESSAGE'
        ? { ok: false, errorType: 'Error', errorMessage: 'boom', durationMs: 1 }
        : { ok: true, payload: { statusCode: 200 }, durationMs: 1, coldStart: false };
    const client = await open();
    client.socket.send('anything');
    const reply = JSON.parse(await client.next()) as Record<string, unknown>;
    expect(reply).toEqual({
      message: 'Internal server error',
      connectionId: apis.connections()[0]?.connectionId,
      requestId: expect.any(String) as unknown,
    });
  });

  it('answers Forbidden to a message no route takes when the API has no $default', async () => {
    const attempt = await connect(`${url}/_ws/nodefaultx/dev`);
    if ('status' in attempt) throw new Error(`refused with ${attempt.status}`);
    attempt.client.socket.send(JSON.stringify({ action: 'unknown' }));
    expect(JSON.parse(await attempt.client.next())).toMatchObject({ message: 'Forbidden' });
    expect(events.filter((event) => event.requestContext['eventType'] === 'MESSAGE')).toEqual([]);
  });

  it('agrees the subprotocol $connect answers in its Sec-WebSocket-Protocol header', async () => {
    answer = () => ({
      ok: true,
      payload: { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'slice.v1' } },
      durationMs: 1,
      coldStart: false,
    });
    const socket = new WebSocket(`${url}/_ws/abcdefghij/dev`, ['token-abc', 'slice.v1']);
    await new Promise((done, fail) => {
      socket.once('open', done);
      socket.once('error', fail);
    });
    expect(socket.protocol).toBe('slice.v1');
    expect(events[0]?.requestContext['eventType']).toBe('CONNECT');
    socket.close();
  });

  it('answers 400 to an upgrade that is no WebSocket handshake, before $connect runs', async () => {
    const port = new URL(url).port;
    const response = await new Promise<string>((done) => {
      const socket = netConnect(Number(port), '127.0.0.1', () =>
        socket.write(
          'GET /_ws/abcdefghij/dev HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
        ),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => done(text));
    });
    expect(response.startsWith('HTTP/1.1 400 Bad Request')).toBe(true);
    expect(events).toEqual([]);
  });

  it('answers 404 to an upgrade for no API or stage', async () => {
    expect(await connect(`${url}/_ws/abcdefghij/prod`)).toEqual({ status: 404 });
    expect(await connect(`${url}/_ws/nope/dev`)).toEqual({ status: 404 });
  });
});
