import { declareEventExpectations, defineExpectations } from '@slice/contract';
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

/**
 * What Orders reads from Kitchen's `OrderReady` (`apps/orders/src/handlers/mark-order-ready.ts`):
 * the order the ticket cooked, when it was ready, and the correlation id it carries on. Declared
 * as data: Kitchen's contract lib imports this one, so this one cannot import Kitchen's. The
 * contract runner holds Kitchen's published event schemas to it.
 */
export const ordersEventExpectations = declareEventExpectations('orders', 'kitchen', [
  {
    source: 'slice.kitchen',
    detailType: 'OrderReady',
    fields: ['correlationId', 'ticket.orderId', 'readyAt'],
    reason: "Marks the order READY at the kitchen's time, in one conditional write.",
  },
]);
