import type { Category, MenuItem } from '@slice/contracts-menu';
import type { Store } from '@slice/contracts-monolith';
import type { Order, OrderStatus } from '@slice/contracts-orders';

/** A page of a list and the cursor of the next one. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** Paging of a list. */
export interface PageQuery {
  readonly limit: number;
  readonly cursor?: string;
}

/** The caller of a use-case. */
export interface Caller {
  readonly id: string;
  readonly isStaff: boolean;
}

/** Menu items, in the monolith's table. */
export interface MenuRepository {
  get(itemId: string): Promise<MenuItem | undefined>;
  /** Stores a new item; throws `MenuItemExists` when the id is taken. */
  create(item: MenuItem): Promise<void>;
  /** Replaces an item if it still has `readVersion`; throws `StaleMenuItem` otherwise. */
  replace(item: MenuItem, readVersion: number): Promise<void>;
  /** Available items, by id, optionally of one category; a query, never a scan. */
  listAvailable(query: PageQuery & { category?: Category }): Promise<Page<MenuItem>>;
}

/** Orders, in the monolith's table. */
export interface OrderRepository {
  create(order: Order): Promise<void>;
  get(orderId: string): Promise<Order | undefined>;
  /** A customer's orders, newest first. */
  listByCustomer(customerId: string, page: PageQuery): Promise<Page<Order>>;
  /** Every order in a status, newest first (staff). */
  listByStatus(status: OrderStatus, page: PageQuery): Promise<Page<Order>>;
  /** Every order still PLACED that was placed on a UTC day (`YYYY-MM-DD`). */
  placedOn(date: string): Promise<Order[]>;
  /**
   * Cancels an order if it belongs to `customerId` and is PLACED, in one conditional write.
   * @returns the cancelled order, or `undefined` when the condition did not hold
   */
  cancel(orderId: string, customerId: string, at: string): Promise<Order | undefined>;
}

/** Stores, in the monolith's table. */
export interface StoreRepository {
  get(storeId: string): Promise<Store | undefined>;
  /** Every store, by id. */
  list(page: PageQuery): Promise<Page<Store>>;
  /** Adds a store or replaces its details. */
  put(store: Store): Promise<Store>;
}

/** Everything the monolith's use-cases need, wired once per cold start in `deps.ts`. */
export interface MonolithDeps {
  readonly menu: MenuRepository;
  readonly orders: OrderRepository;
  readonly stores: StoreRepository;
  readonly now: () => Date;
  readonly newId: () => string;
}
