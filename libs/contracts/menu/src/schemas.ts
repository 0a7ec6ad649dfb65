/** The entities of the Menu contract, which other contracts and services build on. */
import { described, freeText, Money, withMeta } from '@slice/contract';
import * as z from 'zod/mini';

/** A menu item id: a lower-case slug (`margherita`) or a UUID. */
export const MenuItemId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'A lower-case slug such as margherita.'));

/** The categories of the menu. */
export const Category = z.enum(['pizza', 'side', 'drink', 'dessert']);

/** A category. */
export type Category = z.infer<typeof Category>;

/** An item on the menu, with its newest price. */
export const MenuItem = withMeta(
  z.strictObject({
    id: MenuItemId,
    name: z.string().check(z.minLength(1), z.maxLength(80)),
    description: z.string().check(z.maxLength(500)),
    category: Category,
    price: Money,
    available: z.boolean(),
    version: described(
      z.number().check(z.int(), z.minimum(1)),
      'Send it back with an update; a stale one is a 409.',
    ),
    updatedAt: z.iso.datetime({ offset: true }),
  }),
  { id: 'MenuItem' },
);

/** A menu item. */
export type MenuItem = z.infer<typeof MenuItem>;

/** What staff send to add an item; the id is optional (a readable slug such as `margherita`). */
export const NewMenuItem = withMeta(
  z.strictObject({
    id: z.optional(MenuItemId),
    name: freeText({ min: 1, max: 80 }),
    description: z._default(freeText({ max: 500 }), ''),
    category: Category,
    price: Money,
  }),
  { id: 'NewMenuItem' },
);

/** What staff send to change an item: the whole item, and the version they read. */
export const MenuItemUpdate = withMeta(
  z.strictObject({
    name: freeText({ min: 1, max: 80 }),
    description: freeText({ max: 500 }),
    category: Category,
    price: Money,
    available: z.boolean(),
    version: z.number().check(z.int(), z.minimum(1)),
  }),
  { id: 'MenuItemUpdate' },
);

/** The most items one `batchGetMenuItems` call reads: an order's lines, with room to spare. */
export const MAX_BATCH_ITEMS = 50;
