import { type Clock, RealClock, type Timer } from '../../clock';
import type {
  AsyncInvokeConfigSpec,
  EventRuleSpec,
  EventRuleTargetSpec,
  LambdaPermissionSpec,
  LambdaRuntime,
} from '../../model';
import type { QueueStore } from '../sqs/sqs';
import { invokeAsync } from './async-invoke';
import { type DeliveryContext, type TargetDelivery, mayInvoke, payloadFor, undeliverable } from './delivery';
import { compileEventPattern, InvalidEventPatternError } from './event-pattern';
import { type EventEnvelope, type StoredEvent, toEventEnvelope } from './events';

export type { TargetDelivery } from './delivery';

/** Options of {@link startEventRules}. */
export interface EventRulesOptions {
  readonly rules: readonly EventRuleSpec[];
  readonly queues: QueueStore;
  readonly runtime: Pick<LambdaRuntime, 'invoke'>;
  readonly region: string;
  readonly accountId: string;
  /** Lambda's asynchronous invocation settings per function. @default Lambda's defaults for every function */
  readonly asyncInvokeConfigs?: readonly AsyncInvokeConfigSpec[];
  /**
   * The functions' resource-based permissions: a Lambda target needs one letting
   * `events.amazonaws.com` invoke it from the rule, as in AWS. @default not checked
   */
  readonly permissions?: readonly LambdaPermissionSpec[];
  /** Receives every delivery problem, retry and dead-lettered event. @default discarded */
  readonly log?: (text: string) => void;
  /** The delay before Lambda retries a failed asynchronous invocation, doubled each time (Lambda: 1 then 2 minutes). @default 1000 */
  readonly asyncRetryDelayMs?: number;
  /** The clock retries wait on and event ages are measured with. @default the real time */
  readonly clock?: Clock;
}

/** An asynchronous Lambda invocation another service asks for (an SNS subscription, a schedule). */
export interface AsyncInvokeRequest {
  readonly functionId: string;
  readonly functionArn: string;
  /** The event the function receives. */
  readonly payload: unknown;
  /** Who invokes it: the subscription's or schedule's id and ARN, as deliveries record it. */
  readonly sourceId: string;
  readonly sourceArn: string;
  /** The message or event id, as deliveries record it. */
  readonly eventId: string;
}

/** The running rules. */
export interface EventRules {
  /** Matches an event put on a bus against the rules of that bus and delivers it to their targets (in the background). */
  deliver(event: StoredEvent): void;
  /** Every finished delivery, oldest first (the last 1 000). */
  readonly deliveries: readonly TargetDelivery[];
  /**
   * Invokes a function asynchronously for another service, with Lambda's retries, on-failure
   * destination and dead-letter queue (the function's `EventInvokeConfig`), recorded in
   * {@link deliveries} under the source's id.
   */
  invokeAsync(request: AsyncInvokeRequest): void;
  /**
   * Runs a scheduled rule (one with a `ScheduleExpression`) due at `time`: its targets get the
   * `Scheduled Event` (or their `Input`) as an event-pattern rule's targets get an event.
   * Resolves once every target's delivery ended.
   */
  fireScheduled(ruleId: string, time: number, eventId: string): Promise<void>;
  /** Resolves once no delivery is in flight. */
  idle(): Promise<void>;
  /** After a redeploy: the rules, async settings and permissions to use from now on (deliveries in flight finish as they started). */
  update(next: Pick<EventRulesOptions, 'rules' | 'asyncInvokeConfigs' | 'permissions'>): void;
  /** Stops retrying; deliveries in flight are dropped. */
  stop(): Promise<void>;
}

interface CompiledRule {
  readonly spec: EventRuleSpec;
  readonly matches: (event: unknown) => boolean;
}

const maxDeliveries = 1000;

/** The enabled rules with an event pattern; schedule rules and unreadable patterns are logged and skipped. */
function compileRules(specs: readonly EventRuleSpec[], log: (text: string) => void): CompiledRule[] {
  return specs.flatMap((spec) => {
    if (!spec.enabled) return [];
    // A scheduled rule runs on the clock (`fireScheduled`), not on events.
    if (spec.eventPattern === undefined) return [];
    try {
      return [{ spec, matches: compileEventPattern(spec.eventPattern) }];
    } catch (error) {
      if (!(error instanceof InvalidEventPatternError)) throw error;
      log(`${spec.id}: skipped: its event pattern is not valid: ${error.message}`);
      return [];
    }
  });
}

