import { defineExpectations } from '@slice/contract';
import { menuContract } from '@slice/contracts-menu';

/**
 * What Orders relies on in Menu's contract (`apps/orders/src/adapters/menu-catalog.ts`): it
 * prices an order's lines from one `batchGetMenuItems` call and treats an id in `missing` as an
 * unknown item. Menu's contract suite fails when Menu's schema or live answers stop providing these.
 */
export const ordersExpectations = defineExpectations('orders', menuContract, [
  {
    operationId: 'batchGetMenuItems',
    fields: [
      'items[].id',
      'items[].name',
      'items[].price.amount',
      'items[].price.currency',
      'items[].available',
      'missing',
    ],
    reason: 'Prices each order line (name, unit price, currency) and refuses unknown or unavailable items.',
  },
]);
