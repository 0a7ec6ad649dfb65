import { MenuItem } from '@slice/contracts-menu';
import { Store } from '@slice/contracts-monolith';
import { Order } from '@slice/contracts-orders';
import { key } from '@slice/dynamodb';

/**
 * The monolith's single table (see the README). Every row carries `entity`; prices are integer
 * cents plus a currency; timestamps are ISO strings; `version` starts at 1.
 *
 * | entity | PK | SK | GSI1PK | GSI1SK | GSI2PK | GSI2SK |
 * |---|---|---|---|---|---|---|
 * | `MENU_ITEM` | `MENU` | `ITEM#<itemId>` | `CATEGORY#<category>` | `<itemId>` | | |
 * | `ORDER` | `ORDER#<orderId>` | `ORDER` | `CUSTOMER#<customerId>` | `<placedAt>#<orderId>` | `STATUS#<status>` | `<placedAt>#<orderId>` |
 * | `STORE` | `STORE#<storeId>` | `STORE` | `STORES` | `<storeId>` | | |
 */
export const legacyKeys = {
  menuItem: (itemId: string) => ({ PK: 'MENU', SK: key('ITEM', itemId) }),
  menuItemPrefix: 'ITEM#',
  category: (category: string) => key('CATEGORY', category),
  order: (orderId: string) => ({ PK: key('ORDER', orderId), SK: 'ORDER' }),
  customer: (customerId: string) => key('CUSTOMER', customerId),
  status: (status: string) => key('STATUS', status),
  placed: (order: Pick<Order, 'placedAt' | 'id'>) => `${order.placedAt}#${order.id}`,
  store: (storeId: string) => ({ PK: key('STORE', storeId), SK: 'STORE' }),
  stores: 'STORES',
} as const;

/** The key attributes of a query on the table or one of its indexes, for cursors. */
export const keyAttributesOf = (index?: 'GSI1' | 'GSI2'): string[] =>
  index ? ['PK', 'SK', `${index}PK`, `${index}SK`] : ['PK', 'SK'];

type Row = Record<string, unknown>;

/** A menu item as the monolith stores it. */
export function menuItemRow(item: MenuItem): Row {
  return {
    ...legacyKeys.menuItem(item.id),
    entity: 'MENU_ITEM',
    GSI1PK: legacyKeys.category(item.category),
    GSI1SK: item.id,
    itemId: item.id,
    name: item.name,
    description: item.description,
    category: item.category,
    priceCents: item.price.amount,
    currency: item.price.currency,
    available: item.available,
    version: item.version,
    updatedAt: item.updatedAt,
  };
}

/** Reads a menu item back out of a stored row: the Menu contract's shape, checked. */
export const menuItemOf = (row: Row): MenuItem =>
  MenuItem.parse({
    id: row.itemId,
    name: row.name,
    description: row.description,
    category: row.category,
    price: { amount: row.priceCents, currency: row.currency },
    available: row.available,
    version: row.version,
    updatedAt: row.updatedAt,
  });

/** An order as the monolith stores it (lines keep their unit price in cents). */
export function orderRow(order: Order, version: number): Row {
  return {
    ...legacyKeys.order(order.id),
    entity: 'ORDER',
    GSI1PK: legacyKeys.customer(order.customerId),
    GSI1SK: legacyKeys.placed(order),
    GSI2PK: legacyKeys.status(order.status),
    GSI2SK: legacyKeys.placed(order),
    orderId: order.id,
    customerId: order.customerId,
    status: order.status,
    lines: order.lines.map((line) => ({
      itemId: line.itemId,
      name: line.name,
      quantity: line.quantity,
      unitPriceCents: line.unitPrice.amount,
    })),
    totalCents: order.total.amount,
    currency: order.total.currency,
    deliveryAddress: order.deliveryAddress,
    placedAt: order.placedAt,
    ...(order.cancelledAt ? { cancelledAt: order.cancelledAt } : {}),
    version,
  };
}

/** Reads an order back out of a stored row: the Orders contract's shape, checked. */
export function orderOf(row: Row): Order {
  const currency = row.currency;
  const lines = Array.isArray(row.lines) ? (row.lines as Row[]) : [];
  return Order.parse({
    id: row.orderId,
    customerId: row.customerId,
    status: row.status,
    lines: lines.map((line) => ({
      itemId: line.itemId,
      name: line.name,
      quantity: line.quantity,
      unitPrice: { amount: line.unitPriceCents, currency },
      lineTotal: { amount: Number(line.unitPriceCents) * Number(line.quantity), currency },
    })),
    total: { amount: row.totalCents, currency },
    deliveryAddress: row.deliveryAddress,
    placedAt: row.placedAt,
    ...(row.cancelledAt ? { cancelledAt: row.cancelledAt } : {}),
  });
}

/** A store as the monolith stores it. */
export function storeRow(store: Store): Row {
  return {
    ...legacyKeys.store(store.id),
    entity: 'STORE',
    GSI1PK: legacyKeys.stores,
    GSI1SK: store.id,
    storeId: store.id,
    name: store.name,
    address: store.address,
    phone: store.phone,
    openingHours: store.openingHours,
    timeZone: store.timeZone,
  };
}

/** Reads a store back out of a stored row, checked. */
export const storeOf = (row: Row): Store =>
  Store.parse({
    id: row.storeId,
    name: row.name,
    address: row.address,
    phone: row.phone,
    openingHours: row.openingHours,
    timeZone: row.timeZone,
  });
