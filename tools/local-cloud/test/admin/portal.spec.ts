import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminContext } from '../../src/admin';
import type { LocalModel } from '../../src/assembly/types';
import { TestClock } from '../../src/clock';
import { LogStream } from '../../src/logs';
import { handlePortal, isPortalHost } from '../../src/portal';

function send(
  port: number,
  options: { method?: string; path: string; headers: Record<string, string> },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the portal at http://portal.localhost:<port>', () => {
  let server: Server;
  let port: number;
  let folder: string;
  const minted: unknown[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'slice-portal-'));
    mkdirSync(join(folder, 'services'));
    writeFileSync(join(folder, 'index.html'), '<h1>Services</h1>');
    writeFileSync(join(folder, 'services/orders.html'), '<h1>orders</h1>');
    writeFileSync(join(tmpdir(), 'outside-the-portal.txt'), 'secret');
    server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
    const context: AdminContext = {
      url: `http://localhost:${port}`,
      stage: 'dev',
      model: () =>
        ({ functions: [], restApis: [], tables: [], region: 'eu-west-1' }) as unknown as LocalModel,
      endpointUrl: 'http://127.0.0.1:1',
      events: () => [],
      queues: () => [],
      streams: () => [],
      failedStreamBatches: () => [],
      issuer: {
        jwks: () => Promise.resolve({ keys: [] }),
        token: (user) => {
          minted.push(user);
          return Promise.resolve('token');
        },
      },
      redeploy: () => Promise.resolve({}),
      isRedeployError: () => false,
      logs: new LogStream({ functionOf: () => undefined }),
      invoke: () => Promise.reject(new Error('no functions here')),
      clock: new TestClock(new Date('2026-12-02T09:00:00.000Z')),
    };
    server.on('request', (req, res) => void handlePortal(context, folder, req, res));
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await new Promise((done) => server.close(done));
  });

  const portal = () => ({ host: `portal.localhost:${port}` });

  it('is the request of a Host naming the portal and the cloud port, nothing else', () => {
    expect(isPortalHost('portal.localhost:3000', 3000)).toBe(true);
    expect(isPortalHost('PORTAL.localhost:3000', 3000)).toBe(true);
    expect(isPortalHost('portal.localhost:3001', 3000)).toBe(false);
    expect(isPortalHost('localhost:3000', 3000)).toBe(false);
    expect(isPortalHost(undefined, 3000)).toBe(false);
  });

  it("serves the site's files with its distribution's security headers, index.html for /", async () => {
    const root = await send(port, { path: '/', headers: portal() });
    const page = await send(port, { path: '/services/orders.html', headers: portal() });

    expect(root).toMatchObject({ status: 200, body: '<h1>Services</h1>' });
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('answers 403 for a missing file, as S3 behind origin access control does, and never a file outside its folder', async () => {
    const missing = await send(port, { path: '/services/nope.html', headers: portal() });
    const escaped = await send(port, { path: '/../outside-the-portal.txt', headers: portal() });
    const encoded = await send(port, { path: '/%2e%2e/outside-the-portal.txt', headers: portal() });

    expect(missing.status).toBe(403);
    expect(escaped.status).toBe(403);
    expect(encoded.status).toBe(403);
    expect(encoded.body).not.toContain('secret');
  });

  it('lets its own pages read the live panels’ admin routes', async () => {
    const events = await send(port, {
      path: '/_local/events',
      headers: { ...portal(), origin: `http://portal.localhost:${port}` },
    });
    const logs = await send(port, { path: '/_local/logs?correlationId=c-1', headers: portal() });

    expect(events).toMatchObject({ status: 200, body: '{"events":[]}' });
    expect(logs.status).toBe(200);
    expect(events.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses every admin route that acts or mints, and any other origin', async () => {
    const token = await send(port, { method: 'POST', path: '/_local/token', headers: portal() });
    const credentials = await send(port, { path: '/_local/credentials', headers: portal() });
    const clock = await send(port, { method: 'POST', path: '/_local/clock', headers: portal() });
    const foreign = await send(port, {
      path: '/_local/events',
      headers: { ...portal(), origin: 'https://example.com' },
    });
    const storefront = await send(port, {
      path: '/_local/events',
      headers: { ...portal(), origin: `http://www.localhost:${port}` },
    });

    expect([token.status, credentials.status, clock.status, foreign.status, storefront.status]).toEqual([
      403, 403, 403, 403, 403,
    ]);
    expect(token.headers['content-type']).toBe('application/problem+json');
    expect(minted).toEqual([]);
  });
});
