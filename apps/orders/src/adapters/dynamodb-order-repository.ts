import {
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '@slice/contract';
import { Order, type OrderStatus } from '@slice/contracts-orders';
import { key, mapErrors, putNew, queryPage, type CursorCodecSource } from '@slice/dynamodb';
import { currentCausationId } from '@slice/middleware';
import type { OrderPage, OrderRepository, PageQuery } from '../domain/ports';

/**
 * The orders table's key design (see the README):
 *
 * | pk | sk | gsi1pk (by customer) | gsi1sk | gsi2pk (by status, staff) | gsi2sk |
 * |---|---|---|---|---|---|
 * | `ORDER#<id>` | `ORDER` | `CUSTOMER#<customerId>` | `<placedAt>#<id>` | `STATUS#<status>` | `<placedAt>#<id>` |
 */
export const orderKeys = {
  order: (id: string) => ({ pk: key('ORDER', id), sk: 'ORDER' }),
  byCustomer: { index: 'gsi1', pk: (customerId: string) => key('CUSTOMER', customerId) },
  byStatus: { index: 'gsi2', pk: (status: OrderStatus) => key('STATUS', status) },
  newestFirst: (order: Pick<Order, 'placedAt' | 'id'>) => `${order.placedAt}#${order.id}`,
};

/**
 * The stored row of an order: its keys, the order, the correlation id its events carry and its
 * index keys. Pure, so the migration from the monolith writes exactly what `create` writes.
 */
export const orderRow = (order: Order, correlationId: string): Record<string, unknown> => ({
  ...orderKeys.order(order.id),
  ...order,
  correlationId,
  gsi1pk: orderKeys.byCustomer.pk(order.customerId),
  gsi1sk: orderKeys.newestFirst(order),
  gsi2pk: orderKeys.byStatus.pk(order.status),
  gsi2sk: orderKeys.newestFirst(order),
});

/**
 * What a write sets besides the order: the correlation id and the causation id of the request or
 * event being handled, which the outbox's events carry; a write with no cause removes the old one.
 */
const traced = (set: string, correlationId: string) => {
  const causationId = currentCausationId();
  return {
    UpdateExpression: causationId
      ? `${set}, correlationId = :correlationId, causationId = :causationId`
      : `${set}, correlationId = :correlationId REMOVE causationId`,
    values: { ':correlationId': correlationId, ...(causationId ? { ':causationId': causationId } : {}) },
  };
};

/** Reads an order back out of a stored row: only the contract's fields, checked. */
export const orderOf = (row: Record<string, unknown>): Order =>
  Order.parse({
    id: row.id,
    customerId: row.customerId,
    status: row.status,
    lines: row.lines,
    total: row.total,
    deliveryAddress: row.deliveryAddress,
    placedAt: row.placedAt,
    ...(row.cancelledAt ? { cancelledAt: row.cancelledAt } : {}),
    ...(row.readyAt ? { readyAt: row.readyAt } : {}),
    ...(row.notify ? { notify: row.notify } : {}),
  });

/**
 * The Orders DynamoDB repository: puts that never overwrite, queries on two indexes (never a
 * scan), and a cancel that is one conditional write.
 */
export function dynamoOrderRepository(
  client: DynamoDBDocumentClient,
  tableName: string,
  cursors: CursorCodecSource,
): OrderRepository {
  const table: OrderTable = { client, tableName, cursors };
  return {
    create: (order, correlationId) => createOrder(table, order, correlationId),
    get: (orderId) => getOrder(table, orderId),
    listByCustomer: (customerId, query) => listByCustomer(table, customerId, query),
    listByStatus: (status, query) => listByStatus(table, status, query),
    cancel: (orderId, customerId, at, correlationId) =>
      cancelOrder(table, orderId, customerId, at, correlationId),
    markReady: (orderId, at, correlationId) => markReady(table, orderId, at, correlationId),
  };
}

/** The table each step of the repository reads and writes, and the codec of its cursors. */
interface OrderTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly cursors: CursorCodecSource;
}

