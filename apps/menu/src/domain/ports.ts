import type { Category, MenuItem } from '@slice/contracts-menu';
import type { MenuChange } from './menu-item';

/** A page of items and the cursor of the next one. */
export interface ItemPage {
  readonly items: MenuItem[];
  readonly nextCursor?: string;
}

/** Where menu items live. */
export interface MenuRepository {
  get(itemId: string): Promise<MenuItem | undefined>;
  /** The items of these (distinct) ids that exist, in no particular order. */
  getMany(itemIds: readonly string[]): Promise<MenuItem[]>;
  /** Stores a new item; throws `MenuItemExists` when the id is taken. */
  create(item: MenuItem): Promise<void>;
  /** Replaces an item if it still has `readVersion`; throws `StaleMenuItem` otherwise. */
  replace(item: MenuItem, readVersion: number): Promise<void>;
  /** Available items, by category then name; a query, never a scan. */
  listAvailable(query: { category?: Category; limit: number; cursor?: string }): Promise<ItemPage>;
  /** Keeps a version of an item in its history; doing it twice is harmless. */
  keepVersion(item: MenuItem): Promise<void>;
}

/** Tells the platform about menu changes. */
export interface MenuEvents {
  changed(changes: ReadonlyArray<{ change: MenuChange; item: MenuItem }>): Promise<void>;
}

/** Everything the menu's use-cases need, wired once per cold start in `deps/`, one module per port. */
export interface MenuDeps {
  readonly menu: MenuRepository;
  readonly events: MenuEvents;
  readonly now: () => Date;
  readonly newId: () => string;
}
