import { availableParallelism } from 'node:os';

/**
 * The account's concurrency on this machine: how many invocations of all functions together may
 * run at once, with a first-in, first-out queue in front for the ones over the limit.
 *
 * Lambda throttles an invocation over the account's limit at once (`TooManyRequestsException`,
 * reason `ConcurrentInvocationLimitExceeded`); its default limit, 1,000, stands for environments
 * AWS has and a laptop does not. Here the limit is the machine's, so an invocation over it waits
 * for a slot, as long as its caller would have waited (the integration timeout behind API
 * Gateway), and only then is throttled.
 *
 * @example
 * ```ts
 * const account = new AccountConcurrency(8);
 * if ((await account.acquire(29_000)) === 'acquired') {
 *   try { await run(); } finally { account.release(); }
 * }
 * ```
 */
export class AccountConcurrency {
  private running = 0;
  private readonly waiting: Array<(granted: boolean) => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`The concurrency limit must be a whole number of at least 1, not ${limit}.`);
  }

  /** Invocations holding a slot. */
  get active(): number {
    return this.running;
  }

  /** Invocations waiting for one. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * A slot now, or the first one freed within `maxWaitMs`; `throttled` when none was freed in
   * time, `stopped` when {@link close} ended the wait.
   */
  acquire(maxWaitMs: number): Promise<'acquired' | 'throttled' | 'stopped'> {
    if (this.running < this.limit && this.waiting.length === 0) {
      this.running += 1;
      return Promise.resolve('acquired');
    }
    return new Promise((resolve) => {
      const grant = (granted: boolean) => {
        clearTimeout(timer);
        resolve(granted ? 'acquired' : 'stopped');
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(grant);
        if (at !== -1) this.waiting.splice(at, 1);
        resolve('throttled');
      }, maxWaitMs);
      this.waiting.push(grant);
    });
  }

  /** Gives a slot back: to the longest waiting invocation, if any. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.running = Math.max(0, this.running - 1);
  }

  /** Ends every wait (`stopped`): the runtime is stopping. */
  close(): void {
    for (const waiter of this.waiting.splice(0)) waiter(false);
  }
}

/**
 * The concurrency limit when none is given: four invocations per core (at least eight). A warm
 * invocation spends most of its time waiting on the local AWS endpoint, so a core serves several
 * at once; more only adds processes that compete for the same cores and memory.
 *
 * @example
 * ```ts
 * defaultConcurrency(); // 8 on a 2-core machine
 * ```
 */
export function defaultConcurrency(cores = availableParallelism()): number {
  return Math.max(8, 4 * cores);
}
