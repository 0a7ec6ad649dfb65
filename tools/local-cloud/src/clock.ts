/**
 * The one clock of the local cloud. Everything that waits on time (Wait states, task timeouts and
 * heartbeats, schedules, SQS delays and visibility, TTL) asks it for the time and for timers, so a
 * test can swap in a {@link TestClock} and move time forward: a ten-minute Wait then runs in
 * milliseconds, and a daily schedule fires when the test says the day has come.
 */

/** A timer set on a {@link Clock}; cancelling a timer that fired or was cancelled does nothing. */
export interface Timer {
  /** When it fires, in epoch milliseconds. */
  readonly dueAt: number;
  cancel(): void;
}

/**
 * What a timer runs when it is due. The test clock awaits the promise it returns before firing
 * the next timer, so work that a timer starts is over before time moves on.
 */
export type TimerCallback = () => void | Promise<unknown>;

/** The time and timers, real or moved by tests. */
export interface Clock {
  /** The time, in epoch milliseconds. */
  now(): number;
  /** Runs `callback` once at `dueAt` (epoch milliseconds), or at once if that has passed. */
  at(dueAt: number, callback: TimerCallback): Timer;
  /** Runs `callback` once after `delayMs`. */
  after(delayMs: number, callback: TimerCallback): Timer;
  /**
   * Resolves after `delayMs`; rejects with the signal's reason when it aborts first (and cancels
   * the timer).
   */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** The real time (`Date.now` and Node's timers). The default of the local cloud. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  at(dueAt: number, callback: TimerCallback): Timer {
    return this.after(dueAt - Date.now(), callback);
  }

  after(delayMs: number, callback: TimerCallback): Timer {
    const dueAt = Date.now() + Math.max(0, delayMs);
    let handle: NodeJS.Timeout | undefined;
    // Node's timers overflow past 2^31 - 1 ms (about 24.8 days): chain them for long waits.
    const arm = () => {
      const remaining = dueAt - Date.now();
      handle = setTimeout(
        () => (remaining > MAX_NODE_DELAY ? arm() : void callback()),
        Math.min(Math.max(0, remaining), MAX_NODE_DELAY),
      );
      handle.unref?.();
    };
    arm();
    return { dueAt, cancel: () => clearTimeout(handle) };
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }
}

const MAX_NODE_DELAY = 2 ** 31 - 1;

interface PendingTimer {
  readonly dueAt: number;
  readonly sequence: number;
  readonly callback: TimerCallback;
}

/**
 * A clock that stands still until a test moves it. {@link TestClock.advance} and
 * {@link TestClock.advanceTo} fire every timer that falls due, in time order (timers due at the
 * same instant in the order they were set), with the clock showing each timer's own due time
 * while it runs; a timer set by a fired timer and due within the advance fires in the same call.
 * Each fired timer's work is awaited before the next fires: the promise its callback returns, and
 * the promise reactions and immediate callbacks it queues. Work that waits on real I/O (a call to
 * a Lambda worker process) is not: await its result (an execution's `whenDone`) or advance again.
 *
 * @example
 * ```ts
 * const clock = new TestClock(new Date('2026-12-01T09:00:00Z'));
 * const done = clock.sleep(10 * 60_000);   // a ten-minute bake
 * await clock.advance(10 * 60_000);        // fires it, at once
 * await done;
 * clock.now();                             // Date.parse('2026-12-01T09:10:00Z')
 * ```
 */
export class TestClock implements Clock {
  private current: number;
  private readonly timers = new Map<number, PendingTimer>();
  private sequence = 0;
  private moving: Promise<void> = Promise.resolve();

  constructor(start: Date | number = Date.now()) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  at(dueAt: number, callback: TimerCallback): Timer {
    const sequence = ++this.sequence;
    const timer = { dueAt: Math.max(dueAt, this.current), sequence, callback };
    this.timers.set(sequence, timer);
    return { dueAt: timer.dueAt, cancel: () => void this.timers.delete(sequence) };
  }

  after(delayMs: number, callback: TimerCallback): Timer {
    return this.at(this.current + Math.max(0, delayMs), callback);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }

  /** How many timers are set and not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the next timer fires, or `undefined` when none is set. */
  get nextDueAt(): number | undefined {
    return this.next(Number.POSITIVE_INFINITY)?.dueAt;
  }

  /** Moves the clock forward by `ms`, firing what falls due. Calls queue behind each other. */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(new RangeError(`The clock only moves forward; got ${ms} ms.`));
    }
    return this.queue(() => this.current + ms);
  }

  /** Moves the clock to `date` (never backwards), firing what falls due. */
  advanceTo(date: Date | number): Promise<void> {
    const target = typeof date === 'number' ? date : date.getTime();
    if (!Number.isFinite(target)) return Promise.reject(new RangeError('Not a valid date.'));
    return this.queue(() => Math.max(target, this.current));
  }

  /** Lets work already started settle (promises and I/O callbacks queued now) without moving. */
  settle(): Promise<void> {
    return this.queue(() => this.current);
  }

  private queue(target: () => number): Promise<void> {
    const run = this.moving.then(() => this.runUntil(target()));
    this.moving = run.catch(() => undefined);
    return run;
  }

  private async runUntil(target: number): Promise<void> {
    await drain();
    for (let timer = this.next(target); timer; timer = this.next(target)) {
      this.timers.delete(timer.sequence);
      this.current = timer.dueAt;
      await timer.callback();
      await drain();
    }
    this.current = target;
  }

  private next(limit: number): PendingTimer | undefined {
    let first: PendingTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.dueAt > limit) continue;
      if (!first || timer.dueAt < first.dueAt) first = timer;
    }
    return first;
  }
}

/** Lets queued promise reactions and immediate callbacks run (two turns: work they queue too). */
const drain = async (): Promise<void> => {
  for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
};

const sleepOn = (clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason as Error);
    };
    const timer = clock.after(delayMs, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
