/**
 * A sample contract for the suite's own tests: a tiny shop with the shapes the real services
 * have (a public paged list, items staff create and change, orders a customer owns). The suite
 * may not import a team's contract (scope:shared), so it brings its own.
 */
import {
  defineContract,
  defineEvent,
  defineExpectations,
  defineFixtures,
  defineRoute,
  freeText,
  Money,
  page,
  pageQuery,
} from '@slice/contract';
import * as z from 'zod';

const ItemId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/);

export const Item = z
  .strictObject({
    id: ItemId,
    name: z.string().min(1).max(80),
    category: z.enum(['pizza', 'side']),
    price: Money,
    available: z.boolean(),
    version: z.number().int().min(1),
  })
  .meta({ id: 'ShopItem' });
export type Item = z.infer<typeof Item>;

const NewItem = z
  .strictObject({
    id: ItemId.optional(),
    name: freeText({ min: 1, max: 80 }),
    category: z.enum(['pizza', 'side']),
    price: Money,
  })
  .meta({ id: 'NewShopItem' });
const ItemUpdate = z
  .strictObject({
    name: freeText({ min: 1, max: 80 }),
    price: Money,
    available: z.boolean(),
    version: z.number().int().min(1),
  })
  .meta({ id: 'ShopItemUpdate' });

export const Order = z
  .strictObject({
    id: z.uuid(),
    customerId: z.string(),
    status: z.enum(['PLACED', 'CANCELLED']),
    lines: z
      .array(
        z.strictObject({
          itemId: ItemId,
          name: z.string(),
          quantity: z.number().int().min(1).max(20),
          total: Money,
        }),
      )
      .min(1),
    placedAt: z.iso.datetime(),
  })
  .meta({ id: 'ShopOrder' });
export type Order = z.infer<typeof Order>;

const PlaceOrder = z
  .strictObject({
    items: z
      .array(z.strictObject({ itemId: ItemId, quantity: z.number().int().min(1).max(20) }))
      .min(1)
      .max(5),
  })
  .meta({ id: 'PlaceShopOrder' });

export const margherita: Item = {
  id: 'margherita',
  name: 'Margherita',
  category: 'pizza',
  price: { amount: 900, currency: 'EUR' },
  available: true,
  version: 1,
};

const itemPath = z.strictObject({ itemId: ItemId });
const orderPath = z.strictObject({ orderId: z.uuid() });

export const shopContract = defineContract({
  service: {
    name: 'shop',
    team: 'shop',
    basePath: '/shop',
    version: '1.0.0',
    title: 'Shop',
    description: 'A sample.',
  },
  routes: {
    listItems: defineRoute({
      method: 'GET',
      path: '/shop/items',
      operationId: 'listItems',
      summary: 'Available items',
      auth: 'public',
      request: { query: z.strictObject({ category: z.enum(['pizza', 'side']).optional(), ...pageQuery() }) },
      status: 200,
      response: page(Item),
      examples: [
        {
          name: 'pizzas',
          request: { query: { category: 'pizza', limit: 2 } },
          response: { status: 200, body: { items: [margherita] } },
        },
      ],
    }),
    getItem: defineRoute({
      method: 'GET',
      path: '/shop/items/{itemId}',
      operationId: 'getItem',
      summary: 'One item',
      auth: 'public',
      request: { path: itemPath },
      status: 200,
      response: Item,
      errors: { 404: 'No such item.' },
      examples: [
        {
          name: 'margherita',
          request: { path: { itemId: 'margherita' } },
          response: { status: 200, body: margherita },
        },
        { name: 'unknown', request: { path: { itemId: 'no-such-item' } }, response: { status: 404 } },
      ],
    }),
    createItem: defineRoute({
      method: 'POST',
      path: '/shop/items',
      operationId: 'createItem',
      summary: 'Add an item',
      auth: 'staff',
      request: { body: NewItem },
      status: 201,
      response: Item,
      idempotencyKey: true,
      errors: { 409: 'The id is taken.' },
    }),
    updateItem: defineRoute({
      method: 'PUT',
      path: '/shop/items/{itemId}',
      operationId: 'updateItem',
      summary: 'Change an item',
      auth: 'staff',
      request: { path: itemPath, body: ItemUpdate },
      status: 200,
      response: Item,
      errors: { 404: 'No such item.', 409: 'Stale version.' },
    }),
    placeOrder: defineRoute({
      method: 'POST',
      path: '/shop/orders',
      operationId: 'placeOrder',
      summary: 'Place an order',
      auth: 'user',
      request: { body: PlaceOrder },
      status: 201,
      response: Order,
      idempotencyKey: true,
      errors: { 422: 'An item is unknown.' },
    }),
    getOrder: defineRoute({
      method: 'GET',
      path: '/shop/orders/{orderId}',
      operationId: 'getOrder',
      summary: 'One of my orders',
      auth: 'user',
      request: { path: orderPath },
      status: 200,
      response: Order,
      errors: { 404: 'No such order for this caller.' },
    }),
    cancelOrder: defineRoute({
      method: 'POST',
      path: '/shop/orders/{orderId}/cancel',
      operationId: 'cancelOrder',
      summary: 'Cancel one of my orders',
      auth: 'user',
      request: { path: orderPath },
      status: 200,
      response: Order,
      errors: { 404: 'No such order for this caller.', 409: 'Not PLACED.' },
    }),
  },
  events: {
    ItemChanged: defineEvent({
      source: 'slice.shop',
      detailType: 'ItemChanged',
      version: 1,
      description: 'An item changed.',
      entity: { item: Item },
    }),
  },
});

const created = (value: Readonly<Record<string, unknown>> | undefined, key: string) => value?.[key];

export const shopFixtures = defineFixtures<typeof shopContract>({
  createItem: {
    readBack: 'getItem',
    readBackPath: (request) => ({ itemId: (request.body as { id?: unknown } | undefined)?.id }),
    request: ({ unique }) => ({
      body: {
        id: unique('ct'),
        name: 'Test item',
        category: 'side',
        price: { amount: 350, currency: 'EUR' },
      },
    }),
  },
  getItem: {
    needs: 'createItem',
    request: (context) => ({ path: { itemId: created(context.created, 'id') } }),
  },
  updateItem: {
    needs: 'createItem',
    readBack: 'getItem',
    request: (context) => ({
      path: { itemId: created(context.created, 'id') },
      body: {
        name: 'Renamed',
        price: { amount: 400, currency: 'EUR' },
        available: true,
        version: created(context.created, 'version'),
      },
    }),
  },
  placeOrder: { request: () => ({ body: { items: [{ itemId: 'margherita', quantity: 1 }] } }) },
  getOrder: {
    needs: 'placeOrder',
    request: (context) => ({ path: { orderId: created(context.created, 'id') } }),
  },
  cancelOrder: {
    needs: 'placeOrder',
    readBack: 'getOrder',
    request: (context) => ({ path: { orderId: created(context.created, 'id') } }),
  },
});

/** A consumer (billing) that prices from `getItem`. */
export const billingExpectations = defineExpectations('billing', shopContract, [
  {
    operationId: 'getItem',
    fields: ['id', 'price.amount', 'price.currency', 'available'],
    statuses: [404],
    reason: 'Prices invoices.',
  },
]);
