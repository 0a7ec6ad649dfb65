import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LocalEvent, localEvents, waitForLocalEvents } from '../src';

const event = (id: string, detailType: string): LocalEvent => ({
  id,
  time: '2026-11-27T10:00:00Z',
  source: 'slice.orders',
  detailType,
  detail: { id: `ord_${id}` },
  eventBusName: 'slice-dev',
  resources: [],
  functionId: 'SliceOrders-dev/PublishOrderEvents',
});

describe('localEvents', () => {
  let server: Server;
  let baseUrl: string;
  let stored: LocalEvent[];
  const requested: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      if (!req.url?.startsWith('/_local/events')) {
        res.writeHead(404).end();
        return;
      }
      const events = stored.filter(
        (candidate) => !query.get('detailType') || candidate.detailType === query.get('detailType'),
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ events }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    stored = [event('1', 'OrderPlaced'), event('2', 'OrderCancelled')];
    requested.splice(0);
  });

  it('asks /_local/events with the source and detail type, and filters with where', async () => {
    const events = await localEvents(baseUrl, {
      source: 'slice.orders',
      detailType: 'OrderPlaced',
      where: (candidate) => candidate.detail.id === 'ord_1',
    });
    expect(events.map((candidate) => candidate.id)).toEqual(['1']);
    expect(requested).toEqual(['/_local/events?source=slice.orders&detailType=OrderPlaced']);
  });

  it('waits for an event that arrives later, and returns a duplicate that arrives while settling', async () => {
    setTimeout(() => stored.push(event('3', 'OrderReady')), 30);
    setTimeout(() => stored.push(event('4', 'OrderReady')), 60);
    const events = await waitForLocalEvents(
      baseUrl,
      { detailType: 'OrderReady' },
      { settleMs: 150, pollMs: 10 },
    );
    expect(events.map((candidate) => candidate.id)).toEqual(['3', '4']);
  });

  it('gives up after the timeout with a message naming what it waited for', async () => {
    await expect(
      waitForLocalEvents(baseUrl, { detailType: 'OrderLost' }, { timeoutMs: 50, pollMs: 10 }),
    ).rejects.toThrow(/No event .*OrderLost.* reached the local bus within 50 ms/);
  });
});
