/**
 * Kitchen's use-cases against in-memory stand-ins with the conditions of the DynamoDB repository
 * and Step Functions: what the integration suite proves on dynalite, rule by rule.
 */
import type { TicketWorkflow } from '@slice/contracts-kitchen';
import type { Order } from '@slice/contracts-orders';
import type { KitchenDeps, KitchenSummary, TicketRepository, Workflows } from '../src/domain/ports';
import {
  ticketOf,
  ticketRef,
  TicketNotCancellable,
  TicketNotFound,
  TicketNotStartable,
  TicketWasCancelled,
  type TicketRecord,
} from '../src/domain/ticket';
import {
  acceptTicket,
  awaitCook,
  cancelTicketByStaff,
  dropOrder,
  getKitchenQueue,
  getTicket,
  startTicket,
  sweepOverdue,
  takeOrder,
  writeDailySummary,
} from '../src/domain/use-cases';

const at = new Date('2026-12-01T18:30:00.000Z');
const orderOf = (id: string, quantity = 2, placedAt = '2026-12-01T18:00:00.000Z'): Order => ({
  id,
  customerId: 'alice',
  status: 'PLACED',
  lines: [
    {
      itemId: 'margherita',
      name: 'Margherita',
      quantity,
      unitPrice: { amount: 900, currency: 'EUR' },
      lineTotal: { amount: 900 * quantity, currency: 'EUR' },
    },
  ],
  total: { amount: 900 * quantity, currency: 'EUR' },
  deliveryAddress: { name: 'Alice', line1: 'Dam 1', city: 'Amsterdam', postcode: '1012JS', country: 'NL' },
  placedAt,
});
const queued = (id: string, extra: Partial<TicketRecord> = {}): TicketRecord => ({
  ...ticketOf(orderOf(id), { correlationId: `corr-${id}`, defaultChannel: 'sms' }),
  ...extra,
});
const running: TicketWorkflow = { name: 'o-1', status: 'RUNNING' };

/** In-memory tickets: each change holds only in the statuses the DynamoDB condition allows. */
function memoryTickets(initial: TicketRecord[] = []) {
  const all = new Map(initial.map((ticket) => [ticket.id, ticket]));
  const summaries: KitchenSummary[] = [];
  const announced = new Set<string>();
  const change = (ticketId: string, from: readonly string[], next: (t: TicketRecord) => TicketRecord) => {
    const ticket = all.get(ticketId);
    if (!ticket || !from.includes(ticket.status)) return Promise.resolve(undefined);
    all.set(ticketId, next(ticket));
    return Promise.resolve(ticket);
  };
  const tickets: TicketRepository = {
    get: (ticketId) => Promise.resolve(all.get(ticketId)),
    open: (ticket) => {
      if (!all.has(ticket.id)) all.set(ticket.id, ticket);
      return Promise.resolve(all.get(ticket.id) as TicketRecord);
    },
    awaitCook: (ticketId, taskToken) => change(ticketId, ['QUEUED'], (t) => ({ ...t, taskToken })),
    start: (ticketId, startedAt) =>
      change(ticketId, ['QUEUED'], (t) => ({ ...t, status: 'BAKING', startedAt })),
    unstart: (ticketId) => {
      const { startedAt: _startedAt, ...ticket } = all.get(ticketId) as TicketRecord;
      all.set(ticketId, { ...ticket, status: 'QUEUED' });
      return Promise.resolve();
    },
    cancel: (ticketId, cancelledAt, cancelReason) =>
      change(ticketId, ['QUEUED', 'BAKING'], ({ taskToken: _token, ...t }) => ({
        ...t,
        status: 'CANCELLED',
        cancelledAt,
        cancelReason,
      })),
    cancelUnopened: (ticket, cancelledAt, cancelReason) =>
      Promise.resolve(void all.set(ticket.id, { ...ticket, status: 'CANCELLED', cancelledAt, cancelReason })),
    queue: ({ limit }) => {
      const open = [...all.values()].filter((t) => t.status === 'QUEUED' || t.status === 'BAKING');
      return Promise.resolve({
        items: open.slice(0, limit),
        ...(open.length > limit ? { nextCursor: 'next' } : {}),
      });
    },
    waitingSince: (placedBefore) =>
      Promise.resolve([...all.values()].filter((t) => t.status === 'QUEUED' && t.placedAt < placedBefore)),
    announceOverdue: (ticketId) => Promise.resolve(!announced.has(ticketId) && !!announced.add(ticketId)),
    placedOn: () => Promise.resolve([...all.values()]),
    putSummary: (summary) => Promise.resolve(void summaries.push(summary)),
  };
  return { tickets, all, summaries };
}

