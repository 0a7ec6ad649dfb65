import { ordersContract } from '@slice/contracts-orders';
import { http } from '@slice/middleware';
import { now, orders } from '../deps';
import { cancelOrder } from '../domain/use-cases';

export const handler = http(ordersContract.routes.cancelOrder, ({ path, user, correlationId }) =>
  cancelOrder(path.orderId, user, correlationId, { now, orders }),
);
