/**
 * The Orders mapping against a real local database (dynalite): the monolith's table as the legacy
 * design fixes it, the Orders table from the synthesized stack, and the Orders repository reading
 * the migrated orders back.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '@slice/contracts-orders';
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
import { OrdersStack } from '../cdk/orders-stack';
import { dynamoOrderRepository } from '../src/adapters/dynamodb-order-repository';
import { mapping, migrationCorrelationId } from './index';

const address = { name: 'Alice', line1: '1 Oven Street', city: 'Utrecht', postcode: '3511AA', country: 'NL' };

/** A valid legacy ORDER row: two lines, EUR, placed on day `n`. */
const legacyOrder = (n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const orderId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const placedAt = `2026-10-${String((n % 28) + 1).padStart(2, '0')}T12:00:00.000Z`;
  const customerId = `customer-${n % 7}`;
  const status = n % 5 === 0 ? 'CANCELLED' : 'PLACED';
  return {
    PK: `ORDER#${orderId}`,
    SK: 'ORDER',
    GSI1PK: `CUSTOMER#${customerId}`,
    GSI1SK: `${placedAt}#${orderId}`,
    GSI2PK: `STATUS#${status}`,
    GSI2SK: `${placedAt}#${orderId}`,
    entity: 'ORDER',
    orderId,
    customerId,
    status,
    lines: [
      { itemId: 'margherita', name: 'Margherita', quantity: 2, unitPriceCents: 900 },
      { itemId: 'cola', name: 'Cola', quantity: 1, unitPriceCents: 250 },
    ],
    totalCents: 2050,
    currency: 'EUR',
    deliveryAddress: address,
    placedAt,
    ...(status === 'CANCELLED' ? { cancelledAt: placedAt.replace('12:00', '12:05') } : {}),
    version: status === 'CANCELLED' ? 2 : 1,
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
  AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((AttributeName) => ({
    AttributeName,
    AttributeType: 'S' as const,
  })),
  GlobalSecondaryIndexes: ['GSI1', 'GSI2'].map((IndexName) => ({
    IndexName,
    KeySchema: [
      { AttributeName: `${IndexName}PK`, KeyType: 'HASH' as const },
      { AttributeName: `${IndexName}SK`, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  })),
};

const invalidRows = {
  'a total that is not the sum of the lines': legacyOrder(9001, { totalCents: 1 }),
  'a status the contract does not know': legacyOrder(9002, { status: 'BAKING' }),
  'a quantity above the contract limit': legacyOrder(9003, {
    lines: [{ itemId: 'margherita', name: 'Margherita', quantity: 25, unitPriceCents: 900 }],
    totalCents: 22500,
  }),
  'an id that is not a UUID': legacyOrder(9004, { orderId: 'legacy-42', PK: 'ORDER#legacy-42' }),
  'no delivery address': legacyOrder(9005, { deliveryAddress: undefined }),
  'a price in fractional cents': legacyOrder(9006, {
    lines: [{ itemId: 'margherita', name: 'Margherita', quantity: 1, unitPriceCents: 9.5 }],
    totalCents: 9.5,
  }),
};

/** What each invalid row's reason names. */
const why: Record<keyof typeof invalidRows, string> = {
  'a total that is not the sum of the lines': 'totalCents: 1 is not the sum of the lines (2050)',
  'a status the contract does not know': 'status:',
  'a quantity above the contract limit': 'lines.0.quantity:',
  'an id that is not a UUID': 'id: Invalid UUID',
  'no delivery address': 'deliveryAddress:',
  'a price in fractional cents': 'lines.0.unitPriceCents:',
};

/** The items a mapping made of a row; fails the test on a rejection. */
const itemsOf = (mapped: ReturnType<typeof mapping.map>) => {
  if ('rejected' in mapped) throw new Error(`rejected: ${mapped.rejected}`);
  return mapped.items;
};

let db: Dynalite;
const VALID = 300;

beforeAll(async () => {
  db = await startDynalite();
  const template = Template.fromStack(
    new OrdersStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceOrders-dev', {
      stage: 'dev',
    }),
  ).toJSON();
  const table = tableLogicalIds(template).find((id) => id.startsWith('Table')) as string;
  await createTable(db.client, tableInputFromTemplate(template, table, 'orders'));
  await createTable(db.client, tableInputFromTemplate(template, table, 'orders-by-repository'));
  await createTable(db.client, legacyTable);
  const rows = [
    ...Array.from({ length: VALID }, (_, index) => legacyOrder(index + 1)),
    ...Object.values(invalidRows).map((row) => JSON.parse(JSON.stringify(row)) as Record<string, unknown>),
    { PK: 'STORE#utrecht', SK: 'STORE', entity: 'STORE', storeId: 'utrecht' },
    { PK: 'MENU', SK: 'ITEM#margherita', entity: 'MENU_ITEM', itemId: 'margherita' },
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

describe('the Orders mapping', () => {
  it.each(Object.entries(invalidRows))('rejects a legacy order with %s, saying why', (label, row) => {
    const mapped = mapping.map(JSON.parse(JSON.stringify(row)) as Record<string, unknown>);

    expect(mapped).toEqual({ rejected: expect.stringContaining(why[label as keyof typeof why]) });
  });

  it('stores a migrated order exactly as the Orders repository stores the same order', async () => {
    const [migrated] = itemsOf(mapping.map(legacyOrder(5)));
    const {
      pk: _pk,
      sk: _sk,
      correlationId: _id,
      gsi1pk: _1,
      gsi1sk: _2,
      gsi2pk: _3,
      gsi2sk: _4,
      ...order
    } = migrated ?? {};
    const repository = dynamoOrderRepository(
      db.documentClient,
      'orders-by-repository',
      createCursorCodec('orders-migration-cursor-key'),
    );

    await repository.create(order as Order, migrationCorrelationId);

    const { Item } = await db.documentClient.send(
      new GetCommand({ TableName: 'orders-by-repository', Key: { pk: migrated?.pk, sk: 'ORDER' } }),
    );
    expect(Item).toEqual(migrated);
    expect(order).toMatchObject({
      status: 'CANCELLED',
      lines: [
        { unitPrice: { amount: 900, currency: 'EUR' }, lineTotal: { amount: 1800, currency: 'EUR' } },
        { unitPrice: { amount: 250, currency: 'EUR' }, lineTotal: { amount: 250, currency: 'EUR' } },
      ],
      total: { amount: 2050, currency: 'EUR' },
    });
  });

  it("migrates the monolith's orders so that the service finds them by id, customer and status", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orders-migration-'));
    const reportFile = join(dir, 'report.jsonl');

    const result = await migrate({
      client: db.documentClient,
      mapping,
      sourceTable: 'monolith',
      targetTable: 'orders',
      checkpointFile: join(dir, 'checkpoint.json'),
      reportFile,
    });

    expect(result.counts).toEqual({
      read: VALID + Object.keys(invalidRows).length,
      copied: VALID,
      skipped: 0,
      differing: 0,
      rejected: Object.keys(invalidRows).length,
    });
    const report = (await readFile(reportFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key: unknown });
    expect(report.map((entry) => entry.key)).toEqual(
      expect.arrayContaining(Object.values(invalidRows).map((row) => ({ PK: row.PK, SK: 'ORDER' }))),
    );
    const orders = dynamoOrderRepository(
      db.documentClient,
      'orders',
      createCursorCodec('orders-migration-cursor-key'),
    );
    const seventh = legacyOrder(7);
    expect(await orders.get(seventh.orderId as string)).toMatchObject({
      id: seventh.orderId,
      status: 'PLACED',
    });
    const byCustomer = await orders.listByCustomer('customer-0', { limit: 100 });
    expect(byCustomer.items).toHaveLength(Math.floor(VALID / 7));
    expect(byCustomer.items.map((order) => order.placedAt)).toEqual(
      [...byCustomer.items.map((order) => order.placedAt)].sort().reverse(),
    );
    const cancelled = await orders.listByStatus('CANCELLED', { limit: 100 });
    expect(cancelled.items).toHaveLength(VALID / 5);
  }, 20_000);
});
