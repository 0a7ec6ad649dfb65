import type { NotificationChannel, TicketWorkflow } from '@slice/contracts-kitchen';
import type { CancelReason, TicketRecord } from './ticket';

/** A page of a list and the cursor of the next one. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** Paging of a list. */
export interface PageQuery {
  readonly limit: number;
  readonly cursor?: string;
}

/** A day of the kitchen, in the store's time zone. */
export interface KitchenSummary {
  /** The store's local date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly timeZone: string;
  readonly tickets: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly overdue: number;
  readonly pizzas: number;
  /** Mean seconds from placed to ready, over the ready tickets; absent when none was ready. */
  readonly meanSecondsToReady?: number;
  readonly writtenAt: string;
}

/** Where tickets live. Every change is one conditional write. */
export interface TicketRepository {
  get(ticketId: string): Promise<TicketRecord | undefined>;
  /** Stores a new ticket unless one exists for the order; answers the stored one either way. */
  open(ticket: TicketRecord): Promise<TicketRecord>;
  /** Records the cook-step task token of a QUEUED ticket; `undefined` when it is not QUEUED. */
  awaitCook(ticketId: string, taskToken: string): Promise<TicketRecord | undefined>;
  /** QUEUED → BAKING; answers the ticket as it was (with its token), `undefined` when not QUEUED. */
  start(ticketId: string, at: string): Promise<TicketRecord | undefined>;
  /** Back to QUEUED after a start the workflow did not take. */
  unstart(ticketId: string): Promise<void>;
  /** QUEUED or BAKING → CANCELLED; answers the ticket as it was, `undefined` when not open. */
  cancel(ticketId: string, at: string, reason: CancelReason): Promise<TicketRecord | undefined>;
  /** A cancelled ticket for an order whose ticket does not exist yet, so its workflow ends on arrival. */
  cancelUnopened(ticket: TicketRecord, at: string, reason: CancelReason): Promise<void>;
  /** The open tickets in cooking order (placed first, first), a page at a time. */
  queue(page: PageQuery): Promise<Page<TicketRecord>>;
  /** The QUEUED tickets placed before `placedBefore`, or flagged overdue by their workflow. */
  waitingSince(placedBefore: string): Promise<TicketRecord[]>;
  /** Marks that the sweep announced a ticket overdue; false when it already was. */
  announceOverdue(ticketId: string, at: string): Promise<boolean>;
  /** Every ticket placed on a local day. */
  placedOn(date: string): Promise<TicketRecord[]>;
  putSummary(summary: KitchenSummary): Promise<void>;
}

/** The preparation workflow, one Standard execution per order named after it. */
export interface Workflows {
  /** Starts the execution; `false` when one of that name exists already (a redelivery). */
  start(name: string, input: unknown): Promise<boolean>;
  /** Resumes the cook's step (`SendTaskSuccess`); false when the token is no longer open. */
  resume(taskToken: string, output: unknown): Promise<boolean>;
  /** Fails the cook's step with `Kitchen.Cancelled` (`SendTaskFailure`); nothing when the token is closed. */
  cancel(taskToken: string, cause: string): Promise<void>;
  /**
   * Stops the execution of that name with `Kitchen.Cancelled` (`StopExecution`): it ends ABORTED,
   * wherever it is (a bake's Wait). Nothing when there is none or it has ended.
   */
  stop(name: string, cause: string): Promise<void>;
  /** The execution's state, `UNKNOWN` when there is none. */
  describe(name: string): Promise<TicketWorkflow>;
}

/** What Kitchen tells the platform from its functions (the workflow announces the rest itself). */
export interface KitchenEvents {
  cancelled(ticket: TicketRecord, at: string, reason: CancelReason): Promise<void>;
  overdue(ticket: TicketRecord, waitedMinutes: number, correlationId: string): Promise<void>;
}

/** Kitchen's business metrics. */
export interface KitchenMetrics {
  overdueTickets(count: number): void;
}

/** Everything the Kitchen use-cases need, wired once per cold start in `deps/`, one module per port. */
export interface KitchenDeps {
  readonly tickets: TicketRepository;
  readonly workflows: Workflows;
  readonly events: KitchenEvents;
  readonly metrics: KitchenMetrics;
  readonly now: () => Date;
  /** The channel of a ready notification when the order names none (`order.notify`). */
  readonly defaultChannel: NotificationChannel;
  /** Minutes a ticket may wait for a cook before the sweep announces it overdue. */
  readonly overdueAfterMinutes: number;
  /** The store's IANA time zone: the day of a ticket and of the daily summary. */
  readonly timeZone: string;
}