/** Workflows by name; `open` holds the task tokens still waited on. */
function memoryWorkflows(names: string[] = [], open: string[] = []) {
  const started = new Map<string, unknown>(names.map((name) => [name, {}]));
  const tokens = new Set(open);
  const resumed: Array<[string, unknown]> = [];
  const cancelled: Array<[string, string]> = [];
  const stopped: Array<[string, string]> = [];
  const workflows: Workflows = {
    start: (name, input) => Promise.resolve(!started.has(name) && !!started.set(name, input)),
    resume: (taskToken, output) => {
      if (!tokens.delete(taskToken)) return Promise.resolve(false);
      resumed.push([taskToken, output]);
      return Promise.resolve(true);
    },
    cancel: (taskToken, cause) => Promise.resolve(void cancelled.push([taskToken, cause])),
    stop: (name, cause) => Promise.resolve(void stopped.push([name, cause])),
    describe: (name) =>
      Promise.resolve(started.has(name) ? { ...running, name } : { name, status: 'UNKNOWN' }),
  };
  return { workflows, started, resumed, cancelled, stopped };
}

function kitchen(initial: TicketRecord[] = [], workflows = memoryWorkflows()) {
  const memory = memoryTickets(initial);
  const cancelledEvents: Array<[string, string, string]> = [];
  const overdueEvents: Array<[string, number, string]> = [];
  const overdueCounts: number[] = [];
  const deps: KitchenDeps = {
    tickets: memory.tickets,
    workflows: workflows.workflows,
    events: {
      cancelled: (ticket, cancelledAt, reason) =>
        Promise.resolve(void cancelledEvents.push([ticket.id, cancelledAt, reason])),
      overdue: (ticket, waited, correlationId) =>
        Promise.resolve(void overdueEvents.push([ticket.id, waited, correlationId])),
    },
    metrics: { overdueTickets: (count) => void overdueCounts.push(count) },
    now: () => at,
    defaultChannel: 'sms',
    overdueAfterMinutes: 15,
    timeZone: 'Europe/Amsterdam',
  };
  return { deps, ...memory, ...workflows, cancelledEvents, overdueEvents, overdueCounts };
}

describe('takeOrder and acceptTicket', () => {
  it("starts the order's workflow named after it, once however often the event comes", async () => {
    const { deps, started } = kitchen();
    const cause = { correlationId: 'corr-1', causationId: 'placed-1' };
    await expect(takeOrder(orderOf('o-1'), cause, deps)).resolves.toBe(true);
    await expect(takeOrder(orderOf('o-1'), cause, deps)).resolves.toBe(false);
    expect(started.get('o-1')).toEqual({ order: orderOf('o-1'), ...cause });
  });

  it('opens a QUEUED ticket on the default channel and hands the later states what they need', async () => {
    const { deps, all } = kitchen();
    const accepted = await acceptTicket({ order: orderOf('o-1', 3), correlationId: 'corr-1' }, deps);
    expect(accepted).toEqual({
      ticketId: 'o-1',
      orderId: 'o-1',
      customerId: 'alice',
      status: 'QUEUED',
      bakeSeconds: 600,
      channel: 'sms',
      correlationId: 'corr-1',
      // No cause in the input (a ticket copied from the monolith): the ticket names itself.
      causationId: 'o-1',
    });
    expect(all.get('o-1')).toMatchObject({
      status: 'QUEUED',
      items: [{ itemId: 'margherita', name: 'Margherita', quantity: 3 }],
      overdue: false,
      placedAt: '2026-12-01T18:00:00.000Z',
      order: orderOf('o-1', 3),
    });
  });

  it('keeps the cause the workflow was given on the ticket, and hands it on', async () => {
    const { deps, all } = kitchen();
    const accepted = await acceptTicket(
      { order: orderOf('o-1'), correlationId: 'corr-1', causationId: 'placed-1' },
      deps,
    );
    expect(accepted.causationId).toBe('placed-1');
    expect(all.get('o-1')?.causationId).toBe('placed-1');
  });

  it("hands on the cause stored with the ticket on a retry, not the retry's", async () => {
    const { deps } = kitchen([queued('o-1', { causationId: 'placed-1' })]);
    const accepted = await acceptTicket(
      { order: orderOf('o-1'), correlationId: 'corr-1', causationId: 'redelivered-2' },
      deps,
    );
    expect(accepted.causationId).toBe('placed-1');
  });

  it('answers the stored ticket on a retry, also one cancelled before it was opened', async () => {
    const { deps } = kitchen([queued('o-1', { status: 'CANCELLED', correlationId: 'first' })]);
    await expect(
      acceptTicket({ order: orderOf('o-1'), correlationId: 'again' }, deps),
    ).resolves.toMatchObject({
      status: 'CANCELLED',
      correlationId: 'first',
    });
  });
});

