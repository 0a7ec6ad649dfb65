/**
 * Slice's local EventBridge Scheduler and scheduled rules: each schedule armed on the local
 * cloud's clock, its targets invoked through injected callbacks, a failed invocation retried per
 * its retry policy and then sent to its dead-letter queue with the attributes AWS documents.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../../clock';
import { nextRun } from './expressions';
import type { ScheduleConfig, ScheduleTarget, TargetService } from './resources';

/** One invocation of a target. */
export interface TargetInvocation {
  readonly targetArn: string;
  readonly roleArn?: string;
  /** The payload: the target's input with its context attributes filled in, or the Scheduled Event. */
  readonly input: string;
  /** `SqsParameters`, `EventBridgeParameters`... as declared. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The schedule's or rule's ARN. */
  readonly sourceArn: string;
}

/** A message for a dead-letter queue. */
export interface DeadLetter {
  readonly queueArn: string;
  /** The schedule's or rule's ARN. */
  readonly sourceArn: string;
  /** The target's execution role, which must be allowed to send to the queue. */
  readonly roleArn?: string;
  readonly body: string;
  readonly messageAttributes: Readonly<
    Record<string, { readonly DataType: 'String'; readonly StringValue: string }>
  >;
}

/**
 * Where invocations go, by the service of the target ARN; a target that fails throws (an error
 * with a `code` gives the dead letter its `ERROR_CODE`). `deadLetter` writes to an SQS queue.
 */
export type SchedulerTargets = Readonly<
  Record<TargetService, (invocation: TargetInvocation) => Promise<void>>
> & {
  readonly deadLetter: (message: DeadLetter) => Promise<void>;
};

export interface SchedulerOptions {
  readonly clock: Clock;
  readonly targets: SchedulerTargets;
  /**
   * Runs a scheduled rule (`kind: 'rule'`) that fell due, instead of invoking its targets here:
   * the local cloud hands it to the EventBridge rules, which deliver it as they deliver events.
   * @default its targets are invoked as a schedule's are
   */
  readonly fireRule?: (config: ScheduleConfig, due: number, executionId: string) => Promise<unknown>;
  readonly newId?: () => string;
}

/** A schedule as listings show it. */
export interface ScheduleListing {
  readonly id: string;
  readonly kind: 'schedule' | 'rule';
  readonly name: string;
  readonly arn: string;
  readonly expression: string;
  readonly timezone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  /** ISO-8601, or `null` when it will not run again. */
  readonly nextRun: string | null;
  readonly targets: readonly string[];
}

/** What happened to one scheduled invocation of one target. */
export interface InvocationOutcome {
  readonly scheduleArn: string;
  readonly targetArn: string;
  readonly scheduledTime: string;
  readonly attempts: number;
  readonly status: 'SUCCEEDED' | 'DEAD_LETTERED' | 'DROPPED';
  readonly error?: string;
}

interface Armed {
  readonly config: ScheduleConfig;
  /** When it was put: the anchor of a rate without a start date. */
  readonly createdAt: number;
  timer?: Timer;
}

/** The first retry waits a second, each next twice as long, at most a minute. */
const retryDelay = (retry: number): number => Math.min(60_000, 1000 * 2 ** (retry - 1));
const MAX_KEPT = 1000;

