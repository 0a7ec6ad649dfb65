import { DeliveryAddress, OrderStatus } from '@slice/contracts-orders';
import * as z from 'zod';

/**
 * An `ORDER` row of the monolith's single table, as the monolith writes it
 * (`apps/monolith/src/adapters/legacy-table.ts`): keys `ORDER#<orderId>` / `ORDER`, prices in
 * integer cents with one currency, ISO times, and the row's optimistic-lock version. The one
 * schema of it that every data move out of the monolith reads (`apps/orders/migrate`,
 * `apps/kitchen/migrate`); a service narrows it (Kitchen takes only PLACED rows) with `extend`.
 *
 * @example
 * ```ts
 * const row = LegacyOrderRow.parse(item);
 * const placed = LegacyOrderRow.extend({ status: z.literal('PLACED') });
 * ```
 */
export const LegacyOrderRow = z.object({
  entity: z.literal('ORDER'),
  PK: z.string(),
  SK: z.literal('ORDER'),
  orderId: z.string(),
  customerId: z.string().min(1),
  status: OrderStatus,
  lines: z
    .array(
      z.object({
        itemId: z.string(),
        name: z.string(),
        quantity: z.number().int().min(1),
        unitPriceCents: z.number().int().min(0),
      }),
    )
    .min(1),
  totalCents: z.number().int().min(0),
  currency: z.string(),
  deliveryAddress: DeliveryAddress,
  placedAt: z.string(),
  cancelledAt: z.string().optional(),
  version: z.number().int().min(1),
});

/** A legacy order row. */
export type LegacyOrderRow = z.infer<typeof LegacyOrderRow>;
