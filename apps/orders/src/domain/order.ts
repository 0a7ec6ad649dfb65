import { ConflictError, Money, NotFoundError, UnprocessableContentError } from '@slice/contract';
import type { Order, OrderLine } from '@slice/contracts-orders';

/** No such order for this caller: also what another customer's order looks like. */
/**
 * The correlation id the backfill from the monolith writes on every order it copies
 * (`npm run migrate -- orders`). Such an order is history, not news: the outbox does not announce it.
 *
 * @example
 * ```ts
 * orderRow(order, backfillCorrelationId); // a migrated order, stored as Orders stores any order
 * ```
 */
export const backfillCorrelationId = 'migration:monolith';

export class OrderNotFound extends NotFoundError {
  constructor(readonly orderId: string) {
    super(`There is no order ${orderId}.`);
  }
}

/** Only a PLACED order can be cancelled. */
export class OrderNotCancellable extends ConflictError {
  constructor(
    readonly orderId: string,
    readonly orderStatus: string,
  ) {
    super(`Order ${orderId} is ${orderStatus}; only a PLACED order can be cancelled.`);
  }
}

/** An ordered item is not on the menu, or not available now. */
export class ItemNotOrderable extends UnprocessableContentError {
  constructor(
    readonly itemId: string,
    reason: 'unknown' | 'unavailable',
    /** The item's position in the request, for the field path. */
    index: number,
  ) {
    super(
      reason === 'unknown' ? `Menu item ${itemId} does not exist.` : `Menu item ${itemId} is not available.`,
      {
        errors: [
          {
            path: `body.items.${index}.itemId`,
            message: reason === 'unknown' ? 'Unknown menu item.' : 'Not available.',
          },
        ],
      },
    );
  }
}

/** The items of one order are priced in more than one currency. */
export class MixedCurrencies extends UnprocessableContentError {
  constructor() {
    super('The ordered items are priced in different currencies.');
  }
}

/** The total is more than an order may hold: stored, it could never be read back or announced. */
export class OrderTooLarge extends UnprocessableContentError {
  constructor() {
    super('The order total is larger than an order may be.');
  }
}

/** The caller of a use-case. */
export interface Caller {
  readonly id: string;
  readonly isStaff: boolean;
}

/** A menu item as Orders relies on it (see the consumer expectations on Menu's `batchGetMenuItems`). */
export interface PricedItem {
  readonly id: string;
  readonly name: string;
  readonly price: Money;
  readonly available: boolean;
}

/** Prices the requested lines from the menu; the client never sends prices. */
export function priceLines(
  requested: ReadonlyArray<{ itemId: string; quantity: number }>,
  menu: ReadonlyMap<string, PricedItem | undefined>,
): { lines: OrderLine[]; total: Money } {
  const lines = requested.map(({ itemId, quantity }, index) => {
    const item = menu.get(itemId);
    if (!item) throw new ItemNotOrderable(itemId, 'unknown', index);
    if (!item.available) throw new ItemNotOrderable(itemId, 'unavailable', index);
    return {
      itemId,
      name: item.name,
      quantity,
      unitPrice: item.price,
      lineTotal: { amount: item.price.amount * quantity, currency: item.price.currency },
    };
  });
  const currencies = new Set(lines.map((line) => line.unitPrice.currency));
  if (currencies.size > 1) throw new MixedCurrencies();
  const [currency = 'EUR'] = currencies;
  const total = { amount: lines.reduce((sum, line) => sum + line.lineTotal.amount, 0), currency };
  if (!Money.safeParse(total).success) throw new OrderTooLarge();
  return { lines, total };
}

/** Whether the caller may see an order: its owner, or staff. */
export const canRead = (order: Order, caller: Caller): boolean =>
  caller.isStaff || order.customerId === caller.id;