/** Hands the event to one target: a queue takes it as its message, a function as an asynchronous invocation. */
async function deliverTo(
  context: DeliveryContext,
  rule: EventRuleSpec,
  target: EventRuleTargetSpec,
  envelope: EventEnvelope,
): Promise<void> {
  const service = target.arn.split(':')[2];
  const notFound = (what: string) =>
    undeliverable(
      context,
      rule,
      target,
      envelope,
      'ResourceNotFoundException',
      `${what} ${target.arn} does not exist.`,
    );
  if (service === 'sqs') {
    const queue = context.queues.byArn(target.arn);
    if (!queue) return notFound('Queue');
    queue.send({ body: JSON.stringify(payloadFor(target, envelope)), senderId: 'events.amazonaws.com' });
    context.record({
      eventId: envelope.id,
      ruleId: rule.id,
      targetId: target.id,
      outcome: 'delivered',
      invocations: 0,
    });
    return;
  }
  if (service === 'lambda') {
    if (target.functionId === undefined) return notFound('Function');
    if (!mayInvoke(context, rule, target.functionId)) {
      return undeliverable(
        context,
        rule,
        target,
        envelope,
        'NO_PERMISSIONS',
        `No resource-based policy of ${target.arn} lets events.amazonaws.com invoke it from ${rule.arn}.`,
      );
    }
    return invokeAsync(context, rule, target, target.functionId, envelope);
  }
  context.log(
    `${rule.id} → ${target.id}: targets of ${service ?? 'unknown'} are not run locally; event ${envelope.id} not sent`,
  );
}

/** The event EventBridge sends for a scheduled rule, as its targets receive it. */
function scheduledEvent(
  rule: EventRuleSpec,
  time: number,
  eventId: string,
  region: string,
  accountId: string,
): EventEnvelope {
  return {
    version: '0',
    id: eventId,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: accountId,
    time: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [rule.arn],
    detail: {},
  };
}

/** A source that is not a rule (an SNS subscription, a schedule), as the async invocation records it. */
function sourceAsRule(request: AsyncInvokeRequest): { rule: EventRuleSpec; target: EventRuleTargetSpec } {
  return {
    rule: {
      id: request.sourceId,
      stackName: '',
      logicalId: '',
      name: request.sourceId,
      arn: request.sourceArn,
      eventBusName: '',
      enabled: true,
      targets: [],
    },
    target: {
      id: request.functionArn,
      arn: request.functionArn,
      functionId: request.functionId,
      input: JSON.stringify(request.payload),
      maximumRetryAttempts: 0,
      maximumEventAgeSeconds: 0,
    },
  };
}

/** The timers of retries waiting on the clock, so that a stop ends them at once. */
function createSleeper(clock: Clock) {
  const timers = new Set<{ timer: Timer; resolve: () => void }>();
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const entry = {
          timer: clock.after(ms, () => {
            timers.delete(entry);
            resolve();
          }),
          resolve,
        };
        timers.add(entry);
      }),
    wakeAll() {
      for (const entry of [...timers]) {
        entry.timer.cancel();
        entry.resolve();
      }
      timers.clear();
    },
  };
}

