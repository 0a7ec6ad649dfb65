import { menuContract } from '@slice/contracts-menu';
import { monolithContract } from '@slice/contracts-monolith';
import { ordersContract } from '@slice/contracts-orders';
import { http, reply } from '@slice/middleware';
import { deps, idempotencyOf, movedBasePaths, verifyToken } from '../deps';
import { createMenuItem, getMenuItem, listMenu, updateMenuItem, withdrawMenuItem } from '../domain/menu';
import { cancelOrder, getOrder, listOrders, placeOrder } from '../domain/orders';
import { getDailySales } from '../domain/reports';
import { getStore, listStores, putStore } from '../domain/stores';
import { createRouter } from '../router';

const menu = menuContract.routes;
const orders = ordersContract.routes;
const legacy = monolithContract.routes;

/**
 * The lambdalith: every route of the monolith, one `http()` handler each (the same middleware as
 * every service), behind one router. Menu and Orders routes answer as those services' contracts say.
 */
export const handlers = [
  http(menu.listMenu, ({ query }) => listMenu(query, deps)),
  http(menu.getMenuItem, ({ path }) => getMenuItem(path.itemId, deps)),
  http(
    menu.createMenuItem,
    async ({ body }) => {
      const item = await createMenuItem(body, deps);
      return reply(item, { location: `/menu/items/${item.id}` });
    },
    idempotencyOf(menu.createMenuItem.operationId),
  ),
  http(menu.updateMenuItem, ({ path, body }) => updateMenuItem(path.itemId, body, deps)),
  http(menu.withdrawMenuItem, ({ path }) => withdrawMenuItem(path.itemId, deps)),
  http(
    orders.placeOrder,
    async ({ body, user }) => {
      const order = await placeOrder(body, user, deps);
      return reply(order, { location: `/orders/${order.id}` });
    },
    idempotencyOf(orders.placeOrder.operationId),
  ),
  http(orders.getOrder, ({ path, user }) => getOrder(path.orderId, user, deps)),
  http(orders.listOrders, ({ query, user }) => listOrders(query, user, deps)),
  http(orders.cancelOrder, ({ path, user }) => cancelOrder(path.orderId, user, deps)),
  http(legacy.listStores, ({ query }) => listStores(query, deps)),
  http(legacy.getStore, ({ path }) => getStore(path.storeId, deps)),
  http(legacy.putStore, ({ path, body }) => putStore(path.storeId, body, deps)),
  http(legacy.getDailySales, ({ query }) => getDailySales(query.date, deps)),
];

/**
 * The one Lambda handler behind the REST API's `ANY /` and `ANY /{proxy+}`: finds the route,
 * refuses a group that moved to a service unless the request asks for the monolith, checks the
 * token of signed-in routes, then runs that route's `http()` handler.
 */
export const handler = createRouter(handlers, { verify: verifyToken, movedBasePaths });
