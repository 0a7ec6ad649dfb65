/**
 * How the monolith's menu becomes Menu items (`npm run migrate -- menu`): every `MENU_ITEM` row of
 * the monolith's table, checked, with `priceCents` and `currency` as `price`, stored exactly as
 * the Menu repository stores a new item (in the menu index while available).
 */
import { MenuItem } from '@slice/contracts-menu';
import { defineMapping, fromLegacy, LegacyRowRejected } from '@slice/migration';
import * as z from 'zod';
import { menuItemRow } from '../src/adapters/dynamodb-menu-repository';

/** A `MENU_ITEM` row of the monolith's table, as the monolith wrote it. */
export const LegacyMenuItem = z.object({
  entity: z.literal('MENU_ITEM'),
  PK: z.literal('MENU'),
  SK: z.string(),
  itemId: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  priceCents: z.number().int(),
  currency: z.string(),
  available: z.boolean(),
  version: z.number().int(),
  updatedAt: z.string(),
});

/** A legacy menu row. */
export type LegacyMenuItem = z.infer<typeof LegacyMenuItem>;

/**
 * The Menu contract's item for a legacy row; the legacy `version` is kept, so the service's
 * optimistic locking continues from it. Checked against the contract (id, category, price).
 *
 * @example
 * ```ts
 * toMenuItem(row).price; // { amount: 900, currency: 'EUR' }
 * ```
 */
export function toMenuItem(row: LegacyMenuItem): MenuItem {
  if (row.SK !== `ITEM#${row.itemId}`) {
    throw new LegacyRowRejected(`SK: ${row.SK} does not name the item ${row.itemId}.`);
  }
  return MenuItem.parse({
    id: row.itemId,
    name: row.name,
    description: row.description,
    category: row.category,
    price: { amount: row.priceCents, currency: row.currency },
    available: row.available,
    version: row.version,
    updatedAt: row.updatedAt,
  });
}

/** The Menu mapping: one Query of the monolith's `MENU` partition (no Scan needed). */
export const mapping = defineMapping({
  service: 'menu',
  description: "the monolith's MENU_ITEM rows → Menu items (pk ITEM#<id>, in gsi1 while available)",
  source: {
    kind: 'query',
    keyCondition: 'PK = :menu AND begins_with(SK, :item)',
    values: { ':menu': 'MENU', ':item': 'ITEM#' },
  },
  sourceKey: ['PK', 'SK'],
  targetKey: ['pk', 'sk'],
  map: fromLegacy(LegacyMenuItem, (row) => [menuItemRow(toMenuItem(row))]),
});
