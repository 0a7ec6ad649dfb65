import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTarget } from '../src/targets';

const root = '/nonexistent';

describe('the remote target', () => {
  it('asks TOKEN_COMMAND for one token per role: the first customer, any other customer, staff', async () => {
    const { target } = await startTarget('remote', {
      root,
      baseUrl: 'https://api.example.com',
      tokenCommand: 'echo "token-$SLICE_TOKEN_ROLE"',
    });
    expect(await target.token({ sub: 'ct-customer-1' })).toBe('token-customer');
    expect(await target.token({ sub: 'ct-other-1' })).toBe('token-other-customer');
    expect(await target.token({ sub: 'ct-staff-1', staff: true })).toBe('token-staff');
    expect(await target.token({ sub: 'ct-customer-1' })).toBe('token-customer');
  });

  it('refuses to start without BASE_URL and TOKEN_COMMAND, naming both', async () => {
    await expect(startTarget('remote', { root, baseUrl: 'https://api.example.com' })).rejects.toThrow(
      /BASE_URL .* and TOKEN_COMMAND/,
    );
  });

  it('fails a token request when the command prints nothing', async () => {
    const { target } = await startTarget('remote', {
      root,
      baseUrl: 'https://api.example.com',
      tokenCommand: 'true',
    });
    await expect(target.token({ sub: 'someone' })).rejects.toThrow(
      'TOKEN_COMMAND printed no token for customer.',
    );
  });
});

describe('the local target', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ url?: string; headers: Record<string, unknown>; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': 'c-1' });
        res.end(req.url === '/_local/token' ? JSON.stringify({ token: `local-${body}` }) : '{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('gets tokens from /_local/token and sends requests to BASE_URL, headers lower-cased', async () => {
    const { target } = await startTarget('local', { root, baseUrl });
    const token = await target.token({ sub: 'ct-staff-1', staff: true });
    expect(token).toBe('local-{"sub":"ct-staff-1","groups":["staff"]}');
    const response = await target.send({
      method: 'GET',
      path: '/menu?limit=2',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response).toEqual(expect.objectContaining({ status: 200, body: '{"ok":true}' }));
    expect(response.headers['x-correlation-id']).toBe('c-1');
    expect(seen.at(-1)).toEqual(expect.objectContaining({ url: '/menu?limit=2' }));
  });

  it('fails saying how to start the platform when nothing answers at BASE_URL', async () => {
    const idle = createServer();
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    const freeUrl = `http://127.0.0.1:${(idle.address() as AddressInfo).port}`;
    await new Promise((resolve) => idle.close(resolve));
    await expect(startTarget('local', { root, baseUrl: freeUrl })).rejects.toThrow(
      `No local Slice cloud answers at ${freeUrl}: start it with \`npm start\``,
    );
  });
});
