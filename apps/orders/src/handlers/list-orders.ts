import { ordersContract } from '@slice/contracts-orders';
import { http } from '@slice/middleware';
import { orders } from '../deps';
import { listOrders } from '../domain/use-cases';

export const handler = http(ordersContract.routes.listOrders, ({ query, user }) =>
  listOrders(query, user, { orders }),
);
