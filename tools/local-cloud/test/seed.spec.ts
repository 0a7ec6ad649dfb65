import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSeedFiles, seed } from '../src/seed';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'slice-seed-'));
  const write = (path: string, content: object) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), JSON.stringify(content));
  };
  write('apps/menu/seed/menu.json', {
    requests: [
      { method: 'POST', path: '/menu/items', as: 'staff', idempotencyKey: 'seed-a', body: { id: 'a' } },
    ],
  });
  write('apps/monolith/seed/legacy.json', {
    replay: [{ file: 'apps/menu/seed/menu.json', headers: { 'x-slice-route': 'monolith' } }],
    requests: [{ method: 'PUT', path: '/stores/s-1', as: 'staff', body: { name: 'S' } }],
  });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('seed files', () => {
  it("replay another app's requests with extra headers, before the file's own requests", () => {
    const [menu, monolith] = findSeedFiles(root);
    expect(menu?.requests).toHaveLength(1);
    expect(monolith?.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /menu/items',
      'PUT /stores/s-1',
    ]);
    expect(monolith?.requests[0]).toMatchObject({
      idempotencyKey: 'seed-a',
      headers: { 'x-slice-route': 'monolith' },
    });
  });

  it('send the extra headers with the token and the idempotency key', async () => {
    const received: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      received.push(req.headers);
      res.writeHead(201).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const [, monolith] = findSeedFiles(root);
      const sent = await seed(`http://127.0.0.1:${port}`, monolith ? [monolith] : [], (role) =>
        Promise.resolve(`token-of-${role}`),
      );
      expect(sent).toBe(2);
      expect(received[0]).toMatchObject({
        'x-slice-route': 'monolith',
        'idempotency-key': 'seed-a',
        authorization: 'Bearer token-of-staff',
      });
      expect(received[1]?.['x-slice-route']).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