/** Counts the deliveries in flight, and wakes who waits for none. */
function createTracker(log: (text: string) => void, stopped: () => boolean) {
  const idleWaiters: Array<() => void> = [];
  let inFlight = 0;
  return {
    track(work: Promise<void>) {
      inFlight += 1;
      void work
        .catch((error: unknown) => {
          // After stop() the runtime goes away under the invocations in flight: not a failure to report.
          if (stopped()) return;
          log(
            `delivery failed on an internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        })
        .finally(() => {
          inFlight -= 1;
          if (inFlight === 0) for (const resolve of idleWaiters.splice(0)) resolve();
        });
    },
    idle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}

/**
 * Runs the EventBridge rules of the templates: each event put on a bus is matched against the
 * patterns of that bus's enabled rules (`compileEventPattern`) and sent to every target of each
 * matching rule, as EventBridge does:
 *
 * - **SQS target:** the event (or `Input`/`InputPath`) becomes the message body.
 * - **Lambda target:** an asynchronous invocation. A function error is retried by Lambda as its
 *   `EventInvokeConfig` says (`MaximumRetryAttempts`, default 2; `MaximumEventAgeInSeconds`),
 *   then the invocation record goes to its on-failure destination and the event to its
 *   `DeadLetterConfig` queue; with neither, it is dropped (and logged). The target's own
 *   `RetryPolicy`/`DeadLetterConfig` are about delivery, not function errors: an event EventBridge
 *   cannot deliver (the function or queue does not exist, or no `AWS::Lambda::Permission` lets
 *   `events.amazonaws.com` invoke it from the rule) goes straight to the target's dead-letter
 *   queue, without retries, with `RULE_ARN`, `TARGET_ARN`, `ERROR_CODE` and `ERROR_MESSAGE`
 *   attributes.
 *
 * A scheduled rule delivers the same way when the Scheduler fires it (`fireScheduled`). A rule
 * whose pattern cannot be read is skipped and logged; other target
 * types are not run.
 *
 * @example
 * ```ts
 * const rules = startEventRules({ rules: model.eventRules ?? [], queues: endpoint.queues, runtime, region, accountId });
 * rules.deliver(storedEvent); // e.g. from the endpoint's onEvent
 * await rules.idle();
 * ```
 */
export function startEventRules(options: EventRulesOptions): EventRules {
  const log = options.log ?? (() => undefined);
  const deliveries: TargetDelivery[] = [];
  const clock = options.clock ?? new RealClock();
  const sleeper = createSleeper(clock);
  let stopped = false;
  let rules: CompiledRule[] = [];
  let specs = new Map<string, EventRuleSpec>();
  let asyncConfigs = new Map<string, AsyncInvokeConfigSpec>();
  let permissions = options.permissions;
  const tracker = createTracker(log, () => stopped);
  const context: DeliveryContext = {
    queues: options.queues,
    runtime: options.runtime,
    log,
    retryDelayMs: options.asyncRetryDelayMs ?? 1000,
    asyncConfig: (functionId) => asyncConfigs.get(functionId),
    permissions: () => permissions,
    record(delivery) {
      deliveries.push(delivery);
      if (deliveries.length > maxDeliveries) deliveries.splice(0, deliveries.length - maxDeliveries);
    },
    sleep: sleeper.sleep,
    now: () => clock.now(),
    stopped: () => stopped,
  };
  const update: EventRules['update'] = (next) => {
    rules = compileRules(next.rules, log);
    specs = new Map(next.rules.map((spec) => [spec.id, spec]));
    asyncConfigs = new Map((next.asyncInvokeConfigs ?? []).map((config) => [config.functionId, config]));
    permissions = next.permissions;
  };
  update(options);
  return {
    deliveries,
    deliver(event) {
      if (stopped) return;
      const envelope = toEventEnvelope(event, options.region, options.accountId);
      for (const rule of rules) {
        if (rule.spec.eventBusName !== event.eventBusName || !rule.matches(envelope)) continue;
        for (const target of rule.spec.targets)
          tracker.track(deliverTo(context, rule.spec, target, envelope));
      }
    },
    invokeAsync(request) {
      if (stopped) return;
      const { rule, target } = sourceAsRule(request);
      // Only the id of this envelope is read: the payload is the request's.
      const envelope = scheduledEvent(rule, clock.now(), request.eventId, options.region, options.accountId);
      tracker.track(invokeAsync(context, rule, target, request.functionId, envelope));
    },
    fireScheduled(ruleId, time, eventId) {
      const spec = specs.get(ruleId);
      if (stopped || !spec?.enabled) return Promise.resolve();
      const envelope = scheduledEvent(spec, time, eventId, options.region, options.accountId);
      const deliveries = spec.targets.map((target) => deliverTo(context, spec, target, envelope));
      for (const delivery of deliveries) tracker.track(delivery);
      return Promise.allSettled(deliveries).then(() => undefined);
    },
    update,
    idle: tracker.idle,
    stop() {
      stopped = true;
      sleeper.wakeAll();
      return Promise.resolve();
    },
  };
}
