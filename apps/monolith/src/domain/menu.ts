import type { Category, MenuItem, MenuItemUpdate, NewMenuItem } from '@slice/contracts-menu';
import type * as z from 'zod/mini';
import { MenuItemNotFound, StaleMenuItem } from './errors';
import type { MonolithDeps, Page, PageQuery } from './ports';

type Menu = Pick<MonolithDeps, 'menu'>;

/** A slug for a new item's id: `Quattro Formaggi` → `quattro-formaggi`. */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/** `GET /menu`: the available items, a page at a time, optionally of one category. */
export function listMenu(
  query: PageQuery & { category?: Category },
  { menu }: Menu,
): Promise<Page<MenuItem>> {
  return menu.listAvailable(query);
}

/** `GET /menu/items/{itemId}`: one item, also when it is withdrawn. */
export async function getMenuItem(itemId: string, { menu }: Menu): Promise<MenuItem> {
  const item = await menu.get(itemId);
  if (!item) throw new MenuItemNotFound(itemId);
  return item;
}

/** `POST /menu/items`: adds an item, available, at version 1. */
export async function createMenuItem(
  input: z.output<typeof NewMenuItem>,
  { menu, now, newId }: Pick<MonolithDeps, 'menu' | 'now' | 'newId'>,
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
  { menu, now }: Pick<MonolithDeps, 'menu' | 'now'>,
): Promise<MenuItem> {
  const current = await getMenuItem(itemId, { menu });
  if (current.version !== update.version) throw new StaleMenuItem(itemId, update.version);
  const { version: readVersion, ...fields } = update;
  const next: MenuItem = { ...current, ...fields, version: readVersion + 1, updatedAt: now().toISOString() };
  await menu.replace(next, readVersion);
  return next;
}

/**
 * `DELETE /menu/items/{itemId}`: the item becomes unavailable and stays readable. Withdrawing a
 * withdrawn item changes nothing; a concurrent change is retried.
 */
export async function withdrawMenuItem(
  itemId: string,
  { menu, now }: Pick<MonolithDeps, 'menu' | 'now'>,
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
