import type { Order, OrderStatus } from '@slice/contracts-orders';
import type { PricedItem } from './order';

/** A page of orders and the cursor of the next one. */
export interface OrderPage {
  readonly items: Order[];
  readonly nextCursor?: string;
}

/** Paging of a list. */
export interface PageQuery {
  readonly limit: number;
  readonly cursor?: string;
}

/** Where orders live. */
export interface OrderRepository {
  /** Stores a new order with the correlation id its events will carry. */
  create(order: Order, correlationId: string): Promise<void>;
  get(orderId: string): Promise<Order | undefined>;
  /** A customer's orders, newest first. */
  listByCustomer(customerId: string, page: PageQuery): Promise<OrderPage>;
  /** Every order in a status, newest first (staff). */
  listByStatus(status: OrderStatus, page: PageQuery): Promise<OrderPage>;
  /**
   * Cancels an order if it belongs to `customerId` and is PLACED, in one conditional write.
   * @returns the cancelled order, or `undefined` when the condition did not hold
   */
  cancel(orderId: string, customerId: string, at: string, correlationId: string): Promise<Order | undefined>;
  /**
   * Marks a PLACED order READY, in one conditional write.
   * @returns the ready order, or `undefined` when it was not PLACED (cancelled, ready already, unknown)
   */
  markReady(orderId: string, at: string, correlationId: string): Promise<Order | undefined>;
}

/** Menu, as Orders sees it: prices and availability through Menu's published client. */
export interface MenuCatalog {
  /** The items with these ids; an unknown id maps to `undefined`. Throws a 503 when Menu is unreachable. */
  items(itemIds: readonly string[]): Promise<Map<string, PricedItem | undefined>>;
}

/** Tells the platform about orders. */
export interface OrderEvents {
  placed(order: Order, correlationId: string): Promise<void>;
  cancelled(order: Order, correlationId: string): Promise<void>;
}

/** Everything the Orders use-cases need, wired once per cold start in `deps/`, one module per port. */
export interface OrderDeps {
  readonly orders: OrderRepository;
  readonly menu: MenuCatalog;
  readonly events: OrderEvents;
  readonly now: () => Date;
  readonly newId: () => string;
}
