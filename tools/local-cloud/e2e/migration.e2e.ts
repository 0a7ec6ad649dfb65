/**
 * The data move through the local cloud, as `npm run migrate -- menu` runs it against `npm start`:
 * the operator's credentials and the tables come from the `/_local` admin routes and SSM, the
 * monolith's rows land in the Menu table, and the Menu service serves them through the front door.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { connect, runMigrate } from '@slice/migration';
import { startLocalCloud, type LocalCloud } from '../src/cloud';

const root = resolve(__dirname, '../../..');
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ root, port: 0, log: () => undefined });
}, 90_000);

afterAll(() => cloud?.stop());

const legacyItem = (itemId: string, priceCents: number) => ({
  PK: 'MENU',
  SK: `ITEM#${itemId}`,
  GSI1PK: 'CATEGORY#pizza',
  GSI1SK: itemId,
  entity: 'MENU_ITEM',
  itemId,
  name: itemId,
  description: 'From the monolith.',
  category: 'pizza',
  priceCents,
  currency: 'EUR',
  available: true,
  version: 3,
  updatedAt: '2026-11-01T09:00:00.000Z',
});

describe('npm run migrate against the local cloud', () => {
  it('lists every table with its stack, logical id, name and ARN', async () => {
    const response = await fetch(`${cloud.url}/_local/tables`);
    const { tables } = (await response.json()) as { tables: Array<Record<string, string>> };

    const monolith = tables.find((table) => table.stack === 'SliceMonolith-dev');
    const menu = tables.find(
      (table) => table.stack === 'SliceMenu-dev' && table.logicalId?.startsWith('Table'),
    );
    expect(monolith?.logicalId).toMatch(/^Data/);
    expect(monolith?.arn).toBe(
      `arn:aws:dynamodb:${cloud.model.region}:000000000000:table/${monolith?.tableName}`,
    );
    expect(menu?.tableName).toEqual(expect.any(String));
  });

  it("copies the monolith's menu into the Menu table, which the Menu service then serves", async () => {
    // The operator's key (GET /_local/credentials) writes the legacy rows, as the monolith would have.
    const connection = await connect({ service: 'menu', stage: 'local', localUrl: cloud.url });
    try {
      for (const row of [
        legacyItem('migrated-napoli', 1075),
        { ...legacyItem('Bad Id', 1), SK: 'ITEM#Bad Id' },
      ]) {
        await connection.client.send(new PutCommand({ TableName: connection.sourceTable, Item: row }));
      }
    } finally {
      connection.close();
    }
    const lines: string[] = [];
    const checkpoint = join(mkdtempSync(join(tmpdir(), 'slice-migrate-e2e-')), 'menu.checkpoint.json');

    const result = await runMigrate(['menu', '--url', cloud.url, '--checkpoint', checkpoint], {
      cwd: root,
      env: {},
      stderr: process.stderr,
      print: (line) => lines.push(line),
    });

    expect(result.counts).toMatchObject({ copied: 1, rejected: 1 });
    expect(lines.join('\n')).toContain('(stage dev)');
    const response = await fetch(`${cloud.url}/menu/items/migrated-napoli`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 'migrated-napoli',
      price: { amount: 1075, currency: 'EUR' },
      version: 3,
    });
  }, 60_000);
});
