import { ConflictError, NotFoundError, UnprocessableContentError } from '@slice/contract';

// The monolith answers the Menu and Orders routes with the same problems as those services, word for
// word: the contract suite and `npm run parity` compare them.

/** No menu item with this id. */
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

/** A menu item with this id exists already. */
export class MenuItemExists extends ConflictError {
  constructor(readonly itemId: string) {
    super(`Menu item ${itemId} exists already.`);
  }
}

/** No such order for this caller: also what another customer's order looks like. */
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

/** The total is more than an order may hold. */
export class OrderTooLarge extends UnprocessableContentError {
  constructor() {
    super('The order total is larger than an order may be.');
  }
}

/** No store with this id. */
export class StoreNotFound extends NotFoundError {
  constructor(readonly storeId: string) {
    super(`There is no store ${storeId}.`);
  }
}
