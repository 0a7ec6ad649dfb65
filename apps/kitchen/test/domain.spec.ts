import { bakeSecondsOf, isOpen } from '../src/domain/ticket';
import { localDate, summaryOf } from '../src/domain/use-cases';
import type { TicketRecord } from '../src/domain/ticket';

const pizzas = (quantity: number) => [{ itemId: 'margherita', name: 'Margherita', quantity }];

describe('bakeSecondsOf', () => {
  it('bakes one pizza 8 minutes and each more a minute longer', () => {
    expect(bakeSecondsOf(pizzas(1))).toBe(480);
    expect(bakeSecondsOf([...pizzas(2), ...pizzas(1)])).toBe(600);
  });

  it('never bakes longer than 20 minutes', () => {
    expect(bakeSecondsOf(pizzas(20))).toBe(1200);
    expect(bakeSecondsOf([...pizzas(20), ...pizzas(20)])).toBe(1200);
  });
});

describe('isOpen', () => {
  it('holds for tickets waiting or baking, not for ended ones', () => {
    expect(
      ['QUEUED', 'BAKING', 'READY', 'CANCELLED', 'FAILED'].map((status) => isOpen(status as never)),
    ).toEqual([true, true, false, false, false]);
  });
});

describe('localDate', () => {
  it("is the store's date, not UTC's", () => {
    expect(localDate(new Date('2026-12-01T23:30:00Z'), 'Europe/Amsterdam')).toBe('2026-12-02');
    expect(localDate(new Date('2026-12-01T23:30:00Z'), 'America/New_York')).toBe('2026-12-01');
    // Summer time: UTC+2.
    expect(localDate(new Date('2026-07-01T22:30:00Z'), 'Europe/Amsterdam')).toBe('2026-07-02');
  });
});

describe('summaryOf', () => {
  const ticket = (
    status: TicketRecord['status'],
    quantity: number,
    readyAfterSeconds?: number,
    overdue = false,
  ) =>
    ({
      status,
      items: pizzas(quantity),
      overdue,
      placedAt: '2026-12-01T18:00:00.000Z',
      ...(readyAfterSeconds === undefined
        ? {}
        : {
            readyAt: new Date(
              Date.parse('2026-12-01T18:00:00.000Z') + readyAfterSeconds * 1000,
            ).toISOString(),
          }),
    }) as TicketRecord;

  it('counts tickets by status, pizzas, overdue ones and the mean time to ready', () => {
    const summary = summaryOf(
      '2026-12-01',
      'Europe/Amsterdam',
      [ticket('READY', 2, 900), ticket('READY', 1, 1500, true), ticket('CANCELLED', 3)],
      '2026-12-01T22:30:00.000Z',
    );
    expect(summary).toEqual({
      date: '2026-12-01',
      timeZone: 'Europe/Amsterdam',
      tickets: 3,
      byStatus: { READY: 2, CANCELLED: 1 },
      overdue: 1,
      pizzas: 6,
      meanSecondsToReady: 1200,
      writtenAt: '2026-12-01T22:30:00.000Z',
    });
  });

  it('leaves the mean out of a day without a ready ticket', () => {
    expect(summaryOf('2026-12-01', 'UTC', [ticket('CANCELLED', 1)], 'now')).not.toHaveProperty(
      'meanSecondsToReady',
    );
  });
});
