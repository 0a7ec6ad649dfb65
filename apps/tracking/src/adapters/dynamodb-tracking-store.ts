import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TrackingStatus } from '@slice/contracts-tracking';
import { key, mapErrors, toServiceError } from '@slice/dynamodb';
import type { Connection, StatusChange, TrackedOrder, TrackingStore, Watch } from '../domain/ports';

/** How long the projection keeps an order after its last change: tracking is for live orders. */
export const projectionRetentionMs = 30 * 24 * 60 * 60 * 1000;

const connectionKey = (connectionId: string) => ({ pk: key('CONNECTION', connectionId), sk: 'CONNECTION' });
const orderKey = (orderId: string) => ({ pk: key('ORDER', orderId), sk: 'ORDER' });
const watchKey = (orderId: string, connectionId: string) => ({
  pk: key('ORDER', orderId),
  sk: key('WATCH', connectionId),
});
/** DynamoDB TTL reads epoch seconds. */
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
const conditionFailed = (error: unknown) =>
  (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';

function orderOf(item: Record<string, unknown> | undefined): TrackedOrder | undefined {
  if (!item || typeof item.orderId !== 'string') return undefined;
  const status = TrackingStatus.safeParse(item.status);
  return {
    orderId: item.orderId,
    ...(typeof item.customerId === 'string' ? { customerId: item.customerId } : {}),
    ...(status.success && typeof item.at === 'string' ? { status: status.data, at: item.at } : {}),
  };
}

function watchOf(item: Record<string, unknown>): Watch | undefined {
  const { orderId, connectionId, customerId, expiresAt } = item;
  if (typeof orderId !== 'string' || typeof connectionId !== 'string' || typeof customerId !== 'string')
    return undefined;
  return { orderId, connectionId, customerId, expiresAt: new Date(Number(expiresAt) * 1000) };
}

/**
 * Tracking's table (keys `pk`/`sk`, TTL on `expiresAt`):
 *
 * | item             | pk                  | sk                      | attributes                                        |
 * | ---------------- | ------------------- | ----------------------- | ------------------------------------------------- |
 * | a connection     | `CONNECTION#<id>`   | `CONNECTION`            | customerId, connectedAt, orderIds (set), TTL      |
 * | a watch          | `ORDER#<orderId>`   | `WATCH#<connectionId>`  | connectionId, customerId, TTL                     |
 * | an order's state | `ORDER#<orderId>`   | `ORDER`                 | customerId, status, at, eventId, TTL (30 days)    |
 *
 * Every read is a get or a query on one order's partition: never a scan.
 */
export function dynamoTrackingStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  now: () => Date = () => new Date(),
): TrackingStore {
  const TableName = tableName;
  const removeWatch = (orderId: string, connectionId: string) =>
    mapErrors(() => client.send(new DeleteCommand({ TableName, Key: watchKey(orderId, connectionId) }))).then(
      () => undefined,
    );
  return {
    async saveConnection(connection: Connection) {
      await mapErrors(() =>
        client.send(
          new PutCommand({
            TableName,
            Item: {
              ...connectionKey(connection.connectionId),
              connectionId: connection.connectionId,
              customerId: connection.customerId,
              connectedAt: connection.connectedAt,
              expiresAt: epochSeconds(connection.expiresAt),
            },
          }),
        ),
      );
    },

    async saveWatch(watch: Watch, maxPerConnection: number) {
      try {
        // The connection lists its orders (so a disconnect finds its watches) and caps them.
        await client.send(
          new UpdateCommand({
            TableName,
            Key: connectionKey(watch.connectionId),
            UpdateExpression:
              'ADD orderIds :orderIds SET customerId = if_not_exists(customerId, :customerId), expiresAt = if_not_exists(expiresAt, :expiresAt)',
            ConditionExpression:
              'attribute_not_exists(orderIds) OR size(orderIds) < :max OR contains(orderIds, :orderId)',
            ExpressionAttributeValues: {
              ':orderIds': new Set([watch.orderId]),
              ':orderId': watch.orderId,
              ':customerId': watch.customerId,
              ':expiresAt': epochSeconds(watch.expiresAt),
              ':max': maxPerConnection,
            },
          }),
        );
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw toServiceError(error);
      }
      await mapErrors(() =>
        client.send(
          new PutCommand({
            TableName,
            Item: {
              ...watchKey(watch.orderId, watch.connectionId),
              orderId: watch.orderId,
              connectionId: watch.connectionId,
              customerId: watch.customerId,
              expiresAt: epochSeconds(watch.expiresAt),
            },
          }),
        ),
      );
      return true;
    },

    async forgetConnection(connectionId: string) {
      const { Item } = await mapErrors(() =>
        client.send(new GetCommand({ TableName, Key: connectionKey(connectionId), ConsistentRead: true })),
      );
      const orderIds = Item?.orderIds instanceof Set ? [...(Item.orderIds as Set<string>)] : [];
      await Promise.all(orderIds.map((orderId) => removeWatch(orderId, connectionId)));
      await mapErrors(() => client.send(new DeleteCommand({ TableName, Key: connectionKey(connectionId) })));
    },

    removeWatch,

    async order(orderId: string) {
      const { Item } = await mapErrors(() =>
        client.send(new GetCommand({ TableName, Key: orderKey(orderId), ConsistentRead: true })),
      );
      return orderOf(Item);
    },

    async watchers(orderId: string) {
      const watches: Watch[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await mapErrors(() =>
          client.send(
            new QueryCommand({
              TableName,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :watch)',
              ExpressionAttributeValues: { ':pk': key('ORDER', orderId), ':watch': 'WATCH#' },
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        watches.push(...(page.Items ?? []).map(watchOf).filter((watch) => watch !== undefined));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      // TTL deletes within days, not on the second: a watch past its connection's limit is dead.
      return watches.filter((watch) => watch.expiresAt.getTime() > now().getTime());
    },

    async recordOwner(orderId: string, customerId: string) {
      await mapErrors(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key: orderKey(orderId),
            UpdateExpression: 'SET orderId = :orderId, customerId = if_not_exists(customerId, :customerId)',
            ExpressionAttributeValues: { ':orderId': orderId, ':customerId': customerId },
          }),
        ),
      );
    },

    async recordStatus(change: StatusChange) {
      const at = new Date(change.at).toISOString();
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName,
            Key: orderKey(change.orderId),
            UpdateExpression:
              'SET orderId = :orderId, #status = :status, #at = :at, eventId = :eventId, expiresAt = :expiresAt',
            // A later status stays; the same event again counts as fresh, so its pushes are retried.
            ConditionExpression: 'attribute_not_exists(#at) OR #at < :at OR eventId = :eventId',
            ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
            ExpressionAttributeValues: {
              ':orderId': change.orderId,
              ':status': change.status,
              ':at': at,
              ':eventId': change.eventId,
              ':expiresAt': epochSeconds(new Date(Date.parse(at) + projectionRetentionMs)),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return orderOf(Attributes);
      } catch (error) {
        if (conditionFailed(error)) return undefined;
        throw toServiceError(error);
      }
    },
  };
}
