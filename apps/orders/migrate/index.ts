/**
 * How the monolith's orders become Orders items (`npm run migrate -- orders`): every `ORDER` row of
 * the monolith's table, checked, re-priced into `Money`, stored exactly as the Orders repository
 * stores a new order (keys and both indexes).
 */
import { type Money } from '@slice/contract';
import { LegacyOrderRow } from '@slice/contracts-monolith';
import { Order } from '@slice/contracts-orders';
import { defineMapping, fromLegacy, LegacyRowRejected } from '@slice/migration';
import { orderRow } from '../src/adapters/dynamodb-order-repository';
import { backfillCorrelationId } from '../src/domain/order';

/**
 * The correlation id of every migrated order: the outbox does not announce a migrated order as
 * placed (it is history), but does announce its cancellation later, as for any order.
 */
export const migrationCorrelationId = backfillCorrelationId;

const money = (amount: number, currency: string): Money => ({ amount, currency });

/**
 * The Orders contract's order for a legacy row: `unitPriceCents` becomes `unitPrice`, each line
 * gets its `lineTotal`, and the legacy `totalCents` must equal the sum of the lines (a row whose
 * total disagrees is rejected rather than silently re-priced). The result is checked against the
 * contract, so an order the service could never read back is rejected too.
 *
 * @example
 * ```ts
 * toOrder(row).total; // { amount: 1800, currency: 'EUR' }
 * ```
 */
export function toOrder(row: LegacyOrderRow): Order {
  const lines = row.lines.map((line) => ({
    itemId: line.itemId,
    name: line.name,
    quantity: line.quantity,
    unitPrice: money(line.unitPriceCents, row.currency),
    lineTotal: money(line.unitPriceCents * line.quantity, row.currency),
  }));
  const sum = lines.reduce((total, line) => total + line.lineTotal.amount, 0);
  if (sum !== row.totalCents) {
    throw new LegacyRowRejected(`totalCents: ${row.totalCents} is not the sum of the lines (${sum}).`);
  }
  if (row.PK !== `ORDER#${row.orderId}`) {
    throw new LegacyRowRejected(`PK: ${row.PK} does not name the order ${row.orderId}.`);
  }
  return Order.parse({
    id: row.orderId,
    customerId: row.customerId,
    status: row.status,
    lines,
    total: money(row.totalCents, row.currency),
    deliveryAddress: row.deliveryAddress,
    placedAt: row.placedAt,
    ...(row.cancelledAt === undefined ? {} : { cancelledAt: row.cancelledAt }),
  });
}

/** The Orders mapping: a Scan of the monolith's table for `ORDER` rows (no index lists them all). */
export const mapping = defineMapping({
  service: 'orders',
  description: "the monolith's ORDER rows → Orders items (pk ORDER#<id>, gsi1 by customer, gsi2 by status)",
  source: {
    kind: 'scan',
    filter: '#entity = :entity',
    names: { '#entity': 'entity' },
    values: { ':entity': 'ORDER' },
  },
  sourceKey: ['PK', 'SK'],
  targetKey: ['pk', 'sk'],
  map: fromLegacy(LegacyOrderRow, (row) => [orderRow(toOrder(row), migrationCorrelationId)]),
});