describe('awaitCook', () => {
  it('keeps the task token on a QUEUED ticket', async () => {
    const { deps, all } = kitchen([queued('o-1')]);
    await awaitCook('o-1', 'token-1', deps);
    expect(all.get('o-1')?.taskToken).toBe('token-1');
  });

  it('fails the step with Kitchen.Cancelled for a cancelled ticket, and names any other state', async () => {
    const { deps } = kitchen([queued('o-1', { status: 'CANCELLED' }), queued('o-2', { status: 'READY' })]);
    await expect(awaitCook('o-1', 'token-1', deps)).rejects.toThrow(new TicketWasCancelled('o-1'));
    await expect(awaitCook('o-1', 'token-1', deps)).rejects.toMatchObject({ name: 'Kitchen.Cancelled' });
    await expect(awaitCook('o-2', 'token-2', deps)).rejects.toThrow(new TicketNotStartable('o-2', 'READY'));
    await expect(awaitCook('o-3', 'token-3', deps)).rejects.toThrow(new TicketNotFound('o-3'));
  });
});

describe('getKitchenQueue and getTicket', () => {
  it("lists the open tickets' orders, with the cursor only when there is more", async () => {
    const { deps } = kitchen([
      queued('o-1'),
      queued('o-2', { status: 'BAKING' }),
      queued('o-3', { status: 'READY' }),
    ]);
    await expect(getKitchenQueue({ limit: 5 }, deps)).resolves.toEqual({
      items: [orderOf('o-1'), orderOf('o-2')],
    });
    await expect(getKitchenQueue({ limit: 1 }, deps)).resolves.toEqual({
      items: [orderOf('o-1')],
      nextCursor: 'next',
    });
  });

  it('shows a ticket with its workflow and its times, never its task token', async () => {
    const { deps } = kitchen(
      [queued('o-1', { taskToken: 'secret', startedAt: 's', readyAt: 'r', cancelledAt: 'c', failedAt: 'f' })],
      memoryWorkflows(['o-1']),
    );
    const ticket = await getTicket('o-1', deps);
    expect(ticket).toMatchObject({
      id: 'o-1',
      status: 'QUEUED',
      bakeSeconds: 540,
      channel: 'sms',
      overdue: false,
      startedAt: 's',
      readyAt: 'r',
      cancelledAt: 'c',
      failedAt: 'f',
      workflow: { name: 'o-1', status: 'RUNNING' },
    });
    expect(ticket).not.toHaveProperty('taskToken');
    expect(ticket).not.toHaveProperty('order');
    await expect(getTicket('o-9', deps)).rejects.toThrow(new TicketNotFound('o-9'));
  });
});