// Ids are fresh UUIDs, so a failed `attribute_not_exists` means this very put already
// committed (an SDK retry after a lost answer): that is success, not a conflict.
function createOrder({ client, tableName }: OrderTable, order: Order, correlationId: string): Promise<void> {
  return ignoreOwnRetry(
    putNew(client, {
      TableName: tableName,
      Item: { ...orderRow(order, correlationId), causationId: currentCausationId() },
    }),
  );
}

async function getOrder({ client, tableName }: OrderTable, orderId: string): Promise<Order | undefined> {
  const { Item } = await mapErrors(() =>
    client.send(
      new GetCommand({ TableName: tableName, Key: orderKeys.order(orderId), ConsistentRead: true }),
    ),
  );
  return Item ? orderOf(Item) : undefined;
}

function listByCustomer(table: OrderTable, customerId: string, query: PageQuery): Promise<OrderPage> {
  return page(
    table,
    orderKeys.byCustomer.index,
    orderKeys.byCustomer.pk(customerId),
    `orders:customer:${customerId}`,
    query,
  );
}

function listByStatus(table: OrderTable, status: OrderStatus, query: PageQuery): Promise<OrderPage> {
  return page(
    table,
    orderKeys.byStatus.index,
    orderKeys.byStatus.pk(status),
    `orders:status:${status}`,
    query,
  );
}

/** One page of an index's partition, newest first, with a cursor bound to `scope`. */
async function page(
  { client, tableName, cursors }: OrderTable,
  index: string,
  partition: string,
  scope: string,
  { limit, cursor }: PageQuery,
): Promise<OrderPage> {
  const result = await queryPage(
    client,
    {
      TableName: tableName,
      IndexName: index,
      KeyConditionExpression: `${index}pk = :partition`,
      ExpressionAttributeValues: { ':partition': partition },
      ScanIndexForward: false,
    },
    { limit, cursor, codec: cursors, scope, keyAttributes: ['pk', 'sk', `${index}pk`, `${index}sk`] },
  );
  return {
    items: result.items.map(orderOf),
    ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
  };
}

async function cancelOrder(
  table: OrderTable,
  orderId: string,
  customerId: string,
  at: string,
  correlationId: string,
): Promise<Order | undefined> {
  const cancelWrite = traced(
    'SET #status = :cancelled, cancelledAt = :at, gsi2pk = :statusKey',
    correlationId,
  );
  return updateOrder(table, orderId, {
    ConditionExpression: 'attribute_exists(pk) AND customerId = :customer AND #status = :placed',
    UpdateExpression: cancelWrite.UpdateExpression,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':customer': customerId,
      ':placed': 'PLACED',
      ':cancelled': 'CANCELLED',
      ':at': at,
      ':statusKey': orderKeys.byStatus.pk('CANCELLED'),
      ...cancelWrite.values,
    },
  });
}

async function markReady(
  table: OrderTable,
  orderId: string,
  at: string,
  correlationId: string,
): Promise<Order | undefined> {
  const readyWrite = traced('SET #status = :ready, readyAt = :at, gsi2pk = :statusKey', correlationId);
  return updateOrder(table, orderId, {
    ConditionExpression: 'attribute_exists(pk) AND #status = :placed',
    UpdateExpression: readyWrite.UpdateExpression,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':placed': 'PLACED',
      ':ready': 'READY',
      ':at': at,
      ':statusKey': orderKeys.byStatus.pk('READY'),
      ...readyWrite.values,
    },
  });
}

/** A conditional update of one order: the order as it is now, or `undefined` when the condition did not hold. */
async function updateOrder(
  { client, tableName }: OrderTable,
  orderId: string,
  update: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>,
): Promise<Order | undefined> {
  try {
    const { Attributes } = await mapErrors(() =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: orderKeys.order(orderId),
          ...update,
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

async function ignoreOwnRetry(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

/** Reads an order out of a table stream image. */
export function orderFromImage(image: Record<string, unknown> | undefined): Order | undefined {
  return image && image.sk === 'ORDER' ? orderOf(image) : undefined;
}
