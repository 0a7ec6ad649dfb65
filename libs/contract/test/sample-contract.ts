import * as z from 'zod';
import { defineContract, defineEvent, defineRoute } from '../src';

export const ItemId = z.string().regex(/^[a-z0-9-]{3,40}$/);
export const Money = z
  .strictObject({ amount: z.number().int().min(0), currency: z.literal('EUR') })
  .meta({ id: 'Money' });
export const Item = z
  .strictObject({ id: ItemId, name: z.string().min(1).max(80), price: Money, available: z.boolean() })
  .meta({ id: 'SampleItem' });

export const getItem = defineRoute({
  method: 'GET',
  path: '/samples/items/{itemId}',
  operationId: 'getItem',
  summary: 'One item',
  auth: 'public',
  request: { path: z.strictObject({ itemId: ItemId }) },
  status: 200,
  response: Item,
  errors: { 404: 'No such item.' },
  examples: [
    {
      name: 'margherita',
      request: { path: { itemId: 'margherita' } },
      response: {
        status: 200,
        body: {
          id: 'margherita',
          name: 'Margherita',
          price: { amount: 900, currency: 'EUR' },
          available: true,
        },
      },
    },
  ],
});

export const listItems = defineRoute({
  method: 'GET',
  path: '/samples/items',
  operationId: 'listItems',
  summary: 'Items, a page at a time',
  auth: 'public',
  request: {
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(50).default(20),
      cursor: z.string().optional(),
    }),
  },
  status: 200,
  response: z.strictObject({ items: z.array(Item), nextCursor: z.string().optional() }),
});

export const addItem = defineRoute({
  method: 'POST',
  path: '/samples/items',
  operationId: 'addItem',
  summary: 'Add an item',
  auth: 'staff',
  request: { body: z.strictObject({ name: z.string().min(1), price: Money }) },
  status: 201,
  response: Item,
  idempotencyKey: true,
});

export const removeItem = defineRoute({
  method: 'DELETE',
  path: '/samples/items/{itemId}',
  operationId: 'removeItem',
  summary: 'Remove an item',
  auth: 'staff',
  request: { path: z.strictObject({ itemId: ItemId }) },
  status: 204,
});

export const ItemAdded = defineEvent({
  source: 'slice.samples',
  detailType: 'ItemAdded',
  version: 1,
  description: 'Staff added an item.',
  entity: { item: Item },
});

export const samplesContract = defineContract({
  service: {
    name: 'samples',
    team: 'platform',
    basePath: '/samples',
    version: '1.0.0',
    title: 'Samples',
    description: 'A contract used by the kit tests.',
  },
  routes: { getItem, listItems, addItem, removeItem },
  events: { ItemAdded },
});
