/** The monolith's use-cases against a real local database (dynalite) with the table of the synthesized stack. */
import { createCursorCodec } from '@slice/dynamodb';
import {
  createTable,
  startDynalite,
  tableInputFromTemplate,
  tableLogicalIds,
  type Dynalite,
} from '@slice/testing';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { MonolithStack } from '../cdk/monolith-stack';
import {
  dynamoMenuRepository,
  dynamoOrderRepository,
  dynamoStoreRepository,
} from '../src/adapters/dynamodb-repositories';
import { StaleMenuItem } from '../src/domain/errors';
import { getDailySales } from '../src/domain/reports';
import { createMenuItem, listMenu, updateMenuItem, withdrawMenuItem } from '../src/domain/menu';
import { cancelOrder, getOrder, listOrders, placeOrder } from '../src/domain/orders';
import type { MonolithDeps } from '../src/domain/ports';
import { getStore, listStores, putStore } from '../src/domain/stores';

let db: Dynalite;
let deps: MonolithDeps;
let clock = Date.UTC(2026, 10, 27, 9, 0, 0);
let ids = 0;

beforeAll(async () => {
  db = await startDynalite();
  const template = Template.fromStack(
    new MonolithStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceMonolith-dev', {
      stage: 'dev',
    }),
  ).toJSON();
  const table = tableLogicalIds(template).find((id) => id.startsWith('Data')) as string;
  await createTable(db.client, tableInputFromTemplate(template, table, 'monolith'));
  const cursors = createCursorCodec('monolith-integration-cursor-key');
  deps = {
    menu: dynamoMenuRepository(db.documentClient, 'monolith', cursors),
    orders: dynamoOrderRepository(db.documentClient, 'monolith', cursors),
    stores: dynamoStoreRepository(db.documentClient, 'monolith', cursors),
    now: () => new Date((clock += 60_000)),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
}, 60_000);

afterAll(() => db.stop());

const alice = { id: 'alice', isStaff: false };
const bob = { id: 'bob', isStaff: false };
const address = { name: 'Alice', line1: '1 Oven Street', city: 'Utrecht', postcode: '3511AA', country: 'NL' };
const add = (id: string, category: 'pizza' | 'drink', amount: number) =>
  createMenuItem({ id, name: id, description: '', category, price: { amount, currency: 'EUR' } }, deps);

