import { defineExpectations } from '@slice/contract';
import { menuContract } from '@slice/contracts-menu';

/**
 * What Orders relies on in Menu's contract (`apps/orders/src/adapters/menu-catalog.ts`): it
 * prices order lines from `getMenuItem` and treats a 404 as an unknown item. Menu's contract
 * suite fails when Menu's schema or live answers stop providing these.
 */
export const ordersExpectations = defineExpectations('orders', menuContract, [
  {
    operationId: 'getMenuItem',
    fields: ['id', 'name', 'price.amount', 'price.currency', 'available'],
    statuses: [404],
    reason: 'Prices each order line (name, unit price, currency) and refuses unavailable items.',
  },
]);
