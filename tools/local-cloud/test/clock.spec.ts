import { RealClock, TestClock } from '../src/clock';

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
