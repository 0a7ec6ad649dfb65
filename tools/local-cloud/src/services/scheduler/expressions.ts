/**
 * Schedule expressions as EventBridge Scheduler and scheduled EventBridge rules read them:
 * `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` and AWS's six-field `cron(...)`, with their next
 * run times in a time zone. Cron runs on `croner`; AWS's form is translated to croner's.
 */
import { Cron } from 'croner';

/** A schedule expression the local cloud cannot read; the message says why, in AWS's terms. */
export class InvalidScheduleExpressionError extends Error {
  override readonly name = 'InvalidScheduleExpressionError';
}

/** A parsed expression. */
export type ScheduleExpression =
  | { readonly kind: 'at'; readonly text: string; readonly local: string }
  | { readonly kind: 'rate'; readonly text: string; readonly periodMs: number }
  | { readonly kind: 'cron'; readonly text: string; readonly croner: string };

const UNITS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function parseRate(text: string, body: string): ScheduleExpression {
  const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body.trim());
  const value = Number(match?.[1]);
  const unit = match?.[2] ?? '';
  if (!match || value < 1)
    throw new InvalidScheduleExpressionError(
      `${text}: a rate is a positive whole number and minute(s), hour(s) or day(s)`,
    );
  // AWS wants the singular unit for 1 and the plural otherwise.
  if ((value === 1) !== !unit.endsWith('s'))
    throw new InvalidScheduleExpressionError(
      `${text}: use ${value === 1 ? 'a singular' : 'a plural'} unit for ${value}`,
    );
  return { kind: 'rate', text, periodMs: value * (UNITS[unit.replace(/s$/, '')] ?? 0) };
}

const DOW_NAMES = /^(SUN|MON|TUE|WED|THU|FRI|SAT)$/i;

/** AWS numbers days of the week 1 (SUN) to 7 (SAT); croner 0 (SUN) to 6 (SAT). */
function translateDayOfWeek(field: string, text: string): string {
  if (field === '?' || field === '*') return field;
  return field
    .split(',')
    .map((token) => {
      if (token === 'L') return 'SAT'; // the last day of the week
      return token.replace(/\d+/g, (digits, offset: number, whole: string) => {
        // The number after `#` or `/` is a count, not a day.
        const before = whole[offset - 1];
        if (before === '#' || before === '/') return digits;
        const day = Number(digits);
        if (day < 1 || day > 7)
          throw new InvalidScheduleExpressionError(`${text}: day-of-week ${digits} is not 1-7`);
        return String(day - 1);
      });
    })
    .map((token) => (DOW_NAMES.test(token) ? token.toUpperCase() : token))
    .join(',');
}

function parseCron(text: string, body: string): ScheduleExpression {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new InvalidScheduleExpressionError(
      `${text}: cron takes six fields (minutes hours day-of-month month day-of-week year)`,
    );
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dayOfMonth === '?') === (dayOfWeek === '?'))
    throw new InvalidScheduleExpressionError(
      `${text}: exactly one of day-of-month and day-of-week must be ?`,
    );
  const croner = `0 ${minutes} ${hours} ${dayOfMonth} ${month} ${translateDayOfWeek(dayOfWeek, text)} ${year}`;
  try {
    new Cron(croner, { paused: true });
  } catch (error) {
    throw new InvalidScheduleExpressionError(
      `${text}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { kind: 'cron', text, croner };
}

/**
 * Parses a schedule expression. `allowAt` is false for EventBridge rules, which take only
 * `rate()` and `cron()`.
 *
 * @example
 * ```ts
 * parseScheduleExpression('cron(0 9 * * ? *)'); // { kind: 'cron', croner: '0 0 9 * * ? *', ... }
 * parseScheduleExpression('rate(5 minutes)');   // { kind: 'rate', periodMs: 300000, ... }
 * ```
 */
export function parseScheduleExpression(text: string, allowAt = true): ScheduleExpression {
  const match = /^(at|rate|cron)\((.*)\)$/.exec(text.trim());
  if (!match)
    throw new InvalidScheduleExpressionError(`${text}: a schedule is at(...), rate(...) or cron(...)`);
  const [, kind, body = ''] = match;
  if (kind === 'rate') return parseRate(text, body);
  if (kind === 'cron') return parseCron(text, body);
  if (!allowAt)
    throw new InvalidScheduleExpressionError(`${text}: a rule's schedule is rate(...) or cron(...)`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(body) || Number.isNaN(Date.parse(`${body}Z`)))
    throw new InvalidScheduleExpressionError(`${text}: at() takes yyyy-mm-ddThh:mm:ss`);
  return { kind: 'at', text, local: body };
}

/** Whether a time zone is one the runtime knows (IANA names: `Europe/Amsterdam`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The UTC instant of a wall-clock time in a zone (the earlier one when a clock change repeats it). */
function zonedInstant(local: string, zone: string): number {
  const asUtc = Date.parse(`${local}Z`);
  const offsetAt = (instant: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
    return (
      Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant
    );
  };
  const guess = asUtc - offsetAt(asUtc);
  return asUtc - offsetAt(guess);
}

/**
 * The first run strictly after `after` (epoch ms), or `undefined` when there is none: an `at()`
 * in the past, a cron whose years are over. A rate runs every period from `anchor`.
 *
 * @example
 * ```ts
 * const cron = parseScheduleExpression('cron(0 9 * * ? *)');
 * new Date(nextRun(cron, { zone: 'Europe/Amsterdam', after: Date.parse('2026-03-28T12:00:00Z'), anchor: 0 })!);
 * // 2026-03-29T07:00:00.000Z: 09:00 in summer time
 * ```
 */
export function nextRun(
  expression: ScheduleExpression,
  options: { readonly zone: string; readonly after: number; readonly anchor: number },
): number | undefined {
  const { zone, after, anchor } = options;
  if (expression.kind === 'at') {
    const due = zonedInstant(expression.local, zone);
    return due > after ? due : undefined;
  }
  if (expression.kind === 'rate') {
    const periods = Math.max(1, Math.floor((after - anchor) / expression.periodMs) + 1);
    return anchor + periods * expression.periodMs;
  }
  const next = new Cron(expression.croner, { paused: true, timezone: zone }).nextRun(new Date(after));
  return next ? next.getTime() : undefined;
}