const isoSeconds = (instant: number): string => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The local scheduler.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ clock, targets });
 * scheduler.put(readSchedule(properties, site));
 * scheduler.describe(); // [{ name, expression, nextRun: '2026-12-02T08:00:00.000Z', ... }]
 * await clock.advanceTo(new Date('2026-12-02T08:00:00Z')); // the target is invoked
 * ```
 */
export class Scheduler {
  private readonly schedules = new Map<string, Armed>();
  private readonly outcomes: InvocationOutcome[] = [];
  private readonly newId: () => string;

  constructor(private readonly options: SchedulerOptions) {
    this.newId = options.newId ?? randomUUID;
  }

  /** Adds or replaces a schedule (by id) and arms its next run. */
  put(config: ScheduleConfig): void {
    this.remove(config.id);
    const armed: Armed = { config, createdAt: this.options.clock.now() };
    this.schedules.set(config.id, armed);
    this.arm(armed);
  }

  remove(id: string): void {
    this.schedules.get(id)?.timer?.cancel();
    this.schedules.delete(id);
  }

  /** Cancels every timer; schedules are dropped. */
  stop(): void {
    for (const id of [...this.schedules.keys()]) this.remove(id);
  }

  /** Every schedule with its next run. */
  describe(): readonly ScheduleListing[] {
    return [...this.schedules.values()].map(({ config, timer }) => ({
      id: config.id,
      kind: config.kind,
      name: config.name,
      arn: config.arn,
      expression: config.expression.text,
      timezone: config.timezone,
      state: config.enabled ? 'ENABLED' : 'DISABLED',
      nextRun: timer ? new Date(timer.dueAt).toISOString() : null,
      targets: config.targets.map((target) => target.arn),
    }));
  }

  /** What the invocations came to, oldest first. */
  invocations(): readonly InvocationOutcome[] {
    return [...this.outcomes];
  }

  private arm(armed: Armed, after = this.options.clock.now()): void {
    const { config } = armed;
    armed.timer = undefined;
    if (!config.enabled) return;
    const from = Math.max(after, (config.startDate ?? Number.NEGATIVE_INFINITY) - 1);
    const due = nextRun(config.expression, {
      zone: config.timezone,
      after: from,
      anchor: config.startDate ?? armed.createdAt,
    });
    // A run not after the last one would fire again at once, for ever.
    if (due === undefined || due <= from || (config.endDate !== undefined && due > config.endDate)) return;
    armed.timer = this.options.clock.at(due, () => this.fire(armed, due));
  }

  private fire(armed: Armed, due: number): Promise<unknown> {
    if (this.schedules.get(armed.config.id) !== armed) return Promise.resolve();
    this.arm(armed, due);
    const executionId = this.newId();
    if (armed.config.kind === 'rule' && this.options.fireRule)
      return this.options.fireRule(armed.config, due, executionId);
    return Promise.all(
      armed.config.targets.map((target) => this.attempt(armed.config, target, due, executionId, 1)),
    );
  }

  private async attempt(
    config: ScheduleConfig,
    target: ScheduleTarget,
    due: number,
    executionId: string,
    attempt: number,
  ): Promise<void> {
    const invocation: TargetInvocation = {
      targetArn: target.arn,
      ...(target.roleArn === undefined ? {} : { roleArn: target.roleArn }),
      input: payload(config, target, due, executionId, attempt),
      parameters: target.parameters,
      sourceArn: config.arn,
    };
    try {
      await this.options.targets[target.service](invocation);
      this.record({
        scheduleArn: config.arn,
        targetArn: target.arn,
        scheduledTime: isoSeconds(due),
        attempts: attempt,
        status: 'SUCCEEDED',
      });
    } catch (error) {
      const retries = attempt - 1;
      const nextAt = this.options.clock.now() + retryDelay(attempt);
      const { maximumRetryAttempts, maximumEventAgeInSeconds } = target.retryPolicy;
      const exhausted =
        retries >= maximumRetryAttempts
          ? 'MaximumRetryAttempts'
          : nextAt - due > maximumEventAgeInSeconds * 1000
            ? 'MaximumEventAgeInSeconds'
            : undefined;
      if (!exhausted) {
        this.options.clock.at(nextAt, () => this.attempt(config, target, due, executionId, attempt + 1));
        return;
      }
      await this.deadLetter({
        config,
        target,
        due,
        executionId,
        retries,
        exhausted,
        error,
        input: invocation.input,
      });
    }
  }

  private async deadLetter(failure: {
    config: ScheduleConfig;
    target: ScheduleTarget;
    due: number;
    executionId: string;
    retries: number;
    exhausted: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';
    error: unknown;
    input: string;
  }): Promise<void> {
    const { config, target, due, retries, error } = failure;
    const message = error instanceof Error ? error.message : String(error);
    const outcome = {
      scheduleArn: config.arn,
      targetArn: target.arn,
      scheduledTime: isoSeconds(due),
      attempts: retries + 1,
      error: message,
    };
    if (target.deadLetterArn === undefined) return this.record({ ...outcome, status: 'DROPPED' });
    try {
      await this.options.targets.deadLetter({
        queueArn: target.deadLetterArn,
        sourceArn: config.arn,
        ...(target.roleArn === undefined ? {} : { roleArn: target.roleArn }),
        body: failure.input,
        messageAttributes: deadLetterAttributes(failure, message),
      });
      this.record({ ...outcome, status: 'DEAD_LETTERED' });
    } catch (dlqError) {
      const lost = dlqError instanceof Error ? dlqError.message : String(dlqError);
      this.record({
        ...outcome,
        status: 'DROPPED',
        error: `${message}; the dead-letter queue refused it too: ${lost}`,
      });
    }
  }

  private record(outcome: InvocationOutcome): void {
    this.outcomes.push(outcome);
    if (this.outcomes.length > MAX_KEPT) this.outcomes.shift();
  }
}

const errorCode = (error: unknown): string => {
  const code =
    typeof error === 'object' && error !== null
      ? (error as { code?: unknown; name?: unknown }).code
      : undefined;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'Error';
};

/**
 * The attributes of a dead letter. A schedule's: `ERROR_CODE`, `ERROR_MESSAGE`, `EXECUTION_ID`,
 * `EXHAUSTED_RETRY_CONDITION`, `IS_PAYLOAD_TRUNCATED`, `RETRY_ATTEMPTS`, `SCHEDULED_TIME`,
 * `SCHEDULE_ARN`, `TARGET_ARN`; a rule's: `RULE_ARN`, `TARGET_ARN`, `ERROR_CODE`,
 * `ERROR_MESSAGE`, `EXHAUSTED_RETRY_CONDITION`, `RETRY_ATTEMPTS`.
 */
function deadLetterAttributes(
  failure: {
    config: ScheduleConfig;
    target: ScheduleTarget;
    due: number;
    executionId: string;
    retries: number;
    exhausted: string;
    error: unknown;
  },
  message: string,
): DeadLetter['messageAttributes'] {
  const { config, target } = failure;
  const common = {
    ERROR_CODE: errorCode(failure.error),
    ERROR_MESSAGE: message,
    EXHAUSTED_RETRY_CONDITION: failure.exhausted,
    RETRY_ATTEMPTS: String(failure.retries),
    TARGET_ARN: target.arn,
  };
  const values: Record<string, string> =
    config.kind === 'rule'
      ? { RULE_ARN: config.arn, ...common }
      : {
          ...common,
          EXECUTION_ID: failure.executionId,
          IS_PAYLOAD_TRUNCATED: 'false',
          SCHEDULED_TIME: isoSeconds(failure.due),
          SCHEDULE_ARN: config.arn,
        };
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      { DataType: 'String' as const, StringValue: value },
    ]),
  );
}

/**
 * A schedule's payload: its `Input` with the context attributes Scheduler fills in
 * (`<aws.scheduler.schedule-arn>`, `<aws.scheduler.scheduled-time>`,
 * `<aws.scheduler.execution-id>`, `<aws.scheduler.attempt-number>`), `{}` without one; a rule's:
 * its `Input`, or the Scheduled Event EventBridge sends.
 */
function payload(
  config: ScheduleConfig,
  target: ScheduleTarget,
  due: number,
  executionId: string,
  attempt: number,
): string {
  if (config.kind === 'rule')
    return (
      target.input ??
      JSON.stringify({
        version: '0',
        id: executionId,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: config.accountId,
        time: isoSeconds(due),
        region: config.region,
        resources: [config.arn],
        detail: {},
      })
    );
  return (target.input ?? '{}')
    .replaceAll('<aws.scheduler.schedule-arn>', config.arn)
    .replaceAll('<aws.scheduler.scheduled-time>', isoSeconds(due))
    .replaceAll('<aws.scheduler.execution-id>', executionId)
    .replaceAll('<aws.scheduler.attempt-number>', String(attempt));
}
