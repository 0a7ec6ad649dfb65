import { ConflictError, NotFoundError } from '@slice/contract';
import type {
  NotificationChannel,
  Ticket,
  TicketItem,
  TicketStatus,
  TicketWorkflow,
} from '@slice/contracts-kitchen';
import type { Order } from '@slice/contracts-orders';

/**
 * A ticket as Kitchen keeps it (its workflow execution is named after it: the order id): the contract's ticket without its live workflow state, plus what
 * only Kitchen needs: the order as it was placed (the queue route answers with it), the
 * correlation id its events carry, and the task token of the cook's step while it waits.
 */
export interface TicketRecord extends Omit<Ticket, 'workflow'> {
  readonly order: Order;
  readonly correlationId: string;
  /** The id of the event that opened it (`OrderPlaced`), which its workflow's events name as their cause. */
  readonly causationId?: string;
  /** The token `SendTaskSuccess` resumes the workflow with, while it waits for a cook. */
  readonly taskToken?: string;
  /** Why it was cancelled. */
  readonly cancelReason?: CancelReason;
  /** When the overdue sweep announced it (`TicketOverdue` once per ticket). */
  readonly overdueAnnouncedAt?: string;
}

/** Why a ticket was cancelled. */
export type CancelReason = 'ORDER_CANCELLED' | 'STAFF';

/** The statuses in which a ticket is still in the kitchen: waiting for a cook or in the oven. */
export const openStatuses: readonly TicketStatus[] = ['QUEUED', 'BAKING'];

/** Whether a ticket is still in the kitchen. */
export const isOpen = (status: TicketStatus): boolean => openStatuses.includes(status);

/** The oven time of the first pizza, and of each pizza more (they share the oven, mostly). */
export const bakeTimes = { firstSeconds: 480, eachMoreSeconds: 60, maxSeconds: 1200 } as const;

/**
 * How long a ticket's items bake: 8 minutes for the first pizza, a minute for each more, at most
 * 20 minutes (the oven is full by then; more pizzas wait for a cook, not in the oven).
 *
 * @example
 * ```ts
 * bakeSecondsOf([{ itemId: 'margherita', name: 'Margherita', quantity: 3 }]); // 600
 * ```
 */
export function bakeSecondsOf(items: readonly Pick<TicketItem, 'quantity'>[]): number {
  const pizzas = items.reduce((total, item) => total + item.quantity, 0);
  const seconds = bakeTimes.firstSeconds + bakeTimes.eachMoreSeconds * Math.max(0, pizzas - 1);
  return Math.min(bakeTimes.maxSeconds, seconds);
}

/**
 * The ticket an order opens: QUEUED, its items without prices, the bake time of those items, and
 * the channel the customer chose (`order.notify`), else the store's default.
 *
 * @example
 * ```ts
 * ticketOf(order, { correlationId, defaultChannel: 'sms' }).status; // 'QUEUED'
 * ```
 */
export function ticketOf(
  order: Order,
  options: { correlationId: string; causationId?: string; defaultChannel: NotificationChannel },
): TicketRecord {
  const items = order.lines.map(({ itemId, name, quantity }) => ({ itemId, name, quantity }));
  return {
    id: order.id,
    orderId: order.id,
    customerId: order.customerId,
    status: 'QUEUED',
    items,
    bakeSeconds: bakeSecondsOf(items),
    channel: order.notify ?? options.defaultChannel,
    overdue: false,
    placedAt: order.placedAt,
    order,
    correlationId: options.correlationId,
    ...(options.causationId ? { causationId: options.causationId } : {}),
  };
}

/** The contract's view of a ticket: its fields and its workflow's state, never the task token. */
export function ticketView(record: TicketRecord, workflow: TicketWorkflow): Ticket {
  return {
    id: record.id,
    orderId: record.orderId,
    customerId: record.customerId,
    status: record.status,
    items: record.items,
    bakeSeconds: record.bakeSeconds,
    channel: record.channel,
    overdue: record.overdue,
    placedAt: record.placedAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.readyAt ? { readyAt: record.readyAt } : {}),
    ...(record.cancelledAt ? { cancelledAt: record.cancelledAt } : {}),
    ...(record.failedAt ? { failedAt: record.failedAt } : {}),
    workflow,
  };
}

/** What events say of a ticket. */
export const ticketRef = (record: Pick<TicketRecord, 'id' | 'orderId' | 'customerId'>) => ({
  id: record.id,
  orderId: record.orderId,
  customerId: record.customerId,
});

/** No such ticket. */
export class TicketNotFound extends NotFoundError {
  constructor(readonly ticketId: string) {
    super(`There is no ticket ${ticketId}.`);
  }
}

/** Only a QUEUED ticket that its workflow is waiting on can be started. */
export class TicketNotStartable extends ConflictError {
  constructor(
    readonly ticketId: string,
    readonly ticketStatus: TicketStatus,
  ) {
    super(`Ticket ${ticketId} is ${ticketStatus}; only a QUEUED ticket can be started.`);
  }
}

/** Only a QUEUED or BAKING ticket can be cancelled. */
export class TicketNotCancellable extends ConflictError {
  constructor(
    readonly ticketId: string,
    readonly ticketStatus: TicketStatus,
  ) {
    super(`Ticket ${ticketId} is ${ticketStatus}; only a QUEUED or BAKING ticket can be cancelled.`);
  }
}

/**
 * Thrown to the workflow when a ticket it works on was cancelled: its error name
 * (`Kitchen.Cancelled`) is what the workflow's Catch ends the execution cleanly on.
 */
export class TicketWasCancelled extends Error {
  override readonly name = 'Kitchen.Cancelled';
  constructor(readonly ticketId: string) {
    super(`Ticket ${ticketId} was cancelled.`);
  }
}

/**
 * Thrown to the workflow's cook step when a cook started the ticket before the step had stored its
 * token (the start route found no token and set it BAKING): its error name (`Kitchen.Started`) is
 * what the step's Catch goes on to the bake with.
 */
export class TicketAlreadyStarted extends Error {
  override readonly name = 'Kitchen.Started';
  constructor(readonly ticketId: string) {
    super(`Ticket ${ticketId} was started before its workflow waited for a cook.`);
  }
}

/** The error name the workflow catches to end a cancelled ticket cleanly. */
export const cancelledError = 'Kitchen.Cancelled';
