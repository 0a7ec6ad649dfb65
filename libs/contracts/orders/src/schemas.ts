/** The entities of the Orders contract, which other contracts and services build on. */
import { freeText, Money, withMeta } from '@slice/contract';
import { MenuItemId } from '@slice/contracts-menu';
import * as z from 'zod/mini';

/** An order id: a UUID the service assigns. */
export const OrderId = z.uuid();

/** Where an order is in its life: READY once the kitchen's bake ended (Kitchen's `OrderReady`). */
export const OrderStatus = z.enum(['PLACED', 'CANCELLED', 'READY']);

/** An order status. */
export type OrderStatus = z.infer<typeof OrderStatus>;

/** Where the order goes. */
export const DeliveryAddress = withMeta(
  z.strictObject({
    name: freeText({ min: 1, max: 100 }),
    line1: freeText({ min: 1, max: 200 }),
    line2: z.optional(freeText({ max: 200 })),
    city: freeText({ min: 1, max: 100 }),
    postcode: freeText({ min: 2, max: 12 }),
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'An ISO 3166 alpha-2 code such as NL.')),
  }),
  { id: 'DeliveryAddress' },
);

/** One line of an order, priced by the server from the menu. */
export const OrderLine = withMeta(
  z.strictObject({
    itemId: MenuItemId,
    name: z.string(),
    quantity: z.number().check(z.int(), z.minimum(1), z.maximum(20)),
    unitPrice: Money,
    lineTotal: Money,
  }),
  { id: 'OrderLine' },
);

/** An order line. */
export type OrderLine = z.infer<typeof OrderLine>;

/** How the customer hears that the order is ready: a text message or an email. */
export const NotificationChannel = withMeta(z.enum(['sms', 'email']), { id: 'NotificationChannel' });

/** A notification channel. */
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/** An order as its owner (or staff) reads it. */
export const Order = withMeta(
  z.strictObject({
    id: OrderId,
    customerId: z.string(),
    status: OrderStatus,
    lines: z.array(OrderLine).check(z.minLength(1)),
    total: Money,
    deliveryAddress: DeliveryAddress,
    placedAt: z.iso.datetime({ offset: true }),
    cancelledAt: z.optional(z.iso.datetime({ offset: true })),
    readyAt: z.optional(z.iso.datetime({ offset: true })),
    /** The channel the customer chose for "your order is ready"; absent: the kitchen's default. */
    notify: z.optional(NotificationChannel),
  }),
  { id: 'Order' },
);

/** An order. */
export type Order = z.infer<typeof Order>;

/**
 * What a customer sends to place an order: items, an address and, optionally, the channel to
 * hear on when it is ready. Never prices, status or the customer id: the server sets those, and
 * an unknown field is a 400.
 */
export const PlaceOrderRequest = withMeta(
  z.strictObject({
    items: z
      .array(
        z.strictObject({
          itemId: MenuItemId,
          quantity: z.number().check(z.int(), z.minimum(1), z.maximum(20)),
        }),
      )
      .check(z.minLength(1), z.maxLength(20)),
    deliveryAddress: DeliveryAddress,
    /** Where to hear that the order is ready; absent: the kitchen's default channel. */
    notify: z.optional(NotificationChannel),
  }),
  { id: 'PlaceOrderRequest' },
);

/** A place-order request. */
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;
