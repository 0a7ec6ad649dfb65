import type { DailySales } from '@slice/contracts-monolith';
import type { Order } from '@slice/contracts-orders';
import type { MonolithDeps } from './ports';

type Orders = Pick<MonolithDeps, 'orders'>;

/**
 * A day's sales from its placed orders: how many, revenue per currency (by currency code) and
 * the quantity sold per item (most first, then by id).
 */
export function salesOf(date: string, orders: readonly Order[]): DailySales {
  const revenue = new Map<string, number>();
  const items = new Map<string, { itemId: string; name: string; quantity: number }>();
  for (const order of orders) {
    revenue.set(order.total.currency, (revenue.get(order.total.currency) ?? 0) + order.total.amount);
    for (const line of order.lines) {
      const sold = items.get(line.itemId) ?? { itemId: line.itemId, name: line.name, quantity: 0 };
      items.set(line.itemId, { ...sold, quantity: sold.quantity + line.quantity });
    }
  }
  return {
    date,
    orderCount: orders.length,
    revenue: [...revenue]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([currency, amount]) => ({ amount, currency })),
    itemsSold: [...items.values()].sort(
      (left, right) => right.quantity - left.quantity || left.itemId.localeCompare(right.itemId),
    ),
  };
}

/** `GET /reports/daily-sales?date=`: the sales of one UTC day, from the orders still placed. */
export async function getDailySales(date: string, { orders }: Orders): Promise<DailySales> {
  return salesOf(date, await orders.placedOn(date));
}
