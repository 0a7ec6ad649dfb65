import { EnvironmentPool } from '../src/services/lambda/environment-pool';
import type { Deployment, ExecutionEnvironment } from '../src/services/lambda/execution-environment';

/** An environment as the pool sees it: its deployment, its flags and a kill that ends its process. */
function fakeEnvironment(deployment: Deployment): ExecutionEnvironment & { readonly killed: boolean } {
  let exit: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const environment = {
    deployment,
    retired: false,
    killed: false,
    dead: false,
    exited,
    kill() {
      environment.killed = true;
      environment.dead = true;
      exit();
    },
  };
  return environment as unknown as ExecutionEnvironment & { readonly killed: boolean };
}

const deployment = { spec: { id: 'SliceTest-dev/Echo' } } as unknown as Deployment;

describe('the environment pool', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('stops each idle environment once it has been idle for the idle timeout, the least recently used first', () => {
    const pool = new EnvironmentPool({ maxEnvironments: 4, idleTimeoutMs: 1_000 });
    const older = pool.add(fakeEnvironment(deployment)) as ReturnType<typeof fakeEnvironment>;
    const newer = pool.add(fakeEnvironment(deployment)) as ReturnType<typeof fakeEnvironment>;

    pool.park(older);
    jest.advanceTimersByTime(600);
    pool.park(newer);
    jest.advanceTimersByTime(500);
    const afterOlderTimeout = { older: older.killed, newer: newer.killed };
    jest.advanceTimersByTime(600);

    expect(afterOlderTimeout).toEqual({ older: true, newer: false });
    expect(newer.killed).toBe(true);
  });

  it('counts the idle time from the last park: an environment taken and parked again stays warm', () => {
    const pool = new EnvironmentPool({ maxEnvironments: 4, idleTimeoutMs: 1_000 });
    const environment = pool.add(fakeEnvironment(deployment)) as ReturnType<typeof fakeEnvironment>;

    pool.park(environment);
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(800);
      expect(pool.takeIdle(deployment)).toBe(environment);
      pool.park(environment);
    }
    const warm = !environment.killed;
    jest.advanceTimersByTime(1_000);

    expect(warm).toBe(true);
    expect(environment.killed).toBe(true);
  });

  it('leaves a busy environment running past the idle timeout', () => {
    const pool = new EnvironmentPool({ maxEnvironments: 4, idleTimeoutMs: 1_000 });
    const environment = pool.add(fakeEnvironment(deployment)) as ReturnType<typeof fakeEnvironment>;

    pool.park(environment);
    pool.takeIdle(deployment);
    jest.advanceTimersByTime(5_000);

    expect(environment.killed).toBe(false);
  });
});
