/**
 * The Menu mapping against a real local database (dynalite): the monolith's `MENU` partition, the
 * Menu table from the synthesized stack, and the Menu repository reading the migrated items back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MenuItem } from '@slice/contracts-menu';
import { createCursorCodec } from '@slice/dynamodb';
import { migrate, type Mapped } from '@slice/migration';
import {
  createTable,
  startDynalite,
  tableInputFromTemplate,
  tableLogicalIds,
  type Dynalite,
} from '@slice/testing';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MenuStack } from '../cdk/menu-stack';
import { dynamoMenuRepository } from '../src/adapters/dynamodb-menu-repository';
import { mapping } from './index';

const categories = ['pizza', 'side', 'drink', 'dessert'];

/** A valid legacy MENU_ITEM row; every third one is withdrawn. */
const legacyItem = (n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  PK: 'MENU',
  SK: `ITEM#item-${n}`,
  GSI1PK: `CATEGORY#${categories[n % 4] ?? 'pizza'}`,
  GSI1SK: `item-${n}`,
  entity: 'MENU_ITEM',
  itemId: `item-${n}`,
  name: `Item ${n}`,
  description: `The ${n}th item.`,
  category: categories[n % 4],
  priceCents: 500 + n,
  currency: 'EUR',
  available: n % 3 !== 0,
  version: (n % 4) + 1,
  updatedAt: '2026-11-01T09:00:00.000Z',
  ...overrides,
});

const invalidRows = {
  'a category the contract does not know': legacyItem(901, { category: 'calzone' }),
  'a negative price': legacyItem(902, { priceCents: -100 }),
  'a currency that is not ISO 4217': legacyItem(903, { currency: 'euro' }),
  'an id that is not a slug': legacyItem(904, { itemId: 'Item 904', SK: 'ITEM#Item 904' }),
  'a sort key that names another item': legacyItem(905, { SK: 'ITEM#item-950' }),
};

/** What each invalid row's reason names. */
const why: Record<keyof typeof invalidRows, string> = {
  'a category the contract does not know': 'category:',
  'a negative price': 'price.amount:',
  'a currency that is not ISO 4217': 'price.currency:',
  'an id that is not a slug': 'id:',
  'a sort key that names another item': 'SK: ITEM#item-950 does not name the item item-905',
};

const itemsOf = (mapped: Mapped) => {
  if ('rejected' in mapped) throw new Error(`rejected: ${mapped.rejected}`);
  return mapped.items;
};

let db: Dynalite;
const VALID = 120;

beforeAll(async () => {
  db = await startDynalite();
  const template = Template.fromStack(
    new MenuStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceMenu-dev', { stage: 'dev' }),
  ).toJSON();
  const table = tableLogicalIds(template).find((id) => id.startsWith('Table')) as string;
  await createTable(db.client, tableInputFromTemplate(template, table, 'menu'));
  await createTable(db.client, tableInputFromTemplate(template, table, 'menu-by-repository'));
  await createTable(db.client, {
    TableName: 'monolith',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
    ],
  });
  const rows = [
    ...Array.from({ length: VALID }, (_, index) => legacyItem(index + 1)),
    ...Object.values(invalidRows),
    { PK: 'STORE#utrecht', SK: 'STORE', entity: 'STORE', storeId: 'utrecht' },
  ];
  for (let start = 0; start < rows.length; start += 25) {
    await db.documentClient.send(
      new BatchWriteCommand({
        RequestItems: { monolith: rows.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}, 30_000);
afterAll(() => db.stop());

describe('the Menu mapping', () => {
  it.each(Object.entries(invalidRows))('rejects a legacy item with %s, saying why', (label, row) => {
    expect(mapping.map(row)).toEqual({ rejected: expect.stringContaining(why[label as keyof typeof why]) });
  });

  it('stores a migrated item exactly as the Menu repository stores the same item', async () => {
    const [migrated] = itemsOf(mapping.map(legacyItem(7)));
    const { pk: _pk, sk: _sk, gsi1pk: _1, gsi1sk: _2, ...item } = migrated ?? {};
    const repository = dynamoMenuRepository(
      db.documentClient,
      'menu-by-repository',
      createCursorCodec('menu-migration-cursor-key'),
    );

    await repository.create(item as MenuItem);

    const { Item } = await db.documentClient.send(
      new GetCommand({ TableName: 'menu-by-repository', Key: { pk: 'ITEM#item-7', sk: 'ITEM' } }),
    );
    expect(Item).toEqual(migrated);
    expect(item).toMatchObject({ price: { amount: 507, currency: 'EUR' }, version: 4 });
  });

  it("migrates the monolith's menu so that the service lists the available items and reads withdrawn ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'menu-migration-'));

    const result = await migrate({
      client: db.documentClient,
      mapping,
      sourceTable: 'monolith',
      targetTable: 'menu',
      checkpointFile: join(dir, 'checkpoint.json'),
      reportFile: join(dir, 'report.jsonl'),
      pageSize: 50,
    });

    expect(result.counts).toEqual({
      read: VALID + Object.keys(invalidRows).length,
      copied: VALID,
      skipped: 0,
      differing: 0,
      rejected: Object.keys(invalidRows).length,
    });
    const menu = dynamoMenuRepository(
      db.documentClient,
      'menu',
      createCursorCodec('menu-migration-cursor-key'),
    );
    const drinks = await menu.listAvailable({ category: 'drink', limit: 100 });
    const availableDrinks = Array.from({ length: VALID }, (_, index) => index + 1).filter(
      (n) => n % 4 === 2 && n % 3 !== 0,
    );
    expect(drinks.items.map((item) => item.id).sort()).toEqual(
      availableDrinks.map((n) => `item-${n}`).sort(),
    );
    expect(await menu.get('item-3')).toMatchObject({
      available: false,
      price: { amount: 503, currency: 'EUR' },
    });
  }, 20_000);
});
