import type { Ticket, TicketWorkflow } from '@slice/contracts-kitchen';
import type { Order } from '@slice/contracts-orders';
import type { KitchenDeps, KitchenSummary, Page, PageQuery, Workflows } from './ports';
import {
  cancelledError,
  TicketAlreadyStarted,
  TicketNotCancellable,
  TicketNotFound,
  TicketNotStartable,
  ticketOf,
  ticketView,
  TicketWasCancelled,
  type CancelReason,
  type TicketRecord,
} from './ticket';

type Deps<K extends keyof KitchenDeps> = Pick<KitchenDeps, K>;

/**
 * What the preparation workflow starts with: the order, the correlation id of its event and the
 * event's id, the cause its own events name (absent for a migrated ticket a cook starts).
 */
export interface WorkflowInput {
  readonly order: Order;
  readonly correlationId: string;
  readonly causationId?: string;
}

/** What the accept step hands the rest of the workflow. */
export interface AcceptedTicket {
  readonly ticketId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly status: TicketRecord['status'];
  readonly bakeSeconds: number;
  readonly channel: TicketRecord['channel'];
  readonly correlationId: string;
  /** The cause of the workflow's events: the event that opened the ticket, else the ticket itself. */
  readonly causationId: string;
}

/**
 * `OrderPlaced` (from the Kitchen queue): starts the order's preparation workflow, named after the
 * order. A redelivered event finds the execution there and starts nothing (`ExecutionAlreadyExists`
 * is done, not an error).
 */
export async function takeOrder(
  order: Order,
  cause: { readonly correlationId: string; readonly causationId: string },
  { workflows }: Deps<'workflows'>,
): Promise<boolean> {
  const input: WorkflowInput = { order, correlationId: cause.correlationId, causationId: cause.causationId };
  return workflows.start(order.id, input);
}

/**
 * The workflow's accept step: opens the order's ticket (or finds it, on a retry or when the order
 * was cancelled before its ticket existed) and answers what the later states need.
 */
export async function acceptTicket(
  input: WorkflowInput,
  { tickets, defaultChannel }: Deps<'tickets' | 'defaultChannel'>,
): Promise<AcceptedTicket> {
  const stored = await tickets.open(
    ticketOf(input.order, {
      correlationId: input.correlationId,
      ...(input.causationId ? { causationId: input.causationId } : {}),
      defaultChannel,
    }),
  );
  return {
    ticketId: stored.id,
    orderId: stored.orderId,
    customerId: stored.customerId,
    status: stored.status,
    bakeSeconds: stored.bakeSeconds,
    channel: stored.channel,
    correlationId: stored.correlationId,
    causationId: stored.causationId ?? input.causationId ?? stored.id,
  };
}

/**
 * The workflow's cook step (`.waitForTaskToken`): keeps the token on the QUEUED ticket for the
 * start route. A ticket cancelled in the meantime fails the step with `Kitchen.Cancelled`; one a
 * cook started before the token was stored fails it with `Kitchen.Started`, and the workflow bakes.
 */
export async function awaitCook(
  ticketId: string,
  taskToken: string,
  { tickets }: Deps<'tickets'>,
): Promise<void> {
  const waiting = await tickets.awaitCook(ticketId, taskToken);
  if (waiting) return;
  const ticket = await tickets.get(ticketId);
  if (!ticket) throw new TicketNotFound(ticketId);
  if (ticket.status === 'CANCELLED') throw new TicketWasCancelled(ticketId);
  if (ticket.status === 'BAKING') throw new TicketAlreadyStarted(ticketId);
  throw new TicketNotStartable(ticketId, ticket.status);
}

