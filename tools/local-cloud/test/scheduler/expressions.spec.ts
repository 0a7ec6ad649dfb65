import { nextRun, parseScheduleExpression } from '../../src/services/scheduler';

const runs = (text: string, from: string, count: number, zone = 'UTC'): string[] => {
  const expression = parseScheduleExpression(text);
  const found: string[] = [];
  let after = Date.parse(from);
  for (let index = 0; index < count; index++) {
    const next = nextRun(expression, { zone, after, anchor: 0 });
    if (next === undefined) break;
    found.push(new Date(next).toISOString());
    after = next;
  }
  return found;
};

describe('AWS cron on croner', () => {
  it('translates the six AWS fields to croner with a zero seconds field', () => {
    expect(parseScheduleExpression('cron(15 9 ? * MON-FRI *)')).toMatchObject({
      croner: '0 15 9 ? * MON-FRI *',
    });
  });

  it('numbers days of the week from 1 (Sunday), as AWS does', () => {
    expect(parseScheduleExpression('cron(0 10 ? * 2-6 *)')).toMatchObject({ croner: '0 0 10 ? * 1-5 *' });
    expect(runs('cron(0 10 ? * 1 *)', '2026-12-01T00:00:00Z', 1)).toEqual(['2026-12-06T10:00:00.000Z']);
  });

  it('reads # as the nth weekday and nL as the last one of the month', () => {
    expect(runs('cron(0 10 ? * 2#1 *)', '2026-12-01T00:00:00Z', 2)).toEqual([
      '2026-12-07T10:00:00.000Z',
      '2027-01-04T10:00:00.000Z',
    ]);
    expect(runs('cron(0 10 ? * 6L *)', '2026-12-01T00:00:00Z', 1)).toEqual(['2026-12-25T10:00:00.000Z']);
  });

  it('reads L as the last day of the month or of the week, and W as the nearest weekday', () => {
    expect(runs('cron(0 10 L * ? *)', '2026-02-01T00:00:00Z', 1)).toEqual(['2026-02-28T10:00:00.000Z']);
    expect(runs('cron(0 10 ? * L *)', '2026-12-01T00:00:00Z', 1)).toEqual(['2026-12-05T10:00:00.000Z']);
    // 2026-11-15 is a Sunday: its nearest weekday is Monday the 16th.
    expect(runs('cron(0 10 15W * ? *)', '2026-11-01T00:00:00Z', 1)).toEqual(['2026-11-16T10:00:00.000Z']);
  });

  it('honours the year field and ends when its years are over', () => {
    expect(runs('cron(0 9 1 1 ? 2028)', '2026-12-01T00:00:00Z', 2)).toEqual(['2028-01-01T09:00:00.000Z']);
  });

  it('runs weekdays only when day-of-month is ?', () => {
    expect(runs('cron(0 10 ? * MON-FRI *)', '2026-12-04T11:00:00Z', 2)).toEqual([
      '2026-12-07T10:00:00.000Z',
      '2026-12-08T10:00:00.000Z',
    ]);
  });

  it.each([
    ['cron(0 9 * * *)', /six fields/],
    ['cron(0 9 * * MON *)', /exactly one/],
    ['cron(0 9 ? * ? *)', /exactly one/],
    ['cron(0 9 ? * 8 *)', /1-7/],
    ['cron(0 25 * * ? *)', /cron/],
    ['rate(1 minutes)', /singular/],
    ['rate(5 minute)', /plural/],
    ['rate(0 hours)', /positive/],
    ['at(2026-13-01T00:00:00)', /yyyy-mm-dd/],
    ['every day', /at\(\.\.\.\)/],
  ])('refuses %s', (text, message) => {
    expect(() => parseScheduleExpression(text)).toThrow(message);
  });

  it('refuses at() for a rule', () => {
    expect(() => parseScheduleExpression('at(2026-12-01T09:00:00)', false)).toThrow(/rate\(\.\.\.\) or cron/);
  });
});

describe('at() and rate()', () => {
  it('reads at() as wall-clock time in the schedule time zone, once', () => {
    const at = parseScheduleExpression('at(2026-07-01T09:00:00)');

    expect(new Date(nextRun(at, { zone: 'Europe/Amsterdam', after: 0, anchor: 0 })!).toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    expect(
      nextRun(at, { zone: 'UTC', after: Date.parse('2026-07-01T09:00:00Z'), anchor: 0 }),
    ).toBeUndefined();
  });

  it('runs a rate every period from its anchor', () => {
    const rate = parseScheduleExpression('rate(5 minutes)');
    const anchor = Date.parse('2026-12-01T09:00:00Z');

    expect(new Date(nextRun(rate, { zone: 'UTC', after: anchor, anchor })!).toISOString()).toBe(
      '2026-12-01T09:05:00.000Z',
    );
    expect(new Date(nextRun(rate, { zone: 'UTC', after: anchor + 7 * 60_000, anchor })!).toISOString()).toBe(
      '2026-12-01T09:10:00.000Z',
    );
  });
});