describe('startTicket', () => {
  it('makes a QUEUED ticket BAKING and resumes its workflow with the start time', async () => {
    const workflows = memoryWorkflows(['o-1'], ['token-1']);
    const { deps, all, resumed } = kitchen([queued('o-1', { taskToken: 'token-1' })], workflows);
    const ticket = await startTicket('o-1', deps);
    expect(ticket).toMatchObject({
      status: 'BAKING',
      startedAt: at.toISOString(),
      workflow: { status: 'RUNNING' },
    });
    expect(ticket).not.toHaveProperty('taskToken');
    expect(resumed).toEqual([['token-1', { startedAt: at.toISOString() }]]);
    expect(all.get('o-1')?.status).toBe('BAKING');
  });

  it('starts the workflow of a ticket copied from the monolith, which has no token', async () => {
    const { deps, started } = kitchen([queued('o-1')]);
    await expect(startTicket('o-1', deps)).resolves.toMatchObject({ status: 'BAKING' });
    expect(started.get('o-1')).toEqual({ order: orderOf('o-1'), correlationId: 'corr-o-1' });
  });

  it('starts a ticket whose running workflow has not stored its token yet: the cook step then finds it BAKING', async () => {
    // Prepare: the execution runs (it is in its cook step's Lambda), the ticket has no token yet
    const { deps, all } = kitchen([queued('o-1')], memoryWorkflows(['o-1']));

    // Act
    const ticket = await startTicket('o-1', deps);

    // Assess: started, and the cook step that stores the token next bakes at once
    expect(ticket).toMatchObject({ status: 'BAKING', workflow: { status: 'RUNNING' } });
    expect(all.get('o-1')).toMatchObject({ status: 'BAKING', startedAt: at.toISOString() });
    // By its name: the cook step's Catch goes on to the bake on `Kitchen.Started`.
    await expect(awaitCook('o-1', 'token-1', deps)).rejects.toMatchObject({
      name: 'Kitchen.Started',
      message: 'Ticket o-1 was started before its workflow waited for a cook.',
    });
  });

  it('puts back a ticket without a token whose workflow has already ended', async () => {
    // Prepare: the execution exists, so it cannot start again, but it no longer runs.
    const memory = memoryWorkflows(['o-1']);
    memory.workflows.describe = (name) => Promise.resolve({ name, status: 'SUCCEEDED' });
    const { deps, all } = kitchen([queued('o-1')], memory);

    // Act
    const start = startTicket('o-1', deps);

    // Assess
    await expect(start).rejects.toThrow(new TicketNotStartable('o-1', 'QUEUED'));
    expect(all.get('o-1')?.status).toBe('QUEUED');
  });

  it('puts the ticket back when the workflow no longer waits on its token', async () => {
    const { deps, all } = kitchen([queued('o-1', { taskToken: 'closed' })]);
    await expect(startTicket('o-1', deps)).rejects.toThrow(new TicketNotStartable('o-1', 'QUEUED'));
    expect(all.get('o-1')?.status).toBe('QUEUED');
  });

  it('refuses a ticket that is not QUEUED with its status, and an unknown one', async () => {
    const { deps } = kitchen([queued('o-1', { status: 'BAKING' })]);
    await expect(startTicket('o-1', deps)).rejects.toThrow(new TicketNotStartable('o-1', 'BAKING'));
    await expect(startTicket('o-2', deps)).rejects.toThrow(new TicketNotFound('o-2'));
  });
});

describe('cancelling a ticket', () => {
  it('cancels a waiting ticket for staff, fails its cook step and announces TicketCancelled', async () => {
    const { deps, all, cancelled, cancelledEvents } = kitchen(
      [queued('o-1', { taskToken: 'token-1' })],
      memoryWorkflows(['o-1']),
    );
    const ticket = await cancelTicketByStaff('o-1', deps);
    expect(ticket).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: at.toISOString(),
      workflow: { status: 'RUNNING' },
    });
    expect(all.get('o-1')).toMatchObject({ status: 'CANCELLED', cancelReason: 'STAFF' });
    expect(cancelled).toEqual([['token-1', 'Kitchen.Cancelled: STAFF']]);
    expect(cancelledEvents).toEqual([['o-1', at.toISOString(), 'STAFF']]);
  });

  it('cancels a baking ticket by stopping its workflow, with no token to fail', async () => {
    const { deps, cancelled, stopped } = kitchen([queued('o-1', { status: 'BAKING' })]);
    await expect(cancelTicketByStaff('o-1', deps)).resolves.toMatchObject({ status: 'CANCELLED' });
    expect(cancelled).toEqual([]);
    expect(stopped).toEqual([['o-1', 'Kitchen.Cancelled: STAFF']]);
  });

  it('stops no workflow for a ticket whose cook step it can fail, nor for one not yet waiting', async () => {
    // Prepare: one ticket waits for a cook (its token stored), one was opened before its step ran.
    const { deps, cancelled, stopped } = kitchen([queued('o-1', { taskToken: 'token-1' }), queued('o-2')]);

    // Act
    await cancelTicketByStaff('o-1', deps);
    await cancelTicketByStaff('o-2', deps);

    // Assess
    expect(cancelled).toEqual([['token-1', 'Kitchen.Cancelled: STAFF']]);
    expect(stopped).toEqual([]);
  });

  it('answers a repeated cancel the same, announcing it again with the first time and reason', async () => {
    const { deps, cancelledEvents } = kitchen([
      queued('o-1', { status: 'CANCELLED', cancelledAt: 'first', cancelReason: 'ORDER_CANCELLED' }),
      queued('o-2', { status: 'CANCELLED' }),
    ]);
    await expect(cancelTicketByStaff('o-1', deps)).resolves.toMatchObject({ cancelledAt: 'first' });
    await cancelTicketByStaff('o-2', deps);
    expect(cancelledEvents).toEqual([
      ['o-1', 'first', 'ORDER_CANCELLED'],
      ['o-2', at.toISOString(), 'STAFF'],
    ]);
  });

  it('refuses a ticket that ended otherwise, and an unknown one', async () => {
    const { deps, cancelledEvents } = kitchen([queued('o-1', { status: 'READY' })]);
    await expect(cancelTicketByStaff('o-1', deps)).rejects.toThrow(new TicketNotCancellable('o-1', 'READY'));
    await expect(cancelTicketByStaff('o-2', deps)).rejects.toThrow(new TicketNotFound('o-2'));
    expect(cancelledEvents).toEqual([]);
  });
});

