import { ordersContract } from '@slice/contracts-orders';
import { http } from '@slice/middleware';
import { orders } from '../deps';
import { getOrder } from '../domain/use-cases';

export const handler = http(ordersContract.routes.getOrder, ({ path, user }) =>
  getOrder(path.orderId, user, { orders }),
);
