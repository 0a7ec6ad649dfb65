import { ordersContract } from '@slice/contracts-orders';
import { http, idempotency, reply } from '@slice/middleware';
import { menu, newId, now, orders } from '../deps';
import { placeOrder } from '../domain/use-cases';

export const handler = http(
  ordersContract.routes.placeOrder,
  async ({ body, user, correlationId }) => {
    const order = await placeOrder(body, user, correlationId, { menu, newId, now, orders });
    return reply(order, { location: `/orders/${order.id}` });
  },
  { idempotency: idempotency() },
);
