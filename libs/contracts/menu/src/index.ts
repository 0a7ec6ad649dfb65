/**
 * The Menu service's published contract (team menu, base path `/menu`): what other teams may rely
 * on. Orders reads prices and availability of an order's items in one call, `batchGetMenuItems`.
 */
import {
  defineContract,
  defineEvent,
  defineRoute,
  described,
  idList,
  page,
  pageQuery,
} from '@slice/contract';
import * as z from 'zod/mini';
import { Category, MAX_BATCH_ITEMS, MenuItem, MenuItemId, MenuItemUpdate, NewMenuItem } from './schemas';

export * from './schemas';

const margherita: MenuItem = {
  id: 'margherita',
  name: 'Margherita',
  description: 'Tomato, mozzarella, basil.',
  category: 'pizza',
  price: { amount: 900, currency: 'EUR' },
  available: true,
  version: 1,
  updatedAt: '2026-11-01T09:00:00.000Z',
};

const itemPath = z.strictObject({ itemId: MenuItemId });

/** `GET /menu`: the available items, newest price, by category then name, a page at a time. */
export const listMenu = defineRoute({
  method: 'GET',
  path: '/menu',
  operationId: 'listMenu',
  summary: 'The available items, newest price, a page at a time',
  auth: 'public',
  request: { query: z.strictObject({ category: z.optional(Category), ...pageQuery() }) },
  status: 200,
  response: page(MenuItem),
  examples: [
    {
      name: 'pizzas',
      request: { query: { category: 'pizza', limit: 2 } },
      response: { status: 200, body: { items: [margherita] } },
    },
  ],
});

/** `GET /menu/items/{itemId}`: one item, also a withdrawn one (`available: false`). */
export const getMenuItem = defineRoute({
  method: 'GET',
  path: '/menu/items/{itemId}',
  operationId: 'getMenuItem',
  summary: 'One item, also when it is no longer available',
  auth: 'public',
  request: { path: itemPath },
  status: 200,
  response: MenuItem,
  errors: { 404: 'No item with this id.' },
  examples: [
    {
      name: 'margherita',
      request: { path: { itemId: 'margherita' } },
      response: { status: 200, body: margherita },
    },
    { name: 'unknown', request: { path: { itemId: 'no-such-item' } }, response: { status: 404 } },
  ],
});

/** `POST /menu/items` (staff, `Idempotency-Key`): adds an item at version 1. */
export const createMenuItem = defineRoute({
  method: 'POST',
  path: '/menu/items',
  operationId: 'createMenuItem',
  summary: 'Add an item to the menu',
  auth: 'staff',
  request: { body: NewMenuItem },
  status: 201,
  response: MenuItem,
  idempotencyKey: true,
  errors: { 409: 'An item with this id exists already.' },
});

/** `PUT /menu/items/{itemId}` (staff): replaces an item; a stale `version` is a 409. */
export const updateMenuItem = defineRoute({
  method: 'PUT',
  path: '/menu/items/{itemId}',
  operationId: 'updateMenuItem',
  summary: 'Change an item; the request carries the version it read',
  auth: 'staff',
  request: { path: itemPath, body: MenuItemUpdate },
  status: 200,
  response: MenuItem,
  errors: { 404: 'No item with this id.', 409: 'The item changed since that version was read.' },
});

/** `DELETE /menu/items/{itemId}` (staff): the item becomes unavailable; its history stays. */
export const withdrawMenuItem = defineRoute({
  method: 'DELETE',
  path: '/menu/items/{itemId}',
  operationId: 'withdrawMenuItem',
  summary: 'Take an item off the menu; it stays readable, unavailable, with its history',
  auth: 'staff',
  request: { path: itemPath },
  status: 200,
  response: MenuItem,
  errors: { 404: 'No item with this id.' },
});

/**
 * `GET /menu/items?ids=margherita,tiramisu`: many items in one call, also withdrawn ones, in the
 * order asked, and the ids that name no item. One call per order instead of one per line keeps a
 * large order from spending the stage's rate limit that every customer's menu reads share.
 */
export const batchGetMenuItems = defineRoute({
  method: 'GET',
  path: '/menu/items',
  operationId: 'batchGetMenuItems',
  summary: 'Many items by id in one call, and the ids that name no item',
  auth: 'public',
  request: { query: z.strictObject({ ids: idList(MenuItemId, { max: MAX_BATCH_ITEMS }) }) },
  status: 200,
  response: z.strictObject({
    items: described(z.array(MenuItem), 'The items found, in the order their ids were asked.'),
    missing: described(z.array(MenuItemId), 'The ids asked that name no item.'),
  }),
  examples: [
    {
      name: "an order's items",
      request: { query: { ids: 'margherita,no-such-item' } },
      response: { status: 200, body: { items: [margherita], missing: ['no-such-item'] } },
    },
  ],
});

/** A menu item was added, changed or withdrawn; carries the item as it is now. */
export const MenuItemChanged = defineEvent({
  source: 'slice.menu',
  detailType: 'MenuItemChanged',
  version: 1,
  description: 'A menu item was added, changed or withdrawn.',
  entity: { change: z.enum(['ADDED', 'CHANGED', 'WITHDRAWN']), item: MenuItem },
  examples: [{ change: 'ADDED', item: margherita }],
});

/** The Menu service's contract. */
export const menuContract = defineContract({
  service: {
    name: 'menu',
    team: 'menu',
    basePath: '/menu',
    version: '1.2.0',
    title: 'Slice Menu',
    description: 'The menu: items, categories, prices and availability.',
  },
  routes: { listMenu, getMenuItem, batchGetMenuItems, createMenuItem, updateMenuItem, withdrawMenuItem },
  events: { MenuItemChanged },
});

export * from './fixtures';
