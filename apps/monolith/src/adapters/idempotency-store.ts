import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyStore } from '@slice/middleware';

/**
 * The idempotency store of one route of the lambdalith. Powertools keys its records by function
 * name and request; a service has one function per route, but the monolith serves every route from
 * one function, so the route's operation id joins the key. Without it, a caller reusing an
 * `Idempotency-Key` on `createMenuItem` and then on `placeOrder` would get the first route's
 * record back (a 422 for another body) instead of an answer of the second.
 *
 * @example
 * ```ts
 * http(routes.placeOrder, fn, { idempotency: idempotency({ store: routeIdempotencyStore(tableName, 'placeOrder', client) }) });
 * ```
 */
export function routeIdempotencyStore(
  tableName: string,
  operationId: string,
  client: DynamoDBClient,
): BasePersistenceLayer {
  const store = new IdempotencyStore({ tableName, client });
  // `configure()` keeps this prefix: `http()` gives Powertools neither a key prefix nor a function name.
  store.idempotencyKeyPrefix = `${store.idempotencyKeyPrefix}#${operationId}`;
  return store;
}
