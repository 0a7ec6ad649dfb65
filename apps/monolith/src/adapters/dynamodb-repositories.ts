import {
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '@slice/contract';
import type { MenuItem } from '@slice/contracts-menu';
import type { Store } from '@slice/contracts-monolith';
import type { Order, OrderStatus } from '@slice/contracts-orders';
import { mapErrors, putNew, queryPage, updateVersioned, type CursorCodecSource } from '@slice/dynamodb';
import { MenuItemExists, StaleMenuItem } from '../domain/errors';
import type { MenuRepository, OrderRepository, Page, PageQuery, StoreRepository } from '../domain/ports';
import {
  keyAttributesOf,
  legacyKeys,
  menuItemOf,
  menuItemRow,
  orderOf,
  orderRow,
  storeOf,
  storeRow,
} from './legacy-table';

type Row = Record<string, unknown>;

/** Reads one page of a query with a signed cursor bound to `scope`, mapping each row. */
async function pageOf<T>(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  index: 'GSI1' | 'GSI2' | undefined,
  scope: string,
  { limit, cursor }: PageQuery,
  cursors: CursorCodecSource,
  map: (row: Row) => T,
): Promise<Page<T>> {
  const result = await queryPage(client, input, {
    limit,
    cursor,
    codec: cursors,
    scope,
    keyAttributes: keyAttributesOf(index),
  });
  return { items: result.items.map(map), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
}

/** The consistent read of one row. */
async function getRow(client: DynamoDBDocumentClient, tableName: string, Key: Row): Promise<Row | undefined> {
  const { Item } = await mapErrors(() =>
    client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true })),
  );
  return Item;
}

/**
 * Menu items in the monolith's table: `PK = MENU`, one row per item (no history: the legacy menu
 * kept only the current version), versioned replaces, listings by query, never a scan.
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
  const sameItem = async (item: MenuItem) => {
    const row = await getRow(client, tableName, legacyKeys.menuItem(item.id));
    return row !== undefined && JSON.stringify(menuItemOf(row)) === JSON.stringify(item);
  };
  return {
    async get(itemId) {
      const row = await getRow(client, tableName, legacyKeys.menuItem(itemId));
      return row ? menuItemOf(row) : undefined;
    },

    async create(item) {
      try {
        await putNew(client, { TableName: tableName, Item: menuItemRow(item), partitionKey: 'PK' });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // An SDK retry of a put that already committed finds its own item: that is success.
        if (await sameItem(item)) return;
        throw new MenuItemExists(item.id);
      }
    },

    async replace(item, readVersion) {
      const {
        PK: _pk,
        SK: _sk,
        version: _version,
        entity: _entity,
        itemId: _itemId,
        ...changes
      } = menuItemRow(item);
      try {
        await updateVersioned(client, {
          TableName: tableName,
          Key: legacyKeys.menuItem(item.id),
          partitionKey: 'PK',
          expectedVersion: readVersion,
          changes,
          allowed: Object.keys(changes),
        });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        if (await sameItem(item)) return;
        throw new StaleMenuItem(item.id, readVersion);
      }
    },

    listAvailable: ({ category, ...page }) =>
      pageOf(
        client,
        category
          ? {
              TableName: tableName,
              IndexName: 'GSI1',
              KeyConditionExpression: 'GSI1PK = :category',
              FilterExpression: 'available = :true',
              ExpressionAttributeValues: { ':category': legacyKeys.category(category), ':true': true },
            }
          : {
              TableName: tableName,
              KeyConditionExpression: 'PK = :menu AND begins_with(SK, :item)',
              FilterExpression: 'available = :true',
              ExpressionAttributeValues: {
                ':menu': 'MENU',
                ':item': legacyKeys.menuItemPrefix,
                ':true': true,
              },
            },
        category ? 'GSI1' : undefined,
        `monolith:menu:${category ?? 'all'}`,
        page,
        cursors,
        menuItemOf,
      ),
  };
}

/**
 * Orders in the monolith's table: by id, by customer (`GSI1`) and by status (`GSI2`, which the
 * daily sales read too); a cancel is one conditional write.
 *
 * @example
 * ```ts
 * const orders = dynamoOrderRepository(createDocumentClient(), config.tableName, secretCursorCodec(config.cursorSigningKeySecret));
 * ```
 */
export function dynamoOrderRepository(
  client: DynamoDBDocumentClient,
  tableName: string,
  cursors: CursorCodecSource,
): OrderRepository {
  const table: LegacyTable = { client, tableName, cursors };
  return {
    create: (order) => createOrder(table, order),
    get: (orderId) => getOrder(table, orderId),
    listByCustomer: (customerId, page) => ordersByCustomer(table, customerId, page),
    listByStatus: (status, page) => ordersByStatus(table, status, page),
    placedOn: (date) => ordersPlacedOn(table, date),
    cancel: (orderId, customerId, at) => cancelOrder(table, orderId, customerId, at),
  };
}

/** The monolith's table, as each step of a repository reads and writes it, and the codec of its cursors. */
interface LegacyTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly cursors: CursorCodecSource;
}

