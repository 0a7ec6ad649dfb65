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

/** The timers a clock has set and not fired: the next one due is the earliest, ties in setting order. */
class TimerSet {
  private readonly timers = new Map<number, PendingTimer>();
  private sequence = 0;

  add(dueAt: number, callback: TimerCallback): PendingTimer {
    const timer = { dueAt, sequence: ++this.sequence, callback };
    this.timers.set(timer.sequence, timer);
    return timer;
  }

  /** Whether the timer was still pending. */
  delete(timer: PendingTimer): boolean {
    return this.timers.delete(timer.sequence);
  }

  get size(): number {
    return this.timers.size;
  }

  all(): PendingTimer[] {
    return [...this.timers.values()];
  }

  /** The first timer due at or before `limit`. */
  next(limit: number): PendingTimer | undefined {
    let first: PendingTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.dueAt > limit) continue;
      if (!first || timer.dueAt < first.dueAt) first = timer;
    }
    return first;
  }
}

/** A clock that tests (or the developer) move forward: {@link TestClock} and {@link LocalClock}. */
export interface MovableClock extends Clock {
  /** Moves the clock forward by `ms`, firing what falls due; resolves once their work is over. */
  advance(ms: number): Promise<void>;
  /** Moves the clock to `date` (never backwards), firing what falls due. */
  advanceTo(date: Date | number): Promise<void>;
}

/**
 * Moves a clock forward one timer at a time: each due timer fires with the clock showing its own
 * due time (`showing`), its work awaited before the next; calls queue behind each other.
 */
class Mover {
  private moving: Promise<void> = Promise.resolve();

  constructor(
    private readonly timers: TimerSet,
    private readonly fire: (timer: PendingTimer) => Promise<void>,
  ) {}

  by(now: () => number, ms: number, show: (time: number) => void): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(new RangeError(`The clock only moves forward; got ${ms} ms.`));
    }
    return this.queue(() => now() + ms, show);
  }

  to(now: () => number, date: Date | number, show: (time: number) => void): Promise<void> {
    const target = typeof date === 'number' ? date : date.getTime();
    if (!Number.isFinite(target)) return Promise.reject(new RangeError('Not a valid date.'));
    return this.queue(() => Math.max(target, now()), show);
  }

  private queue(target: () => number, show: (time: number) => void): Promise<void> {
    const run = this.moving.then(() => this.runUntil(target(), show));
    this.moving = run.catch(() => undefined);
    return run;
  }

  private async runUntil(target: number, show: (time: number) => void): Promise<void> {
    await drain();
    for (let timer = this.timers.next(target); timer; timer = this.timers.next(target)) {
      show(timer.dueAt);
      await this.fire(timer);
      await drain();
    }
    show(target);
  }
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
export class TestClock implements MovableClock {
  private current: number;
  private readonly timers = new TimerSet();
  private readonly mover = new Mover(this.timers, async (timer) => {
    this.timers.delete(timer);
    await timer.callback();
  });

  constructor(start: Date | number = Date.now()) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  at(dueAt: number, callback: TimerCallback): Timer {
    const timer = this.timers.add(Math.max(dueAt, this.current), callback);
    return { dueAt: timer.dueAt, cancel: () => void this.timers.delete(timer) };
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
    return this.timers.next(Number.POSITIVE_INFINITY)?.dueAt;
  }

  advance(ms: number): Promise<void> {
    return this.mover.by(() => this.current, ms, this.show);
  }

  advanceTo(date: Date | number): Promise<void> {
    return this.mover.to(() => this.current, date, this.show);
  }

  /** Lets work already started settle (promises and I/O callbacks queued now) without moving. */
  settle(): Promise<void> {
    return this.mover.by(() => this.current, 0, this.show);
  }

  private readonly show = (time: number) => {
    this.current = time;
  };
}

/**
 * The local cloud's clock: the real time, which the developer and tests can move forward
 * (`POST /_local/clock`) but never back. Timers fire at their time on Node's timers; moving the
 * clock fires every timer that falls due at once, in time order, each with the clock showing its
 * own due time and its work awaited before the next (as {@link TestClock} does), and re-arms the
 * rest against the moved time. Real time goes on from where the clock was moved to.
 *
 * @example
 * ```ts
 * const clock = new LocalClock();
 * clock.after(10 * 60_000, bakeDone); // a ten-minute bake
 * await clock.advance(10 * 60_000);   // done now; clock.now() is ten minutes ahead of Date.now()
 * ```
 */
export class LocalClock implements MovableClock {
  private offset = 0;
  private readonly timers = new TimerSet();
  private readonly handles = new Map<PendingTimer, NodeJS.Timeout>();
  private readonly mover = new Mover(this.timers, async (timer) => {
    if (this.remove(timer)) await timer.callback();
  });

  now(): number {
    return Date.now() + this.offset;
  }

  /** How far ahead of the real time the clock has been moved, in milliseconds. */
  get offsetMs(): number {
    return this.offset;
  }

  at(dueAt: number, callback: TimerCallback): Timer {
    const timer = this.timers.add(Math.max(dueAt, this.now()), callback);
    this.arm(timer);
    return { dueAt: timer.dueAt, cancel: () => void this.remove(timer) };
  }

  after(delayMs: number, callback: TimerCallback): Timer {
    return this.at(this.now() + Math.max(0, delayMs), callback);
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }

  advance(ms: number): Promise<void> {
    return this.mover.by(() => this.now(), ms, this.show).finally(() => this.rearm());
  }

  advanceTo(date: Date | number): Promise<void> {
    return this.mover.to(() => this.now(), date, this.show).finally(() => this.rearm());
  }

  /** Cancels every timer: a stopped cloud leaves none behind. */
  stop(): void {
    for (const timer of this.timers.all()) this.remove(timer);
  }

  private readonly show = (time: number) => {
    this.offset = Math.max(this.offset, time - Date.now());
  };

  /** Sets the Node timer of a pending timer; Node's timers overflow past 2^31 - 1 ms, so long waits chain. */
  private arm(timer: PendingTimer): void {
    const remaining = timer.dueAt - this.now();
    const handle = setTimeout(
      () => (remaining > MAX_NODE_DELAY ? this.arm(timer) : void this.fireOnTime(timer)),
      Math.min(Math.max(0, remaining), MAX_NODE_DELAY),
    );
    handle.unref?.();
    this.handles.set(timer, handle);
  }

  private async fireOnTime(timer: PendingTimer): Promise<void> {
    if (this.remove(timer)) await timer.callback();
  }

  /** After a move, the timers still pending are due sooner in real time. */
  private rearm(): void {
    for (const timer of this.timers.all()) {
      clearTimeout(this.handles.get(timer));
      this.arm(timer);
    }
  }

  /** Whether the timer was still pending. */
  private remove(timer: PendingTimer): boolean {
    clearTimeout(this.handles.get(timer));
    this.handles.delete(timer);
    return this.timers.delete(timer);
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
