import { defineFixtures } from '@slice/contract';
import type { ordersContract } from './index';

const deliveryAddress = {
  name: 'Contract Test',
  line1: '1 Oven Street',
  city: 'Utrecht',
  postcode: '3511AA',
  country: 'NL',
};

const orderOf = (created: Readonly<Record<string, unknown>> | undefined) => ({ orderId: created?.id });

/**
 * How the shared contract suite reaches each Orders route with a valid request (see
 * `libs/contract-tests/README.md`). Orders prices from Menu, so these rely on `margherita` being
 * on the menu: the demo seed (`apps/menu/seed`) that every target loads.
 */
export const ordersFixtures = defineFixtures<typeof ordersContract>({
  placeOrder: {
    request: () => ({ body: { items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress } }),
  },
  getOrder: { needs: 'placeOrder', request: ({ created }) => ({ path: orderOf(created) }) },
  listOrders: { request: () => ({ query: { limit: 5 } }) },
  cancelOrder: {
    needs: 'placeOrder',
    readBack: 'getOrder',
    request: ({ created }) => ({ path: orderOf(created) }),
  },
});