async function createOrder({ client, tableName }: LegacyTable, order: Order): Promise<void> {
  try {
    await putNew(client, { TableName: tableName, Item: orderRow(order, 1), partitionKey: 'PK' });
  } catch (error) {
    // Ids are fresh UUIDs: a failed condition means this very put already committed (an SDK retry).
    if (!(error instanceof ConflictError)) throw error;
  }
}

async function getOrder({ client, tableName }: LegacyTable, orderId: string): Promise<Order | undefined> {
  const row = await getRow(client, tableName, legacyKeys.order(orderId));
  return row ? orderOf(row) : undefined;
}

/** The query of one partition of an order index, newest first or oldest first. */
const byIndex = (
  tableName: string,
  index: 'GSI1' | 'GSI2',
  partition: string,
  newestFirst: boolean,
): QueryCommandInput => ({
  TableName: tableName,
  IndexName: index,
  KeyConditionExpression: `${index}PK = :partition`,
  ExpressionAttributeValues: { ':partition': partition },
  ScanIndexForward: !newestFirst,
});

function ordersByCustomer(
  { client, tableName, cursors }: LegacyTable,
  customerId: string,
  page: PageQuery,
): Promise<Page<Order>> {
  return pageOf(
    client,
    byIndex(tableName, 'GSI1', legacyKeys.customer(customerId), true),
    'GSI1',
    `monolith:orders:customer:${customerId}`,
    page,
    cursors,
    orderOf,
  );
}

function ordersByStatus(
  { client, tableName, cursors }: LegacyTable,
  status: OrderStatus,
  page: PageQuery,
): Promise<Page<Order>> {
  return pageOf(
    client,
    byIndex(tableName, 'GSI2', legacyKeys.status(status), true),
    'GSI2',
    `monolith:orders:status:${status}`,
    page,
    cursors,
    orderOf,
  );
}

/** Every order still PLACED on a UTC day, page after page of the status index. */
async function ordersPlacedOn({ client, tableName }: LegacyTable, date: string): Promise<Order[]> {
  const orders = [];
  let startKey: Row | undefined;
  do {
    const input: QueryCommandInput = {
      TableName: tableName,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :placed AND begins_with(GSI2SK, :day)',
      ExpressionAttributeValues: { ':placed': legacyKeys.status('PLACED'), ':day': `${date}T` },
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
    const output = await mapErrors(() => client.send(new QueryCommand(input)));
    orders.push(...(output.Items ?? []).map(orderOf));
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return orders;
}

async function cancelOrder(
  { client, tableName }: LegacyTable,
  orderId: string,
  customerId: string,
  at: string,
): Promise<Order | undefined> {
  try {
    const { Attributes } = await mapErrors(() =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: legacyKeys.order(orderId),
          ConditionExpression: 'attribute_exists(PK) AND customerId = :customer AND #status = :placed',
          UpdateExpression:
            'SET #status = :cancelled, cancelledAt = :at, GSI2PK = :statusKey, #version = #version + :one',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: {
            ':customer': customerId,
            ':placed': 'PLACED',
            ':cancelled': 'CANCELLED',
            ':at': at,
            ':statusKey': legacyKeys.status('CANCELLED'),
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return Attributes ? orderOf(Attributes) : undefined;
  } catch (error) {
    if (error instanceof ConflictError) return undefined;
    throw error;
  }
}

/**
 * Stores in the monolith's table: one row each, listed through `GSI1` (`STORES`).
 *
 * @example
 * ```ts
 * const stores = dynamoStoreRepository(createDocumentClient(), config.tableName, secretCursorCodec(config.cursorSigningKeySecret));
 * ```
 */
export function dynamoStoreRepository(
  client: DynamoDBDocumentClient,
  tableName: string,
  cursors: CursorCodecSource,
): StoreRepository {
  return {
    async get(storeId) {
      const row = await getRow(client, tableName, legacyKeys.store(storeId));
      return row ? storeOf(row) : undefined;
    },

    list: (page) =>
      pageOf(
        client,
        {
          TableName: tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :stores',
          ExpressionAttributeValues: { ':stores': legacyKeys.stores },
        },
        'GSI1',
        'monolith:stores',
        page,
        cursors,
        storeOf,
      ),

    async put(store: Store) {
      // Only the store's own fields are set, by name: nothing a caller sends can reach a key.
      const { PK: _pk, SK: _sk, ...fields } = storeRow(store);
      const names = Object.keys(fields);
      const { Attributes } = await mapErrors(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: legacyKeys.store(store.id),
            UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}, #version = if_not_exists(#version, :zero) + :one`,
            ExpressionAttributeNames: {
              ...Object.fromEntries(names.map((name, i) => [`#f${i}`, name])),
              '#version': 'version',
            },
            ExpressionAttributeValues: {
              ...Object.fromEntries(names.map((name, i) => [`:f${i}`, fields[name]])),
              ':zero': 0,
              ':one': 1,
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return storeOf(Attributes ?? {});
    },
  };
}
