import { ConflictError, NotFoundError } from '@slice/contract';
import type { Category, MenuItem } from '@slice/contracts-menu';

/** No item with this id. */
export class MenuItemNotFound extends NotFoundError {
  constructor(readonly itemId: string) {
    super(`There is no menu item ${itemId}.`);
  }
}

/** The item changed since the version the caller read. */
export class StaleMenuItem extends ConflictError {
  constructor(
    readonly itemId: string,
    readonly readVersion: number,
  ) {
    super(`Menu item ${itemId} changed since version ${readVersion} was read; read it again and retry.`);
  }
}

/** An item with this id exists already. */
export class MenuItemExists extends ConflictError {
  constructor(readonly itemId: string) {
    super(`Menu item ${itemId} exists already.`);
  }
}

/** What a menu change means to the rest of the platform. */
export type MenuChange = 'ADDED' | 'CHANGED' | 'WITHDRAWN';

/** How one version of an item differs from the one before it. */
export function changeBetween(before: MenuItem | undefined, after: MenuItem): MenuChange {
  if (!before) return 'ADDED';
  if (before.available && !after.available) return 'WITHDRAWN';
  return 'CHANGED';
}

/** The fields staff may set on an item; everything else (id, version, timestamps) is the service's. */
export interface MenuItemFields {
  readonly name: string;
  readonly description: string;
  readonly category: Category;
  readonly price: MenuItem['price'];
  readonly available: boolean;
}

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
