/** Menu against a real local database (dynalite) with the tables of the synthesized stack. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createCursorCodec } from '@slice/dynamodb';
import { createEventPublisher, stream, withCausationId } from '@slice/middleware';
import {
  createTable,
  lambdaContext,
  startDynalite,
  tableInputFromTemplate,
  tableLogicalIds,
  type Dynalite,
} from '@slice/testing';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MenuStack } from '../cdk/menu-stack';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoMenuRepository, itemFromImage } from '../src/adapters/dynamodb-menu-repository';
import { menuEvents } from '../src/adapters/menu-events';
import { StaleMenuItem } from '../src/domain/menu-item';
import type { MenuDeps } from '../src/domain/ports';
import {
  batchGetMenuItems,
  createMenuItem,
  listMenu,
  recordMenuChange,
  updateMenuItem,
  withdrawMenuItem,
} from '../src/domain/use-cases';

let db: Dynalite;
let deps: MenuDeps & { published: unknown[] };

beforeAll(async () => {
  db = await startDynalite();
  const template = Template.fromStack(
    new MenuStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceMenu-dev', { stage: 'dev' }),
  ).toJSON();
  const table = tableLogicalIds(template).find((id) => id.startsWith('Table')) as string;
  await createTable(db.client, tableInputFromTemplate(template, table, 'menu'));
  const published: unknown[] = [];
  let clock = Date.UTC(2026, 10, 27, 9, 0, 0);
  deps = {
    menu: dynamoMenuRepository(db.documentClient, 'menu', createCursorCodec('menu-integration-cursor-key')),
    events: { changed: (changes) => Promise.resolve(void published.push(...changes)) },
    now: () => new Date((clock += 1000)),
    newId: () => '0000aaaa-0000-4000-8000-000000000000',
    published,
  };
}, 60_000);

afterAll(() => db.stop());

const add = (id: string, category: 'pizza' | 'drink', amount = 900) =>
  createMenuItem({ id, name: id, description: '', category, price: { amount, currency: 'EUR' } }, deps);

describe('the menu listing', () => {
  it('pages through available items of a category, each exactly once, never from another category', async () => {
    for (let i = 0; i < 23; i++) await add(`pizza-${String(i).padStart(2, '0')}`, 'pizza');
    for (let i = 0; i < 4; i++) await add(`drink-${i}`, 'drink');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMenu({ category: 'pizza', limit: 10, ...(cursor ? { cursor } : {}) }, deps);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expect(seen.every((id) => id.startsWith('pizza-'))).toBe(true);
    expect(seen).toEqual([...seen].sort());
  });

  it('drops a withdrawn item from the listing, keeps it readable, and records it once', async () => {
    await add('calzone', 'pizza');
    const withdrawn = await withdrawMenuItem('calzone', deps);
    expect(withdrawn).toMatchObject({ available: false, version: 2 });
    const again = await withdrawMenuItem('calzone', deps);
    expect(again.version).toBe(2);
    const all = await listMenu({ category: 'pizza', limit: 100 }, deps);
    expect(all.items.map((item) => item.id)).not.toContain('calzone');
    expect(await deps.menu.get('calzone')).toMatchObject({ available: false });
  });

  it('rejects a cursor from another listing', async () => {
    const page = await listMenu({ category: 'pizza', limit: 2 }, deps);
    await expect(
      listMenu({ category: 'drink', limit: 2, cursor: page.nextCursor }, deps),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe('many items in one call', () => {
  it('answers the items found in the order asked, withdrawn ones too, and the ids that name none', async () => {
    const ids: string[] = [];
    for (const name of ['Batch one', 'Batch two', 'Batch three']) {
      const item = {
        name,
        description: '',
        category: 'side' as const,
        price: { amount: 100, currency: 'EUR' },
      };
      ids.push((await createMenuItem(item, deps)).id);
    }
    const [one = '', two = '', three = ''] = ids;
    await withdrawMenuItem(two, deps);

    const answer = await batchGetMenuItems([three, 'no-such-item', two, one], deps);

    expect(answer.items.map((item) => [item.id, item.available])).toEqual([
      [three, true],
      [two, false],
      [one, true],
    ]);
    expect(answer.missing).toEqual(['no-such-item']);
  });
});

describe('writes retried by the SDK', () => {
  it('take a put that already committed as success, and a different item with the id as a conflict', async () => {
    const item = await add('retry-test', 'pizza');
    await expect(deps.menu.create(item)).resolves.toBeUndefined();
    await expect(deps.menu.create({ ...item, name: 'Someone else' })).rejects.toMatchObject({ status: 409 });
  });

  it('take an update that already committed as success, and a stale one as a conflict', async () => {
    const v1 = await add('retry-update', 'pizza');
    const v2 = { ...v1, description: 'New', version: 2, updatedAt: new Date().toISOString() };
    await deps.menu.replace(v2, 1);
    await expect(deps.menu.replace(v2, 1)).resolves.toBeUndefined();
    await expect(deps.menu.replace({ ...v2, description: 'Other' }, 1)).rejects.toBeInstanceOf(StaleMenuItem);
  });
});

describe('optimistic locking', () => {
  it('lets exactly one of two writers of the same version win; the other gets 409', async () => {
    const item = await add('lock-test', 'pizza');
    const change = (amount: number) =>
      updateMenuItem(
        item.id,
        {
          name: item.name,
          description: 'x',
          category: 'pizza',
          price: { amount, currency: 'EUR' },
          available: true,
          version: 1,
        },
        deps,
      );
    const results = await Promise.allSettled([change(1000), change(1100)]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = results.filter((result) => result.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(StaleMenuItem);
    const stored = await deps.menu.get(item.id);
    expect(stored?.version).toBe(2);
    const winner = results.find((result) => result.status === 'fulfilled');
    expect(stored?.price.amount).toBe(winner?.status === 'fulfilled' ? winner.value.price.amount : -1);
  });
});

describe('history', () => {
  it('keeps each version once, however often the stream delivers it', async () => {
    const v1 = await add('history-test', 'pizza');
    const v2 = await updateMenuItem(v1.id, { ...v1, description: 'New', version: 1 }, deps);
    await recordMenuChange(undefined, v1, deps);
    await recordMenuChange(v1, v2, deps);
    await recordMenuChange(v1, v2, deps);
    const { Items } = await db.documentClient.send(
      new QueryCommand({
        TableName: 'menu',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': 'ITEM#history-test', ':v': 'VERSION#' },
      }),
    );
    expect(Items?.map((row) => row.version as number)).toEqual([1, 2]);
    expect(deps.published.slice(-3)).toEqual([
      { change: 'ADDED', item: v1 },
      { change: 'CHANGED', item: v2 },
      { change: 'CHANGED', item: v2 },
    ]);
  });
});

describe('the outbox (table stream → bus)', () => {
  const bus = mockClient(EventBridgeClient);
  afterAll(() => bus.restore());

  it('names the request that wrote an item as the cause of its MenuItemChanged; a write with none clears it', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const rowOf = async () =>
      (
        await db.documentClient.send(
          new GetCommand({ TableName: 'menu', Key: { pk: 'ITEM#outbox-test', sk: 'ITEM' } }),
        )
      ).Item ?? {};
    const v1 = await withCausationId('request-add-1', () => add('outbox-test', 'pizza'));
    const added = await rowOf();
    await withCausationId('request-update-1', () =>
      updateMenuItem(v1.id, { ...v1, description: 'New', version: 1 }, deps),
    );
    const updated = await rowOf();
    await updateMenuItem(v1.id, { ...v1, description: 'Newer', version: 2 }, deps);

    const events = menuEvents(
      createEventPublisher({ busName: 'slice-test', client: new EventBridgeClient({}) }),
    );
    const outbox = stream(async ({ oldImage, newImage }) => {
      const after = itemFromImage(newImage);
      if (after) await recordMenuChange(itemFromImage(oldImage), after, { ...deps, events });
    });
    const record = (
      n: number,
      oldImage: Record<string, unknown> | undefined,
      newImage: Record<string, unknown>,
    ) => ({
      eventID: `stream-${n}`,
      eventName: oldImage ? ('MODIFY' as const) : ('INSERT' as const),
      dynamodb: {
        Keys: marshall({ pk: newImage.pk, sk: newImage.sk }) as never,
        ...(oldImage ? { OldImage: marshall(oldImage) as never } : {}),
        NewImage: marshall(newImage) as never,
        SequenceNumber: `${n}00`,
      },
    });
    await outbox({ Records: [record(1, undefined, added), record(2, added, updated)] }, lambdaContext());

    const causes = bus
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => (JSON.parse(entry.Detail ?? '{}') as { causationId?: string }).causationId);
    expect(causes).toEqual(['request-add-1', 'request-update-1']);
    expect((await rowOf()).causationId).toBeUndefined();
  });
});