describe('dropOrder', () => {
  it("cancels the order's ticket for the order's sake", async () => {
    const { deps, all } = kitchen([queued('o-1')]);
    await dropOrder(orderOf('o-1'), 'corr-2', deps);
    expect(all.get('o-1')).toMatchObject({ status: 'CANCELLED', cancelReason: 'ORDER_CANCELLED' });
  });

  it('stores a cancelled ticket when the event overtakes the workflow', async () => {
    const { deps, all } = kitchen();
    await dropOrder(orderOf('o-1'), 'corr-2', deps);
    expect(all.get('o-1')).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: at.toISOString(),
      cancelReason: 'ORDER_CANCELLED',
      correlationId: 'corr-2',
      channel: 'sms',
    });
  });

  it('leaves a ticket that is ready alone, and lets any other failure through', async () => {
    const { deps, all } = kitchen([queued('o-1', { status: 'READY' })]);
    await expect(dropOrder(orderOf('o-1'), 'corr-2', deps)).resolves.toBeUndefined();
    expect(all.get('o-1')?.status).toBe('READY');
    jest.spyOn(deps.tickets, 'cancel').mockRejectedValue(new Error('throttled'));
    await expect(dropOrder(orderOf('o-1'), 'corr-2', deps)).rejects.toThrow('throttled');
  });
});

describe('sweepOverdue', () => {
  it('announces each ticket waiting longer than the promise once, with its minutes, and counts them all', async () => {
    const late = (id: string, placedAt: string) => queued(id, { placedAt });
    const { deps, overdueEvents, overdueCounts } = kitchen([
      late('o-1', '2026-12-01T18:00:00.000Z'),
      late('o-2', '2026-12-01T18:14:30.000Z'),
      late('o-3', '2026-12-01T18:15:30.000Z'),
    ]);
    await expect(sweepOverdue('sweep-1', deps)).resolves.toBe(2);
    await expect(sweepOverdue('sweep-2', deps)).resolves.toBe(2);
    expect(overdueEvents).toEqual([
      ['o-1', 30, 'sweep-1'],
      ['o-2', 15, 'sweep-1'],
    ]);
    expect(overdueCounts).toEqual([2, 2]);
  });
});

describe('writeDailySummary', () => {
  it("writes the summary of the store's local day", async () => {
    const { deps, summaries } = kitchen([queued('o-1')]);
    const summary = await writeDailySummary({ ...deps, now: () => new Date('2026-12-01T23:30:00.000Z') });
    expect(summary).toMatchObject({
      date: '2026-12-02',
      timeZone: 'Europe/Amsterdam',
      tickets: 1,
      pizzas: 2,
    });
    expect(summaries).toEqual([summary]);
  });
});

describe('the ticket problems and references', () => {
  it('say what is wrong with the ticket', () => {
    expect(new TicketNotFound('o-1').message).toBe('There is no ticket o-1.');
    expect(new TicketNotStartable('o-1', 'BAKING').message).toBe(
      'Ticket o-1 is BAKING; only a QUEUED ticket can be started.',
    );
    expect(new TicketNotCancellable('o-1', 'READY').message).toBe(
      'Ticket o-1 is READY; only a QUEUED or BAKING ticket can be cancelled.',
    );
    expect(new TicketWasCancelled('o-1').message).toBe('Ticket o-1 was cancelled.');
  });

  it('refer to a ticket in events by its id, order and customer only', () => {
    expect(ticketRef(queued('o-1', { taskToken: 'secret' }))).toEqual({
      id: 'o-1',
      orderId: 'o-1',
      customerId: 'alice',
    });
  });
});
