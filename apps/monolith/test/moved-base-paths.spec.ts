import { AwsJsonError, type AwsJsonCall } from '@slice/middleware';
import { movedBasePathsFrom } from '../src/adapters/moved-base-paths';

/** An SSM client that answers each GetParameter from `answers` in turn and counts the calls. */
function ssmAnswering(...answers: (string | Error)[]) {
  const calls: Record<string, unknown>[] = [];
  const ssm = ((operation: string, input: Record<string, unknown>) => {
    calls.push({ operation, ...input });
    const answer = answers[Math.min(calls.length, answers.length) - 1];
    return answer instanceof Error
      ? Promise.reject(answer)
      : Promise.resolve({ Parameter: { Name: input.Name, Value: answer } });
  }) as AwsJsonCall;
  return { ssm, calls };
}

describe('movedBasePathsFrom()', () => {
  afterEach(() => jest.useRealTimers());

  it('reads the published base paths with GetParameter', async () => {
    const { ssm, calls } = ssmAnswering('{"basePaths":["menu","orders"]}');
    const moved = movedBasePathsFrom('/slice/dev/front-door/moved-base-paths', { ssm });
    expect(await moved()).toEqual(new Set(['menu', 'orders']));
    expect(calls).toEqual([
      { operation: 'GetParameter', Name: '/slice/dev/front-door/moved-base-paths', WithDecryption: false },
    ]);
  });

  it('serves the value for a minute, then reads the parameter again', async () => {
    // Prepare
    jest.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') });
    const { ssm, calls } = ssmAnswering('{"basePaths":["menu"]}', '{"basePaths":["menu","orders"]}');
    const moved = movedBasePathsFrom('/p', { ssm });

    // Act
    const first = await moved();
    jest.setSystemTime(new Date('2026-12-02T10:00:59Z'));
    const cached = await moved();
    jest.setSystemTime(new Date('2026-12-02T10:01:01Z'));
    const flipped = await moved();

    // Assess
    expect([first, cached, flipped]).toEqual([
      new Set(['menu']),
      new Set(['menu']),
      new Set(['menu', 'orders']),
    ]);
    expect(calls).toHaveLength(2);
  });

  it('makes one read for requests that arrive while it is under way', async () => {
    const { ssm, calls } = ssmAnswering('{"basePaths":["menu"]}');
    const moved = movedBasePathsFrom('/p', { ssm });
    await Promise.all([moved(), moved(), moved()]);
    expect(calls).toHaveLength(1);
  });

  it('fails while SSM fails, and reads again on the next call', async () => {
    const { ssm, calls } = ssmAnswering(
      new AwsJsonError('ThrottlingException', 400, 'Rate exceeded'),
      '{"basePaths":[]}',
    );
    const moved = movedBasePathsFrom('/p', { ssm });
    await expect(moved()).rejects.toThrow('Rate exceeded');
    expect(await moved()).toEqual(new Set());
    expect(calls).toHaveLength(2);
  });

  it('refuses a parameter that is not what the front door publishes', async () => {
    for (const value of ['not json', '{"basePaths":"menu"}', '{"basePaths":[""]}']) {
      const { ssm } = ssmAnswering(value);
      await expect(movedBasePathsFrom('/p', { ssm })()).rejects.toThrow();
    }
  });
});
