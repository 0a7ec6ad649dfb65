/**
 * How the monolith's open orders become Kitchen tickets (`npm run migrate -- kitchen`): every
 * PLACED order of the monolith's table, read from its status index (one Query, no scan), checked,
 * and stored exactly as the workflow's accept step stores a ticket: QUEUED, in cooking order.
 */
import { LegacyOrderRow } from '@slice/contracts-monolith';
import { Order } from '@slice/contracts-orders';
import { defineMapping, fromLegacy, LegacyRowRejected } from '@slice/migration';
import * as z from 'zod';
import { ticketRow } from '../src/adapters/dynamodb-ticket-repository';
import { storeDefaults } from '../src/domain/store';
import { ticketOf } from '../src/domain/ticket';

/**
 * The correlation id of every migrated ticket. A migrated ticket has no workflow yet: it starts
 * when a cook takes it (`POST /kitchen/tickets/{id}/start`), so nothing is cooked twice.
 */
export const migrationCorrelationId = 'migration:monolith';

/** A PLACED `ORDER` row of the monolith's table: the monolith contract's one schema of it, narrowed. */
export const LegacyPlacedOrder = LegacyOrderRow.extend({ status: z.literal('PLACED') });

/** A legacy placed order row. */
export type LegacyPlacedOrder = z.infer<typeof LegacyPlacedOrder>;

/**
 * The order a legacy row stands for, as the Orders contract has it (the queue route answers with
 * it, as the monolith did): `unitPriceCents` becomes `unitPrice`, each line gets its `lineTotal`,
 * and a total that is not the sum of the lines is rejected rather than re-priced.
 *
 * @example
 * ```ts
 * orderOfLegacy(row).lines[0].unitPrice; // { amount: 900, currency: 'EUR' }
 * ```
 */
export function orderOfLegacy(row: LegacyPlacedOrder): Order {
  const money = (amount: number) => ({ amount, currency: row.currency });
  const lines = row.lines.map((line) => ({
    itemId: line.itemId,
    name: line.name,
    quantity: line.quantity,
    unitPrice: money(line.unitPriceCents),
    lineTotal: money(line.unitPriceCents * line.quantity),
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
    status: 'PLACED',
    lines,
    total: money(row.totalCents),
    deliveryAddress: row.deliveryAddress,
    placedAt: row.placedAt,
  });
}

/** The Kitchen mapping: a Query of the monolith's status index for its PLACED orders. */
export const mapping = defineMapping({
  service: 'kitchen',
  description:
    "the monolith's PLACED orders → QUEUED Kitchen tickets (pk TICKET#<id>, gsi1 the queue, gsi2 the local day)",
  source: {
    kind: 'query',
    indexName: 'GSI2',
    keyCondition: 'GSI2PK = :placed',
    values: { ':placed': 'STATUS#PLACED' },
  },
  sourceKey: ['PK', 'SK'],
  targetKey: ['pk', 'sk'],
  map: fromLegacy(LegacyPlacedOrder, (row) => [
    ticketRow(
      ticketOf(orderOfLegacy(row), {
        correlationId: migrationCorrelationId,
        defaultChannel: storeDefaults.channel,
      }),
      storeDefaults.timeZone,
    ),
  ]),
});