/** `GET /kitchen/queue`: the orders the kitchen still has to cook, oldest first, as the monolith listed them. */
export async function getKitchenQueue(query: PageQuery, { tickets }: Deps<'tickets'>): Promise<Page<Order>> {
  const page = await tickets.queue(query);
  return {
    items: page.items.map((ticket) => ticket.order),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/** `GET /kitchen/tickets/{ticketId}`: the ticket and its workflow's state. */
export async function getTicket(
  ticketId: string,
  { tickets, workflows }: Deps<'tickets' | 'workflows'>,
): Promise<Ticket> {
  const ticket = await tickets.get(ticketId);
  if (!ticket) throw new TicketNotFound(ticketId);
  return ticketView(ticket, await workflows.describe(ticket.id));
}

/**
 * `POST /kitchen/tickets/{ticketId}/start`: a cook takes a QUEUED ticket. The ticket becomes
 * BAKING in one conditional write, then the workflow's cook step is resumed (`SendTaskSuccess`)
 * and bakes. A ticket copied from the monolith has no workflow yet: its workflow starts now,
 * and finds the ticket BAKING. A start that races the cook step (no token stored yet) holds while
 * the execution runs: the step finds the ticket BAKING. A token no longer waited on puts the ticket back.
 */
export async function startTicket(
  ticketId: string,
  { tickets, workflows, now }: Deps<'tickets' | 'workflows' | 'now'>,
): Promise<Ticket> {
  const at = now().toISOString();
  const before = await tickets.start(ticketId, at);
  if (!before) {
    const ticket = await tickets.get(ticketId);
    if (!ticket) throw new TicketNotFound(ticketId);
    throw new TicketNotStartable(ticketId, ticket.status);
  }
  const taken = before.taskToken
    ? await workflows.resume(before.taskToken, { startedAt: at })
    : await workflows.start(before.id, { order: before.order, correlationId: before.correlationId });
  // No token and the execution exists: it runs and has not stored its token yet; its cook step
  // comes to the ticket, finds it BAKING and bakes. A closed token puts the ticket back.
  const workflow = taken
    ? await workflows.describe(before.id)
    : before.taskToken
      ? undefined
      : await runningWorkflow(before.id, workflows);
  if (!workflow) {
    await tickets.unstart(ticketId);
    throw new TicketNotStartable(ticketId, 'QUEUED');
  }
  const started: TicketRecord = { ...before, status: 'BAKING', startedAt: at };
  const { taskToken: _resumed, ...view } = started;
  return ticketView(view, workflow);
}

/** The execution of that name when it is still running, else `undefined`. */
async function runningWorkflow(name: string, workflows: Workflows): Promise<TicketWorkflow | undefined> {
  const workflow = await workflows.describe(name);
  return workflow.status === 'RUNNING' ? workflow : undefined;
}

/**
 * Cancels an open ticket (staff, or the customer through `OrderCancelled`) in one conditional
 * write and announces `TicketCancelled`. A workflow waiting for a cook has its step failed with
 * `Kitchen.Cancelled` and ends cleanly through its catch (SUCCEEDED); one baking is stopped
 * (`StopExecution`, ABORTED with `Kitchen.Cancelled`) in its Wait. Either way no `OrderReady`: the
 * READY update's condition still guards a bake that ends as the cancel is written.
 */
export async function cancelTicket(
  ticketId: string,
  reason: CancelReason,
  { tickets, workflows, events, now }: Deps<'tickets' | 'workflows' | 'events' | 'now'>,
): Promise<TicketRecord> {
  const at = now().toISOString();
  const before = await tickets.cancel(ticketId, at, reason);
  if (!before) {
    const ticket = await tickets.get(ticketId);
    if (!ticket) throw new TicketNotFound(ticketId);
    // A redelivered cancel finds it cancelled already: the same outcome, announced again with the
    // same event id (consumers dedupe on it), in case the first attempt failed after its write.
    if (ticket.status === 'CANCELLED') {
      await events.cancelled(ticket, ticket.cancelledAt ?? at, ticket.cancelReason ?? reason);
      return ticket;
    }
    throw new TicketNotCancellable(ticketId, ticket.status);
  }
  const cause = `${cancelledError}: ${reason}`;
  if (before.taskToken) await workflows.cancel(before.taskToken, cause);
  else if (before.status === 'BAKING') await workflows.stop(before.id, cause);
  const { taskToken: _closed, ...rest } = before;
  const cancelled: TicketRecord = { ...rest, status: 'CANCELLED', cancelledAt: at, cancelReason: reason };
  await events.cancelled(cancelled, at, reason);
  return cancelled;
}

/** `POST /kitchen/tickets/{ticketId}/cancel` (staff). */
export async function cancelTicketByStaff(
  ticketId: string,
  deps: Deps<'tickets' | 'workflows' | 'events' | 'now'>,
): Promise<Ticket> {
  const cancelled = await cancelTicket(ticketId, 'STAFF', deps);
  return ticketView(cancelled, await deps.workflows.describe(cancelled.id));
}

/**
 * `OrderCancelled`: cancels the order's ticket. When the event overtakes the ticket (its workflow
 * has not opened it yet), a cancelled ticket is stored, so the workflow ends as soon as it starts.
 */
export async function dropOrder(
  order: Order,
  correlationId: string,
  deps: Deps<'tickets' | 'workflows' | 'events' | 'now' | 'defaultChannel'>,
): Promise<void> {
  try {
    await cancelTicket(order.id, 'ORDER_CANCELLED', deps);
  } catch (error) {
    if (error instanceof TicketNotFound) {
      const ticket = ticketOf(order, { correlationId, defaultChannel: deps.defaultChannel });
      await deps.tickets.cancelUnopened(ticket, deps.now().toISOString(), 'ORDER_CANCELLED');
      return;
    }
    // A ticket already READY or FAILED: the order's cancel came too late for the kitchen.
    if (error instanceof TicketNotCancellable) return;
    throw error;
  }
}

/**
 * The overdue sweep (every 5 minutes): each QUEUED ticket waiting longer than the kitchen's
 * promise, or flagged by its workflow's heartbeat, is announced `TicketOverdue` once; the metric
 * is the number waiting too long now, announced or not.
 */
export async function sweepOverdue(
  correlationId: string,
  {
    tickets,
    events,
    metrics,
    now,
    overdueAfterMinutes,
  }: Deps<'tickets' | 'events' | 'metrics' | 'now' | 'overdueAfterMinutes'>,
): Promise<number> {
  const at = now();
  const threshold = new Date(at.getTime() - overdueAfterMinutes * 60_000).toISOString();
  const waiting = await tickets.waitingSince(threshold);
  for (const ticket of waiting) {
    if (!(await tickets.announceOverdue(ticket.id, at.toISOString()))) continue;
    const waitedMinutes = Math.floor((at.getTime() - Date.parse(ticket.placedAt)) / 60_000);
    await events.overdue(ticket, waitedMinutes, correlationId);
  }
  metrics.overdueTickets(waiting.length);
  return waiting.length;
}

/**
 * The store's local date of an instant: `2026-12-01` for 23:30 UTC in `Europe/Amsterdam` is
 * `2026-12-02`.
 *
 * @example
 * ```ts
 * localDate(new Date('2026-12-01T23:30:00Z'), 'Europe/Amsterdam'); // '2026-12-02'
 * ```
 */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** A day's summary from its tickets. */
export function summaryOf(
  date: string,
  timeZone: string,
  tickets: readonly TicketRecord[],
  writtenAt: string,
): KitchenSummary {
  const byStatus: Record<string, number> = {};
  for (const ticket of tickets) byStatus[ticket.status] = (byStatus[ticket.status] ?? 0) + 1;
  const ready = tickets.filter((ticket) => ticket.readyAt);
  const seconds = ready.map(
    (ticket) => (Date.parse(ticket.readyAt ?? '') - Date.parse(ticket.placedAt)) / 1000,
  );
  return {
    date,
    timeZone,
    tickets: tickets.length,
    byStatus,
    overdue: tickets.filter((ticket) => ticket.overdue).length,
    pizzas: tickets.reduce(
      (total, ticket) => total + ticket.items.reduce((sum, item) => sum + item.quantity, 0),
      0,
    ),
    ...(seconds.length > 0
      ? { meanSecondsToReady: Math.round(seconds.reduce((sum, value) => sum + value, 0) / seconds.length) }
      : {}),
    writtenAt,
  };
}

/**
 * The daily summary (a schedule at the store's closing time, in its time zone): the tickets of
 * the store's local day, counted, written as that day's summary item (rewritten by a re-run).
 */
export async function writeDailySummary({
  tickets,
  now,
  timeZone,
}: Deps<'tickets' | 'now' | 'timeZone'>): Promise<KitchenSummary> {
  const at = now();
  const date = localDate(at, timeZone);
  const summary = summaryOf(date, timeZone, await tickets.placedOn(date), at.toISOString());
  await tickets.putSummary(summary);
  return summary;
}