describe('the menu in the single table', () => {
  it('stores legacy rows (cents, entity, category index) and reads them back in the Menu contract', async () => {
    await add('margherita', 'pizza', 900);
    const { Item } = await db.documentClient.send(
      new GetCommand({ TableName: 'monolith', Key: { PK: 'MENU', SK: 'ITEM#margherita' } }),
    );
    expect(Item).toMatchObject({
      entity: 'MENU_ITEM',
      GSI1PK: 'CATEGORY#pizza',
      GSI1SK: 'margherita',
      priceCents: 900,
      currency: 'EUR',
      version: 1,
    });
    expect(await deps.menu.get('margherita')).toMatchObject({ price: { amount: 900, currency: 'EUR' } });
  });

  it('pages through the available items of a category, without withdrawn ones or other categories', async () => {
    for (let i = 0; i < 7; i++) await add(`pizza-${i}`, 'pizza', 1000 + i);
    await add('cola', 'drink', 300);
    await withdrawMenuItem('pizza-3', deps);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMenu({ category: 'pizza', limit: 3, ...(cursor ? { cursor } : {}) }, deps);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['margherita', 'pizza-0', 'pizza-1', 'pizza-2', 'pizza-4', 'pizza-5', 'pizza-6']);
  });

  it('lets one of two writers of the same version win; the other gets a 409', async () => {
    const item = await add('calzone', 'pizza', 1200);
    const update = { ...item, description: 'Folded.', version: 1 };
    const results = await Promise.allSettled([
      updateMenuItem('calzone', { ...update, name: 'Calzone A' }, deps),
      updateMenuItem('calzone', { ...update, name: 'Calzone B' }, deps),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const [failed] = results.filter((result) => result.status === 'rejected');
    expect(failed?.reason).toBeInstanceOf(StaleMenuItem);
    expect((await deps.menu.get('calzone'))?.version).toBe(2);
  });
});

describe('orders in the single table', () => {
  it('prices an order from its own menu rows and keeps it from other customers', async () => {
    const order = await placeOrder(
      { items: [{ itemId: 'margherita', quantity: 2 }], deliveryAddress: address },
      alice,
      deps,
    );
    expect(order.total).toEqual({ amount: 1800, currency: 'EUR' });
    expect(await getOrder(order.id, alice, deps)).toEqual(order);
    await expect(getOrder(order.id, bob, deps)).rejects.toMatchObject({ status: 404 });
    expect((await listOrders({ limit: 10 }, alice, deps)).items.map((o) => o.id)).toContain(order.id);
    expect((await listOrders({ limit: 10 }, bob, deps)).items).toEqual([]);
  });

  it('refuses an item that is withdrawn, naming its position', async () => {
    await expect(
      placeOrder(
        {
          items: [
            { itemId: 'margherita', quantity: 1 },
            { itemId: 'pizza-3', quantity: 1 },
          ],
          deliveryAddress: address,
        },
        alice,
        deps,
      ),
    ).rejects.toMatchObject({ status: 422, errors: [{ path: 'body.items.1.itemId' }] });
  });

  it('cancels once: the owner gets the cancelled order again on a retry, anyone else a 404', async () => {
    const order = await placeOrder(
      { items: [{ itemId: 'cola', quantity: 1 }], deliveryAddress: address },
      alice,
      deps,
    );
    await expect(cancelOrder(order.id, bob, deps)).rejects.toMatchObject({ status: 404 });
    const cancelled = await cancelOrder(order.id, alice, deps);
    expect(cancelled.status).toBe('CANCELLED');
    expect(await cancelOrder(order.id, alice, deps)).toEqual(cancelled);
  });

  it('adds up the day of sales from the placed orders of that day only', async () => {
    await placeOrder(
      {
        items: [
          { itemId: 'margherita', quantity: 1 },
          { itemId: 'cola', quantity: 3 },
        ],
        deliveryAddress: address,
      },
      bob,
      deps,
    );
    expect(await getDailySales('2026-11-27', deps)).toEqual({
      date: '2026-11-27',
      orderCount: 2,
      revenue: [{ amount: 1800 + 900 + 900, currency: 'EUR' }],
      itemsSold: [
        { itemId: 'margherita', name: 'margherita', quantity: 3 },
        { itemId: 'cola', name: 'cola', quantity: 3 },
      ].sort((a, b) => b.quantity - a.quantity || a.itemId.localeCompare(b.itemId)),
    });
    expect(await getDailySales('2026-11-26', deps)).toMatchObject({
      orderCount: 0,
      revenue: [],
      itemsSold: [],
    });
  });
});

describe('stores in the single table', () => {
  const details = {
    name: 'Slice Utrecht',
    address: { line1: 'Oudegracht 1', city: 'Utrecht', postcode: '3511AA', country: 'NL' },
    phone: '+31 30 123 4567',
    openingHours: { monday: { opens: '16:00', closes: '22:00' } },
    timeZone: 'Europe/Amsterdam',
  };

  it('adds a store once however often it is put, and lists stores by id', async () => {
    await putStore('utrecht-centrum', details, deps);
    await putStore('utrecht-centrum', details, deps);
    await putStore('amsterdam-west', { ...details, name: 'Slice Amsterdam' }, deps);
    expect(await getStore('utrecht-centrum', deps)).toEqual({ id: 'utrecht-centrum', ...details });
    const first = await listStores({ limit: 1 }, deps);
    expect(first.items.map((store) => store.id)).toEqual(['amsterdam-west']);
    const second = await listStores({ limit: 5, cursor: first.nextCursor }, deps);
    expect(second.items.map((store) => store.id)).toEqual(['utrecht-centrum']);
    await expect(getStore('no-such-store', deps)).rejects.toMatchObject({ status: 404 });
  });
});
