import { randomUUID } from 'node:crypto';
import type {
  AsyncInvokeConfigSpec,
  EventRuleSpec,
  EventRuleTargetSpec,
  LambdaPermissionSpec,
} from '../../assembly/types';
import { compileEventPattern, InvalidEventPatternError } from './event-pattern';
import { type EventEnvelope, type StoredEvent, toEventEnvelope } from './events';
import { resourceMatches } from '../../endpoint/iam';
import type { MessageAttributeValue, QueueStore } from '../sqs/sqs';
import type { InvokeResult, LambdaRuntime } from '../../model';

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
}

/** What happened to an event at one target. */
export interface TargetDelivery {
  readonly eventId: string;
  readonly ruleId: string;
  readonly targetId: string;
  /**
   * `delivered`: the target took it (a function ran it without error, a queue holds it);
   * `dead-lettered`: it went to a dead-letter queue or on-failure destination;
   * `dropped`: it failed and nothing was configured to keep it.
   */
  readonly outcome: 'delivered' | 'dead-lettered' | 'dropped';
  /** Function invocations made (0 for a queue, or when delivery failed). */
  readonly invocations: number;
  readonly error?: string;
  /** The queue ARN it was dead-lettered to. */
  readonly deadLetterArn?: string;
}

/** The running rules. */
export interface EventRules {
  /** Matches an event put on a bus against the rules of that bus and delivers it to their targets (in the background). */
  deliver(event: StoredEvent): void;
  /** Every finished delivery, oldest first (the last 1 000). */
  readonly deliveries: readonly TargetDelivery[];
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

const describe = (result: InvokeResult) => (result.ok ? 'ok' : `${result.errorType}: ${result.errorMessage}`);

/** `InputPath`: `$`, or a dotted path into the event (`$.detail.order`). */
function selectPath(envelope: EventEnvelope, path: string): unknown {
  if (path === '$') return envelope;
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter((part) => part.length > 0)
    .reduce<unknown>(
      (value, part) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined,
      envelope,
    );
}

/** What a target receives: `Input` (constant JSON), `InputPath`, or the whole event. */
function payloadFor(target: EventRuleTargetSpec, envelope: EventEnvelope): unknown {
  if (target.input !== undefined) {
    try {
      return JSON.parse(target.input) as unknown;
    } catch {
      return target.input;
    }
  }
  return target.inputPath === undefined ? envelope : selectPath(envelope, target.inputPath);
}

const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value,
});

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
 * A rule whose pattern cannot be read is skipped and logged; schedule rules and other target
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
  const retryDelayMs = options.asyncRetryDelayMs ?? 1000;
  let asyncConfigs = new Map<string, AsyncInvokeConfigSpec>();
  let permissions = options.permissions;
  const deliveries: TargetDelivery[] = [];
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const idleWaiters: Array<() => void> = [];
  let inFlight = 0;
  let stopped = false;

  const compile = (specs: readonly EventRuleSpec[]): CompiledRule[] =>
    specs.flatMap((spec) => {
      if (!spec.enabled) return [];
      if (spec.eventPattern === undefined) {
        if (spec.scheduleExpression !== undefined) log(`${spec.id}: schedule rules are not run locally`);
        return [];
      }
      try {
        return [{ spec, matches: compileEventPattern(spec.eventPattern) }];
      } catch (error) {
        if (!(error instanceof InvalidEventPatternError)) throw error;
        log(`${spec.id}: skipped: its event pattern is not valid: ${error.message}`);
        return [];
      }
    });
  let rules: CompiledRule[] = [];
  const update: EventRules['update'] = (next) => {
    rules = compile(next.rules);
    asyncConfigs = new Map((next.asyncInvokeConfigs ?? []).map((config) => [config.functionId, config]));
    permissions = next.permissions;
  };
  update(options);

  const record = (delivery: TargetDelivery) => {
    deliveries.push(delivery);
    if (deliveries.length > maxDeliveries) deliveries.splice(0, deliveries.length - maxDeliveries);
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  /** Sends to a dead-letter queue; `false` when the queue does not exist locally. */
  const sendTo = (
    arn: string,
    body: unknown,
    attributes: Record<string, MessageAttributeValue> = {},
    senderId = 'events.amazonaws.com',
  ): boolean => {
    const queue = options.queues.byArn(arn);
    if (!queue) return false;
    queue.send({
      body: typeof body === 'string' ? body : JSON.stringify(body),
      senderId,
      messageAttributes: attributes,
    });
    return true;
  };

  /** EventBridge could not hand the event to the target: to the target's DLQ, without retries. */
  const undeliverable = (
    rule: EventRuleSpec,
    target: EventRuleTargetSpec,
    envelope: EventEnvelope,
    code: string,
    message: string,
  ) => {
    const base = {
      eventId: envelope.id,
      ruleId: rule.id,
      targetId: target.id,
      invocations: 0,
      error: message,
    };
    const kept =
      target.deadLetterArn !== undefined &&
      sendTo(target.deadLetterArn, payloadFor(target, envelope), {
        RULE_ARN: stringAttribute(rule.arn),
        TARGET_ARN: stringAttribute(target.arn),
        ERROR_CODE: stringAttribute(code),
        ERROR_MESSAGE: stringAttribute(message),
      });
    log(
      `${rule.id} → ${target.id}: event ${envelope.id} not delivered (${code}: ${message}); ${kept ? `sent to the dead-letter queue ${target.deadLetterArn ?? ''}` : 'dropped: the target has no dead-letter queue'}`,
    );
    record(
      kept
        ? { ...base, outcome: 'dead-lettered', deadLetterArn: target.deadLetterArn }
        : { ...base, outcome: 'dropped' },
    );
  };

  const mayInvoke = (rule: EventRuleSpec, functionId: string): boolean =>
    permissions === undefined ||
    permissions.some(
      (permission) =>
        permission.functionId === functionId &&
        permission.principal === 'events.amazonaws.com' &&
        /^lambda:invokefunction$|^lambda:\*$/i.test(permission.action) &&
        (permission.sourceArn === undefined || resourceMatches(permission.sourceArn, rule.arn)),
    );

  /** Lambda's asynchronous invocation: retries on function errors, then the on-failure destination and DLQ. */
  const invokeAsync = async (
    rule: EventRuleSpec,
    target: EventRuleTargetSpec,
    functionId: string,
    envelope: EventEnvelope,
  ) => {
    const config = asyncConfigs.get(functionId);
    const maxRetries = config?.maximumRetryAttempts ?? 2;
    const maxAgeMs = (config?.maximumEventAgeSeconds ?? 21_600) * 1000;
    const payload = payloadFor(target, envelope);
    const requestId = randomUUID();
    const queuedAt = Date.now();
    let invocations = 0;
    let retries = 0;
    let last: InvokeResult | undefined;
    let condition: 'RetriesExhausted' | 'EventAgeExceeded' = 'RetriesExhausted';
    while (!stopped) {
      if (Date.now() - queuedAt > maxAgeMs) {
        condition = 'EventAgeExceeded';
        break;
      }
      last = await options.runtime.invoke(functionId, payload);
      if (stopped) return;
      if (last.ok) {
        record({
          eventId: envelope.id,
          ruleId: rule.id,
          targetId: target.id,
          outcome: 'delivered',
          invocations: invocations + 1,
        });
        return;
      }
      // A throttled invocation goes back to Lambda's queue and does not count as a retry.
      if (last.errorType !== 'Throttled') invocations += 1;
      if (last.errorType !== 'Throttled' && retries >= maxRetries) break;
      if (last.errorType !== 'Throttled') retries += 1;
      const delay = Math.min(retryDelayMs * 2 ** Math.max(0, retries - 1), 60_000);
      log(
        `${rule.id} → ${functionId}: asynchronous invocation failed (${describe(last)}); retry ${retries} of ${maxRetries} in ${delay} ms`,
      );
      await sleep(delay);
    }
    if (stopped) return;
    const error = last ? describe(last) : 'the event expired before it ran';
    const kept: string[] = [];
    if (config?.onFailureArn !== undefined) {
      const invocationRecord = {
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId,
          functionArn: target.arn,
          condition,
          approximateInvokeCount: invocations,
        },
        requestPayload: payload,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload:
          last && !last.ok ? { errorType: last.errorType, errorMessage: last.errorMessage } : null,
      };
      if (sendTo(config.onFailureArn, invocationRecord, {}, 'lambda.amazonaws.com'))
        kept.push(config.onFailureArn);
    }
    if (config?.deadLetterArn !== undefined) {
      const attributes = {
        RequestID: stringAttribute(requestId),
        ErrorCode: stringAttribute('200'),
        ErrorMessage: stringAttribute(last && !last.ok ? last.errorMessage : condition),
      };
      if (sendTo(config.deadLetterArn, payload, attributes, 'lambda.amazonaws.com'))
        kept.push(config.deadLetterArn);
    }
    log(
      `${rule.id} → ${functionId}: event ${envelope.id} failed after ${invocations} invocation(s) (${error}); ${kept.length > 0 ? `sent to ${kept.join(' and ')}` : 'dropped: the function has no on-failure destination or dead-letter queue (a rule target dead-letter queue only keeps events EventBridge could not deliver)'}`,
    );
    record({
      eventId: envelope.id,
      ruleId: rule.id,
      targetId: target.id,
      outcome: kept.length > 0 ? 'dead-lettered' : 'dropped',
      invocations,
      error,
      ...(kept[0] === undefined ? {} : { deadLetterArn: kept[0] }),
    });
  };

  const deliverTo = async (rule: EventRuleSpec, target: EventRuleTargetSpec, envelope: EventEnvelope) => {
    const service = target.arn.split(':')[2];
    if (service === 'sqs') {
      const queue = options.queues.byArn(target.arn);
      if (!queue)
        return undeliverable(
          rule,
          target,
          envelope,
          'ResourceNotFoundException',
          `Queue ${target.arn} does not exist.`,
        );
      queue.send({ body: JSON.stringify(payloadFor(target, envelope)), senderId: 'events.amazonaws.com' });
      record({
        eventId: envelope.id,
        ruleId: rule.id,
        targetId: target.id,
        outcome: 'delivered',
        invocations: 0,
      });
      return;
    }
    if (service === 'lambda') {
      if (target.functionId === undefined) {
        return undeliverable(
          rule,
          target,
          envelope,
          'ResourceNotFoundException',
          `Function ${target.arn} does not exist.`,
        );
      }
      if (!mayInvoke(rule, target.functionId)) {
        return undeliverable(
          rule,
          target,
          envelope,
          'NO_PERMISSIONS',
          `No resource-based policy of ${target.arn} lets events.amazonaws.com invoke it from ${rule.arn}.`,
        );
      }
      return invokeAsync(rule, target, target.functionId, envelope);
    }
    log(
      `${rule.id} → ${target.id}: targets of ${service ?? 'unknown'} are not run locally; event ${envelope.id} not sent`,
    );
  };

  const track = (work: Promise<void>) => {
    inFlight += 1;
    void work
      .catch((error: unknown) => {
        // After stop() the runtime goes away under the invocations in flight: not a failure to report.
        if (stopped) return;
        log(
          `delivery failed on an internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      })
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) for (const resolve of idleWaiters.splice(0)) resolve();
      });
  };

  return {
    deliveries,
    deliver(event) {
      if (stopped) return;
      const envelope = toEventEnvelope(event, options.region, options.accountId);
      for (const rule of rules) {
        if (rule.spec.eventBusName !== event.eventBusName || !rule.matches(envelope)) continue;
        for (const target of rule.spec.targets) track(deliverTo(rule.spec, target, envelope));
      }
    },
    update,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    stop() {
      stopped = true;
      for (const entry of [...timers]) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      return Promise.resolve();
    },
  };
}
