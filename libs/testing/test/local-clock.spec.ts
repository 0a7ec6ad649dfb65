import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { advanceLocalClock, localClock } from '../src';

describe('localClock and advanceLocalClock', () => {
  let server: Server;
  let baseUrl: string;
  const posted: unknown[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url !== '/_local/clock') return void res.writeHead(404).end();
        if (req.method === 'POST') {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
          posted.push({ contentType: req.headers['content-type'], body });
          if (body.advanceBy === 'backwards') {
            return void res.writeHead(400).end('{"message":"advanceBy must be a duration"}');
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"now":"2026-12-01T09:10:00.000Z","offsetMs":600000}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('reads the clock, and moves it by a duration, milliseconds or to a time', async () => {
    const reading = await localClock(baseUrl);
    await advanceLocalClock(baseUrl, 'PT10M');
    await advanceLocalClock(baseUrl, 1000);
    await advanceLocalClock(baseUrl, { to: new Date('2026-12-02T08:00:00Z') });

    expect(reading).toEqual({ now: '2026-12-01T09:10:00.000Z', offsetMs: 600000 });
    expect(posted).toEqual([
      { contentType: 'application/json', body: { advanceBy: 'PT10M' } },
      { contentType: 'application/json', body: { advanceBy: 1000 } },
      { contentType: 'application/json', body: { advanceTo: '2026-12-02T08:00:00.000Z' } },
    ]);
  });

  it("throws with the cloud's answer when it refuses the move", async () => {
    await expect(advanceLocalClock(baseUrl, 'backwards')).rejects.toThrow(
      /POST .*\/_local\/clock answered 400: .*advanceBy must be a duration/,
    );
  });
});
