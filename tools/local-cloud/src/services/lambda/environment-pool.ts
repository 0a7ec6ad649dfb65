import type { Deployment, ExecutionEnvironment } from './execution-environment';

/** How {@link EnvironmentPool} bounds the environments it keeps. */
export interface EnvironmentPoolLimits {
  /** The most environments alive at once, busy and idle, of every function together. */
  readonly maxEnvironments: number;
  /** How long an idle environment is kept for a next invocation before it is stopped. */
  readonly idleTimeoutMs: number;
}

/**
 * Every live execution environment of the runtime, and the idle ones by deployment. An invocation
 * takes its function's most recently used idle environment; an idle one is stopped after the idle
 * timeout (Lambda's Shutdown phase after a period without invocations); and before a new one
 * starts beyond `maxEnvironments`, the least recently used idle environment of any function is
 * stopped, so the environments resident, and the memory they hold, stay bounded.
 *
 * @example
 * ```ts
 * const pool = new EnvironmentPool({ maxEnvironments: 8, idleTimeoutMs: 60_000 });
 * const warm = pool.takeIdle(deployment) ?? (pool.makeRoom() && pool.add(start(deployment)));
 * ```
 */
export class EnvironmentPool {
  private readonly live = new Set<ExecutionEnvironment>();
  private readonly idleByDeployment = new Map<Deployment, ExecutionEnvironment[]>();
  /** Idle environments, the least recently used first, with when each was parked (`performance.now()`). */
  private readonly idleSince = new Map<ExecutionEnvironment, number>();
  /**
   * The one timer that stops idle environments, due when the least recently used one times out:
   * parking an environment after each invocation costs no timer of its own.
   */
  private reclaimer: NodeJS.Timeout | undefined;

  constructor(private readonly limits: EnvironmentPoolLimits) {
    if (!Number.isInteger(limits.maxEnvironments) || limits.maxEnvironments < 1)
      throw new Error(`maxEnvironments must be a whole number of at least 1, not ${limits.maxEnvironments}.`);
    if (!(limits.idleTimeoutMs > 0))
      throw new Error(
        `The idle timeout must be a positive number of milliseconds, not ${limits.idleTimeoutMs}.`,
      );
  }

  /** Tracks a started environment until its process exits. */
  add(environment: ExecutionEnvironment): ExecutionEnvironment {
    this.live.add(environment);
    void environment.exited.then(() => {
      this.live.delete(environment);
      this.forgetIdle(environment);
    });
    return environment;
  }

  /** The deployment's most recently used idle environment, now busy; none when it has no idle one. */
  takeIdle(deployment: Deployment): ExecutionEnvironment | undefined {
    const environment = this.idleByDeployment.get(deployment)?.pop();
    if (environment) this.forgetIdle(environment);
    return environment;
  }

  /** Keeps a busy environment for the next invocation of its deployment, until the idle timeout. */
  park(environment: ExecutionEnvironment): void {
    const idle = this.idleByDeployment.get(environment.deployment) ?? [];
    idle.push(environment);
    this.idleByDeployment.set(environment.deployment, idle);
    this.idleSince.set(environment, performance.now());
    if (this.reclaimer === undefined) this.scheduleReclaim(this.limits.idleTimeoutMs);
  }

  /**
   * Stops the least recently used idle environments until one more may start; false when every
   * environment is busy (the caller holds no slot for it).
   */
  makeRoom(): boolean {
    for (const oldest of this.idleSince.keys()) {
      if (this.resident() < this.limits.maxEnvironments) break;
      this.retire(oldest);
    }
    return this.resident() < this.limits.maxEnvironments;
  }

  /** Stops an environment now (idle), or marks it to stop after its invocation (busy). */
  retire(environment: ExecutionEnvironment): void {
    environment.retired = true;
    this.forgetIdle(environment);
    environment.kill();
  }

  /** Retires every environment of a replaced or forgotten deployment: idle ones now, busy ones after their invocation. */
  retireDeployment(deployment: Deployment): void {
    for (const environment of this.idleByDeployment.get(deployment)?.splice(0) ?? [])
      this.retire(environment);
    this.idleByDeployment.delete(deployment);
    for (const environment of this.live)
      if (environment.deployment === deployment) environment.retired = true;
  }

  isIdle(environment: ExecutionEnvironment): boolean {
    return this.idleSince.has(environment);
  }

  /** Every environment whose process has not exited yet, retired ones included. */
  all(): ExecutionEnvironment[] {
    return [...this.live];
  }

  /** Live environments that count against `maxEnvironments`: retired ones are on their way out. */
  private resident(): number {
    let count = 0;
    for (const environment of this.live) if (!environment.retired && !environment.dead) count += 1;
    return count;
  }

  /** Stops the environments idle for the idle timeout; runs again when the next one is due. */
  private reclaim(): void {
    this.reclaimer = undefined;
    const now = performance.now();
    for (const [environment, since] of this.idleSince) {
      const due = since + this.limits.idleTimeoutMs;
      // The least recently used first: the first not yet due is the next one due.
      if (due > now) return this.scheduleReclaim(due - now);
      this.retire(environment);
    }
  }

  private scheduleReclaim(ms: number): void {
    this.reclaimer = setTimeout(() => this.reclaim(), ms);
    this.reclaimer.unref();
  }

  private forgetIdle(environment: ExecutionEnvironment): void {
    if (!this.idleSince.delete(environment)) return;
    const idle = this.idleByDeployment.get(environment.deployment);
    const at = idle?.indexOf(environment) ?? -1;
    if (idle && at !== -1) idle.splice(at, 1);
  }
}
