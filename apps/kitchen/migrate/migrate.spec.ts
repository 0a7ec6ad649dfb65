/**
 * The Kitchen mapping against a real local database (dynalite): the monolith's table as the legacy
 * design fixes it, the Kitchen table from the synthesized stack, and the Kitchen repository
 * reading the migrated tickets back in cooking order.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createCursorCodec } from '@slice/dynamodb';
import { migrate } from '@slice/migration';
import {
  createTable,
  startDynalite,
  tableInputFromTemplate,
  tableLogicalIds,
  type Dynalite,
} from '@slice/testing';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { KitchenStack } from '../cdk/kitchen-stack';
import { dynamoTicketRepository } from '../src/adapters/dynamodb-ticket-repository';
import { mapping, migrationCorrelationId } from './index';

const address = { name: 'Alice', line1: '1 Oven Street', city: 'Utrecht', postcode: '3511AA', country: 'NL' };

/** A legacy ORDER row placed at minute `n` of a day, PLACED unless told otherwise. */
const legacyOrder = (n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const orderId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const placedAt = new Date(Date.UTC(2026, 10, 30, 17, 0) + n * 60_000).toISOString();
  const status = (overrides.status as string | undefined) ?? 'PLACED';
  return {
    PK: `ORDER#${orderId}`,
    SK: 'ORDER',
    GSI1PK: 'CUSTOMER#alice',
    GSI1SK: `${placedAt}#${orderId}`,
    GSI2PK: `STATUS#${status}`,
    GSI2SK: `${placedAt}#${orderId}`,
    entity: 'ORDER',
    orderId,
    customerId: 'alice',
    status,
    lines: [{ itemId: 'margherita', name: 'Margherita', quantity: 2, unitPriceCents: 900 }],
    totalCents: 1800,
    currency: 'EUR',
    deliveryAddress: address,
    placedAt,
    version: 1,
    ...overrides,
  };
};

const legacyTable: CreateTableCommandInput = {
  TableName: 'monolith',
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: ['PK', 'SK', 'GSI2PK', 'GSI2SK'].map((AttributeName) => ({
    AttributeName,
    AttributeType: 'S' as const,
  })),
  GlobalSecondaryIndexes: [
    {
      IndexName: 'GSI2',
      KeySchema: [
        { AttributeName: 'GSI2PK', KeyType: 'HASH' as const },
        { AttributeName: 'GSI2SK', KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    },
  ],
};

const PLACED = 120;
const rejected = {
  total: legacyOrder(9001, { totalCents: 1 }),
  id: legacyOrder(9002, { orderId: 'legacy-42', PK: 'ORDER#legacy-42' }),
};
let db: Dynalite;

beforeAll(async () => {
  db = await startDynalite();
  const template = Template.fromStack(
    new KitchenStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceKitchen-dev', {
      stage: 'dev',
    }),
  ).toJSON();
  await createTable(
    db.client,
    tableInputFromTemplate(template, tableLogicalIds(template)[0] as string, 'kitchen'),
  );
  await createTable(db.client, legacyTable);
  const rows = [
    ...Array.from({ length: PLACED }, (_, index) => legacyOrder(index + 1)),
    ...Array.from({ length: 10 }, (_, index) => legacyOrder(500 + index, { status: 'CANCELLED' })),
    ...Object.values(rejected),
    { PK: 'STORE#utrecht', SK: 'STORE', entity: 'STORE', storeId: 'utrecht' },
  ];
  for (let start = 0; start < rows.length; start += 25) {
    await db.documentClient.send(
      new BatchWriteCommand({
        RequestItems: { monolith: rows.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}, 120_000);
afterAll(() => db.stop());

describe('the Kitchen mapping', () => {
  it('rejects a row whose total is not the sum of its lines, or whose id is not a UUID, saying why', () => {
    expect(mapping.map(rejected.total)).toEqual({
      rejected: expect.stringContaining('totalCents: 1 is not the sum'),
    });
    expect(mapping.map(rejected.id)).toEqual({ rejected: expect.stringContaining('Invalid UUID') });
  });

  it('makes a QUEUED ticket of a placed order, in the queue and on its local day', () => {
    const mapped = mapping.map(legacyOrder(1));
    if ('rejected' in mapped) throw new Error(mapped.rejected);
    expect(mapped.items[0]).toMatchObject({
      pk: `TICKET#${legacyOrder(1).orderId as string}`,
      sk: 'TICKET',
      status: 'QUEUED',
      bakeSeconds: 540,
      gsi1pk: 'QUEUE',
      gsi2pk: 'DAY#2026-11-30',
      correlationId: migrationCorrelationId,
      order: { total: { amount: 1800, currency: 'EUR' }, status: 'PLACED' },
    });
    expect(mapped.items[0]).not.toHaveProperty('taskToken');
  });

  it("copies the monolith's placed orders, and only those, into the queue in cooking order; a re-run copies nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kitchen-migration-'));
    const options = {
      client: db.documentClient,
      mapping,
      sourceTable: 'monolith',
      targetTable: 'kitchen',
      checkpointFile: join(dir, 'checkpoint.json'),
      reportFile: join(dir, 'report.jsonl'),
    };

    const result = await migrate(options);

    expect(result.counts).toEqual({
      read: PLACED + 2,
      copied: PLACED,
      skipped: 0,
      differing: 0,
      rejected: 2,
    });
    expect((await readFile(options.reportFile, 'utf8')).trim().split('\n')).toHaveLength(2);
    const tickets = dynamoTicketRepository({
      client: db.documentClient,
      tableName: 'kitchen',
      cursors: createCursorCodec('kitchen-migration-cursor-key'),
      timeZone: 'Europe/Amsterdam',
    });
    const queue = await tickets.queue({ limit: 1000 });
    expect(queue.items).toHaveLength(PLACED);
    expect(queue.items.map((ticket) => ticket.placedAt)).toEqual(
      [...queue.items.map((ticket) => ticket.placedAt)].sort(),
    );
    const again = await migrate({ ...options, restart: true });
    expect(again.counts).toMatchObject({ copied: 0, skipped: PLACED });
  }, 60_000);
});
