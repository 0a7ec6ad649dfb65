import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AdminContext, adminRefusal, handleAdmin } from '../../src/admin';
import type { LocalModel } from '../../src/assembly/types';
import { LogStream } from '../../src/logs';
import { TestClock } from '../../src/clock';

/** A raw HTTP request, so a test sets `Host` and `Origin` as a browser or a rebinding page would. */
function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
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
    req.end(options.body);
  });
}

const model = {
  functions: [{}, {}],
  restApis: [{}],
  tables: [],
  region: 'eu-west-1',
} as unknown as LocalModel;

describe('the /_local admin routes', () => {
  let server: Server;
  let port: number;
  const minted: unknown[] = [];
  const redeployed: string[] = [];
  const clock = new TestClock(new Date('2026-12-01T09:00:00.000Z'));

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
    const context: AdminContext = {
      url: `http://localhost:${port}`,
      stage: 'dev',
      model: () => model,
      endpointUrl: 'http://127.0.0.1:1',
      events: () => [],
      queues: () => [],
      streams: () => [],
      failedStreamBatches: () => [],
      issuer: {
        jwks: () => Promise.resolve({ keys: [] }),
        token: (user) => {
          minted.push(user);
          return Promise.resolve(`token-of-${user.sub}`);
        },
      },
      redeploy: (dir) => {
        redeployed.push(dir);
        return Promise.resolve({ assembly: dir });
      },
      isRedeployError: () => false,
      logs: new LogStream({ functionOf: () => undefined }),
      invoke: () => Promise.reject(new Error('no functions here')),
      clock,
    };
    server.on('request', (req, res) => void handleAdmin(context, req, res));
  });
  afterAll(() => new Promise((done) => server.close(done)));
  beforeEach(() => {
    minted.length = 0;
    redeployed.length = 0;
  });

  const local = () => ({ host: `localhost:${port}` });

  it("answers the developer's own tools: the local domain's Host, no Origin", async () => {
    const health = await send(port, { path: '/_local/health', headers: local() });
    const token = await send(port, {
      method: 'POST',
      path: '/_local/token',
      headers: { ...local(), 'content-type': 'application/json' },
      body: '{"sub":"alice","groups":["staff"]}',
    });

    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', functions: 2, apis: 1 });
    expect(token.status).toBe(200);
    expect(JSON.parse(token.body)).toEqual({ token: 'token-of-alice' });
    expect(minted).toEqual([{ sub: 'alice', groups: ['staff'] }]);
  });

  it('answers a page of the local domain itself (same origin, on 127.0.0.1 too)', async () => {
    const answer = await send(port, {
      path: '/_local/health',
      headers: { host: `127.0.0.1:${port}`, origin: `http://localhost:${port}` },
    });

    expect(answer.status).toBe(200);
  });

  it('refuses a request whose Host is another domain (a DNS-rebinding page), minting nothing', async () => {
    const answer = await send(port, {
      method: 'POST',
      path: '/_local/token',
      headers: { host: `rebound.example:${port}`, 'content-type': 'application/json' },
      body: '{"sub":"mallory","groups":["staff"]}',
    });

    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 403, title: 'Forbidden' });
    expect(minted).toEqual([]);
  });

  it('refuses a loopback Host on another port', async () => {
    const answer = await send(port, { path: '/_local/health', headers: { host: `localhost:${port + 1}` } });

    expect(answer.status).toBe(403);
  });

  it.each(['https://evil.example', 'null', 'http://localhost:1'])(
    'refuses a request carrying the foreign Origin %s, redeploying nothing',
    async (origin) => {
      const answer = await send(port, {
        method: 'POST',
        path: '/_local/redeploy',
        headers: { ...local(), origin, 'content-type': 'application/json' },
        body: '{"assembly":"dist/apps/menu/cdk.out"}',
      });

      expect(answer.status).toBe(403);
      expect(redeployed).toEqual([]);
    },
  );

  it('answers a cross-origin preflight to /_local/token with no CORS header', async () => {
    const answer = await send(port, {
      method: 'OPTIONS',
      path: '/_local/token',
      headers: {
        ...local(),
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

    expect(answer.status).toBe(403);
    expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('answers a same-origin OPTIONS with 405 and no CORS header either', async () => {
    const answer = await send(port, { method: 'OPTIONS', path: '/_local/token', headers: local() });

    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 404 for an admin path it does not know, rather than passing it on', async () => {
    const answer = await send(port, { path: '/_local/nothing', headers: local() });

    expect(answer.status).toBe(404);
  });

  it('keeps its answers out of caches', async () => {
    const answer = await send(port, { path: '/_local/credentials', headers: local() });

    expect(answer.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toMatchObject({ region: 'eu-west-1', stage: 'dev' });
  });

  it('refuses a redeploy that is not JSON (a form a page could post without a preflight)', async () => {
    const answer = await send(port, {
      method: 'POST',
      path: '/_local/redeploy',
      headers: { ...local(), 'content-type': 'text/plain' },
      body: '{"assembly":"dist/apps/menu/cdk.out"}',
    });

    expect(answer.status).toBe(415);
    expect(redeployed).toEqual([]);
  });

  describe('/_local/clock', () => {
    const move = (body: string) =>
      send(port, {
        method: 'POST',
        path: '/_local/clock',
        headers: { ...local(), 'content-type': 'application/json' },
        body,
      });

    it('moves the clock forward by a duration or to a time, firing what fell due before answering', async () => {
      const fired: string[] = [];
      clock.after(10 * 60_000, () => void fired.push(new Date(clock.now()).toISOString()));

      const by = await move('{"advanceBy":"PT10M"}');
      expect(fired).toEqual(['2026-12-01T09:10:00.000Z']);
      const to = await move('{"advanceTo":"2026-12-02T08:00:00Z"}');
      const millis = await move('{"advanceBy":1000}');
      const now = await send(port, { path: '/_local/clock', headers: local() });

      expect(by.status).toBe(200);
      expect(JSON.parse(by.body)).toMatchObject({ now: '2026-12-01T09:10:00.000Z' });
      expect(JSON.parse(to.body)).toMatchObject({ now: '2026-12-02T08:00:00.000Z' });
      expect(JSON.parse(millis.body)).toMatchObject({ now: '2026-12-02T08:00:01.000Z' });
      expect(JSON.parse(now.body)).toMatchObject({ now: '2026-12-02T08:00:01.000Z' });
    });

    it('refuses a move it cannot read, or one backwards, and leaves the clock where it was', async () => {
      const before = clock.now();
      const answers = await Promise.all(
        [
          '{"advanceBy":"ten minutes"}',
          '{"advanceBy":-5}',
          '{}',
          '{"advanceBy":1,"advanceTo":"2030-01-01T00:00:00Z"}',
        ].map(move),
      );
      const back = await move('{"advanceTo":"2020-01-01T00:00:00Z"}');

      expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400]);
      expect(back.status).toBe(409);
      expect(clock.now()).toBe(before);
    });

    it('answers GET and POST only, naming both', async () => {
      const answer = await send(port, { method: 'DELETE', path: '/_local/clock', headers: local() });

      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, POST');
    });
  });
});

describe('adminRefusal', () => {
  it('names why a request is refused', () => {
    expect(adminRefusal({ host: 'localhost:3000' }, 3000)).toBeUndefined();
    expect(adminRefusal({ host: '[::1]:3000', origin: 'http://[::1]:3000' }, 3000)).toBeUndefined();
    expect(adminRefusal({}, 3000)).toBe('foreign-host');
    expect(adminRefusal({ host: 'localhost' }, 3000)).toBe('foreign-host');
    expect(adminRefusal({ host: 'LOCALHOST:3000', origin: 'HTTP://LOCALHOST:3000' }, 3000)).toBeUndefined();
    expect(adminRefusal({ host: 'localhost:3000', origin: 'http://localhost:3000.evil.example' }, 3000)).toBe(
      'foreign-origin',
    );
  });
});
