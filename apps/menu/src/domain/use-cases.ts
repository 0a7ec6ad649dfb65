import type { Category, MenuItem, MenuItemUpdate, NewMenuItem } from '@slice/contracts-menu';
import type * as z from 'zod/mini';
import { changeBetween, MenuItemNotFound, slugOf, StaleMenuItem } from './menu-item';
import type { ItemPage, MenuDeps } from './ports';

/** `GET /menu`: the available items, a page at a time, optionally of one category. */
export function listMenu(
  query: { category?: Category; limit: number; cursor?: string },
  { menu }: Pick<MenuDeps, 'menu'>,
): Promise<ItemPage> {
  return menu.listAvailable(query);
}

/** `GET /menu/items/{itemId}`: one item, also when it is withdrawn. */
export async function getMenuItem(itemId: string, { menu }: Pick<MenuDeps, 'menu'>): Promise<MenuItem> {
  const item = await menu.get(itemId);
  if (!item) throw new MenuItemNotFound(itemId);
  return item;
}

/** `GET /menu/items?ids=`: the items found, in the order asked, and the ids that name none. */
export async function batchGetMenuItems(
  itemIds: readonly string[],
  { menu }: Pick<MenuDeps, 'menu'>,
): Promise<{ items: MenuItem[]; missing: string[] }> {
  const found = new Map((await menu.getMany(itemIds)).map((item) => [item.id, item]));
  return {
    items: itemIds.flatMap((itemId) => found.get(itemId) ?? []),
    missing: itemIds.filter((itemId) => !found.has(itemId)),
  };
}

/** `POST /menu/items`: adds an item, available, at version 1. */
export async function createMenuItem(
  input: z.output<typeof NewMenuItem>,
  { menu, now, newId }: Pick<MenuDeps, 'menu' | 'now' | 'newId'>,
): Promise<MenuItem> {
  const item: MenuItem = {
    id: input.id ?? `${slugOf(input.name) || 'item'}-${newId().slice(0, 8)}`,
    name: input.name,
    description: input.description,
    category: input.category,
    price: input.price,
    available: true,
    version: 1,
    updatedAt: now().toISOString(),
  };
  await menu.create(item);
  return item;
}

/** `PUT /menu/items/{itemId}`: replaces an item's fields if nobody changed it since `version`. */
export async function updateMenuItem(
  itemId: string,
  update: z.output<typeof MenuItemUpdate>,
  { menu, now }: Pick<MenuDeps, 'menu' | 'now'>,
): Promise<MenuItem> {
  const current = await getMenuItem(itemId, { menu });
  if (current.version !== update.version) throw new StaleMenuItem(itemId, update.version);
  const { version: readVersion, ...fields } = update;
  const next: MenuItem = { ...current, ...fields, version: readVersion + 1, updatedAt: now().toISOString() };
  await menu.replace(next, readVersion);
  return next;
}

/**
 * `DELETE /menu/items/{itemId}`: takes an item off the menu. It stays readable, unavailable, and its
 * history stays. Withdrawing a withdrawn item changes nothing; a concurrent change is retried.
 */
export async function withdrawMenuItem(
  itemId: string,
  { menu, now }: Pick<MenuDeps, 'menu' | 'now'>,
): Promise<MenuItem> {
  for (let attempt = 1; ; attempt++) {
    const current = await getMenuItem(itemId, { menu });
    if (!current.available) return current;
    const next: MenuItem = {
      ...current,
      available: false,
      version: current.version + 1,
      updatedAt: now().toISOString(),
    };
    try {
      await menu.replace(next, current.version);
      return next;
    } catch (error) {
      if (!(error instanceof StaleMenuItem) || attempt >= 3) throw error;
    }
  }
}

/**
 * Table stream: every new version of an item is kept in its history and announced as
 * `MenuItemChanged`. Both are safe to repeat, so a retried batch does no harm.
 */
export async function recordMenuChange(
  before: MenuItem | undefined,
  after: MenuItem,
  { menu, events }: Pick<MenuDeps, 'menu' | 'events'>,
): Promise<void> {
  await menu.keepVersion(after);
  await events.changed([{ change: changeBetween(before, after), item: after }]);
}
