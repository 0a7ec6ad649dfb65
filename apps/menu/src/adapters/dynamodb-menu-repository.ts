import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '@slice/contract';
import { MenuItem } from '@slice/contracts-menu';
import {
  batchGet,
  key,
  keyPrefix,
  mapErrors,
  putNew,
  queryPage,
  updateVersioned,
  type CursorCodecSource,
} from '@slice/dynamodb';
import { currentCausationId } from '@slice/middleware';
import { MenuItemExists, StaleMenuItem } from '../domain/menu-item';
import type { ItemPage, MenuRepository } from '../domain/ports';

/**
 * The menu table's key design (see the README):
 *
 * | item | pk | sk | gsi1pk | gsi1sk |
 * |---|---|---|---|---|
 * | an item, as it is now | `ITEM#<id>` | `ITEM` | `MENU` while available | `<category>#<name>#<id>` |
 * | a past version | `ITEM#<id>` | `VERSION#<000001>` | | |
 */
export const menuKeys = {
  item: (id: string) => ({ pk: key('ITEM', id), sk: 'ITEM' }),
  version: (id: string, version: number) => ({
    pk: key('ITEM', id),
    sk: key('VERSION', String(version).padStart(6, '0')),
  }),
  availableIndex: 'gsi1',
  available: 'MENU',
  listing: (item: MenuItem) => `${item.category}#${item.name.toLowerCase().replaceAll('#', ' ')}#${item.id}`,
};

/** The fields of a stored item a replace may change; keys and `version` are not among them. */
const replaceable = [
  'name',
  'description',
  'category',
  'price',
  'available',
  'updatedAt',
  'gsi1pk',
  'gsi1sk',
  'causationId',
] as const;

const listingOf = (item: MenuItem) =>
  item.available ? { gsi1pk: menuKeys.available, gsi1sk: menuKeys.listing(item) } : {};

/**
 * The stored row of an item as it is now: its keys, the item, and its place in the menu index
 * while available. Pure, so the migration from the monolith writes exactly what `create` writes.
 */
export const menuItemRow = (item: MenuItem): Record<string, unknown> => ({
  ...menuKeys.item(item.id),
  ...item,
  ...listingOf(item),
});

/** Reads an item back out of a stored row: only the contract's fields, checked. */
const itemOf = (row: Record<string, unknown>): MenuItem =>
  MenuItem.parse({
    id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    price: row.price,
    available: row.available,
    version: row.version,
    updatedAt: row.updatedAt,
  });

/**
 * The Menu's DynamoDB repository: one table, queries only (the available-items index for the
 * menu), versioned replaces, history rows written once.
 *
 * @example
 * ```ts
 * const menu = dynamoMenuRepository(createDocumentClient(), config.tableName, secretCursorCodec(config.cursorSigningKeySecret));
 * ```
 */
export function dynamoMenuRepository(
  client: DynamoDBDocumentClient,
  tableName: string,
  cursors: CursorCodecSource,
): MenuRepository {
  const table: MenuTable = { client, tableName, cursors };
  return {
    get: (itemId) => getItem(table, itemId),
    getMany: (itemIds) => getItems(table, itemIds),
    create: (item) => createItem(table, item),
    replace: (item, readVersion) => replaceItem(table, item, readVersion),
    listAvailable: (query) => listAvailable(table, query),
    keepVersion: (item) => keepVersion(table, item),
  };
}

/** The table each step of the repository reads and writes, and the codec of its cursors. */
interface MenuTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly cursors: CursorCodecSource;
}

async function getItem({ client, tableName }: MenuTable, itemId: string): Promise<MenuItem | undefined> {
  const { Item } = await mapErrors(() =>
    client.send(new GetCommand({ TableName: tableName, Key: menuKeys.item(itemId), ConsistentRead: true })),
  );
  return Item ? itemOf(Item) : undefined;
}

async function getItems({ client, tableName }: MenuTable, itemIds: readonly string[]): Promise<MenuItem[]> {
  const keys = itemIds.map((itemId) => menuKeys.item(itemId));
  return (await batchGet(client, { TableName: tableName, Keys: keys, ConsistentRead: true })).map(itemOf);
}

async function createItem(table: MenuTable, item: MenuItem): Promise<void> {
  try {
    await putNew(table.client, {
      TableName: table.tableName,
      // The request being handled is the cause the stream's MenuItemChanged carries.
      Item: { ...menuItemRow(item), causationId: currentCausationId() },
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // An SDK retry of a put that already committed finds its own item: that is success.
    if (isSameItem(await getItem(table, item.id), item)) return;
    throw new MenuItemExists(item.id);
  }
}

async function replaceItem(table: MenuTable, item: MenuItem, readVersion: number): Promise<void> {
  const listing = listingOf(item);
  const causationId = currentCausationId();
  try {
    await updateVersioned(table.client, {
      TableName: table.tableName,
      Key: menuKeys.item(item.id),
      expectedVersion: readVersion,
      changes: {
        name: item.name,
        description: item.description,
        category: item.category,
        price: item.price,
        available: item.available,
        updatedAt: item.updatedAt,
        ...listing,
        ...(causationId ? { causationId } : {}),
      },
      allowed: replaceable,
      remove: [...(item.available ? [] : ['gsi1pk', 'gsi1sk']), ...(causationId ? [] : ['causationId'])],
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // An SDK retry of an update that already committed finds its own version: success.
    if (isSameItem(await getItem(table, item.id), item)) return;
    throw new StaleMenuItem(item.id, readVersion);
  }
}

async function listAvailable(
  { client, tableName, cursors }: MenuTable,
  { category, limit, cursor }: Parameters<MenuRepository['listAvailable']>[0],
): Promise<ItemPage> {
  const page = await queryPage(
    client,
    {
      TableName: tableName,
      IndexName: menuKeys.availableIndex,
      KeyConditionExpression: category
        ? 'gsi1pk = :menu AND begins_with(gsi1sk, :category)'
        : 'gsi1pk = :menu',
      ExpressionAttributeValues: {
        ':menu': menuKeys.available,
        ...(category ? { ':category': keyPrefix(category) } : {}),
      },
    },
    {
      limit,
      cursor,
      codec: cursors,
      scope: `menu:available:${category ?? 'all'}`,
      keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    },
  );
  return { items: page.items.map(itemOf), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

async function keepVersion({ client, tableName }: MenuTable, item: MenuItem): Promise<void> {
  try {
    await mapErrors(() =>
      client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...menuKeys.version(item.id, item.version), ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  } catch (error) {
    // Already kept by an earlier delivery of the same change.
    if (!(error instanceof ConflictError)) throw error;
  }
}

const isSameItem = (stored: MenuItem | undefined, written: MenuItem): boolean =>
  stored !== undefined && JSON.stringify(stored) === JSON.stringify(MenuItem.parse(written));

/** Reads a menu item out of a table stream image; `undefined` for rows that are not items. */
export function itemFromImage(image: Record<string, unknown> | undefined): MenuItem | undefined {
  return image && image.sk === 'ITEM' ? itemOf(image) : undefined;
}
