import { LocalClock, RealClock, TestClock } from '../src/clock';

const START = Date.parse('2026-12-01T09:00:00.000Z');

describe('TestClock', () => {
  it('fires due timers in time order, each seeing its own due time, and leaves later ones set', async () => {
    const clock = new TestClock(START);
    const fired: string[] = [];
    clock.after(3000, () => void fired.push(`c@${clock.now() - START}`));
    clock.after(1000, () => void fired.push(`a@${clock.now() - START}`));
    clock.after(1000, () => void fired.push(`b@${clock.now() - START}`));
    clock.after(9000, () => void fired.push('late'));

    await clock.advance(5000);

    expect(fired).toEqual(['a@1000', 'b@1000', 'c@3000']);
    expect(clock.now()).toBe(START + 5000);
    expect(clock.pending).toBe(1);
    expect(clock.nextDueAt).toBe(START + 9000);
  });

  it('fires a timer set by a fired timer within the same advance, after awaiting the work it started', async () => {
    const clock = new TestClock(START);
    const fired: number[] = [];
    clock.after(1000, async () => {
      await Promise.resolve();
      clock.after(500, () => void fired.push(clock.now() - START));
    });

    await clock.advance(2000);

    expect(fired).toEqual([1500]);
  });

  it('runs a ten-minute sleep at once, and a cancelled timer never fires', async () => {
    const clock = new TestClock(START);
    const cancelled = jest.fn();
    clock.after(100, cancelled).cancel();
    const slept = clock.sleep(10 * 60_000).then(() => clock.now());

    await clock.advanceTo(new Date('2026-12-01T09:10:00.000Z'));

    await expect(slept).resolves.toBe(Date.parse('2026-12-01T09:10:00.000Z'));
    expect(cancelled).not.toHaveBeenCalled();
  });

  it('rejects a sleep whose signal aborts and cancels its timer', async () => {
    const clock = new TestClock(START);
    const controller = new AbortController();
    const slept = clock.sleep(60_000, controller.signal);

    controller.abort(new Error('stopped'));

    await expect(slept).rejects.toThrow('stopped');
    expect(clock.pending).toBe(0);
  });

  it('never moves backwards', async () => {
    const clock = new TestClock(START);

    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    await clock.advanceTo(START - 1000);

    expect(clock.now()).toBe(START);
  });
});

describe('RealClock', () => {
  it('fires a timer after real time passes', async () => {
    const clock = new RealClock();
    const before = clock.now();

    await clock.sleep(20);

    expect(clock.now() - before).toBeGreaterThanOrEqual(19);
  });
});

describe('LocalClock', () => {
  const MINUTE = 60_000;

  it('shows the real time until it is moved', () => {
    const clock = new LocalClock();

    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    expect(clock.offsetMs).toBe(0);
  });

  it('fires a timer on real time', async () => {
    const clock = new LocalClock();
    const fired: number[] = [];
    clock.after(20, () => void fired.push(clock.now()));

    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(fired).toHaveLength(1);
  });

  it('fires what falls due when moved, in time order, each at its own due time', async () => {
    const clock = new LocalClock();
    const start = clock.now();
    const fired: Array<[string, number]> = [];
    clock.after(10 * MINUTE, () => void fired.push(['bake', clock.now() - start]));
    clock.after(2 * MINUTE, () => void fired.push(['accept', clock.now() - start]));
    const later = clock.after(30 * MINUTE, () => void fired.push(['late', clock.now()]));

    await clock.advance(10 * MINUTE);

    expect(fired.map(([name]) => name)).toEqual(['accept', 'bake']);
    expect(fired[0]?.[1]).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(fired[0]?.[1]).toBeLessThan(2 * MINUTE + 1000);
    expect(clock.now() - start).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(clock.offsetMs).toBeGreaterThanOrEqual(10 * MINUTE - 50);
    later.cancel();
  });

  it('re-arms the timers still pending against the moved time', async () => {
    const clock = new LocalClock();
    let fired = false;
    clock.after(MINUTE + 30, () => {
      fired = true;
    });

    await clock.advance(MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(fired).toBe(true);
  });

  it('awaits a fired timer before moving on, and fires a timer it sets within the move', async () => {
    const clock = new LocalClock();
    const order: string[] = [];
    clock.after(MINUTE, async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('first');
      clock.after(MINUTE, () => void order.push('chained'));
    });
    clock.after(MINUTE + 1, () => void order.push('second'));

    await clock.advance(3 * MINUTE);

    expect(order).toEqual(['first', 'second', 'chained']);
  });

  it('never moves back, and a cancelled or stopped timer never fires', async () => {
    const clock = new LocalClock();
    const fired: string[] = [];
    clock.after(MINUTE, () => void fired.push('cancelled')).cancel();
    clock.after(2 * MINUTE, () => void fired.push('stopped'));
    clock.stop();

    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    const before = clock.now();
    await clock.advanceTo(before - MINUTE);
    await clock.advance(5 * MINUTE);

    expect(clock.now()).toBeGreaterThanOrEqual(before + 5 * MINUTE);
    expect(fired).toEqual([]);
  });
});
