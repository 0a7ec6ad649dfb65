import { errorMatches } from './errors';
import { type Json, isRecord } from './json';

/** A retrier or catcher as the definition has it. */
type Handler = Record<string, Json>;

const handlers = (value: Json | undefined): Handler[] =>
  (Array.isArray(value) ? value : []).filter(isRecord) as Handler[];

const errorEquals = (handler: Handler): string[] =>
  (Array.isArray(handler.ErrorEquals) ? handler.ErrorEquals : []).filter(
    (name): name is string => typeof name === 'string',
  );

/**
 * The delay before the next attempt, or `undefined` when no retrier retries this error: the
 * first retrier whose `ErrorEquals` matches decides, and once its `MaxAttempts` (default 3) are
 * used the error goes on to the catchers. The delay is `IntervalSeconds` (default 1) times
 * `BackoffRate` (default 2) to the power of that retrier's attempts so far, at most
 * `MaxDelaySeconds`; `JitterStrategy: FULL` picks a delay between 0 and that.
 *
 * `attempts` holds each retrier's attempts so far and is updated.
 */
export const retryDelayMs = (
  retry: Json | undefined,
  error: string,
  attempts: number[],
  random: () => number,
): number | undefined => {
  const retriers = handlers(retry);
  const index = retriers.findIndex((retrier) => errorMatches(errorEquals(retrier), error));
  const retrier = retriers[index];
  if (!retrier) return undefined;
  const done = attempts[index] ?? 0;
  const maxAttempts = typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3;
  if (done >= maxAttempts) return undefined;
  attempts[index] = done + 1;
  const interval = typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1;
  const backoff = typeof retrier.BackoffRate === 'number' ? retrier.BackoffRate : 2;
  let seconds = interval * backoff ** done;
  if (typeof retrier.MaxDelaySeconds === 'number') seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
};

/** The first catcher whose `ErrorEquals` matches the error, if any. */
export const findCatcher = (catchers: Json | undefined, error: string): Handler | undefined =>
  handlers(catchers).find((catcher) => errorMatches(errorEquals(catcher), error));
