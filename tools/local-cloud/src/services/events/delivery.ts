import type {
  AsyncInvokeConfigSpec,
  EventRuleSpec,
  EventRuleTargetSpec,
  LambdaPermissionSpec,
  LambdaRuntime,
} from '../../model';
import { resourceMatches } from '../../endpoint/iam';
import type { MessageAttributeValue, QueueStore } from '../sqs/sqs';
import type { EventEnvelope } from './events';

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

/** What a delivery to a target runs with: the rules' settings now, and their bookkeeping. */
export interface DeliveryContext {
  readonly queues: QueueStore;
  readonly runtime: Pick<LambdaRuntime, 'invoke'>;
  readonly log: (text: string) => void;
  /** The delay before the first retry of an asynchronous invocation, doubled each time. */
  readonly retryDelayMs: number;
  /** Lambda's asynchronous invocation settings by function id. */
  asyncConfig(functionId: string): AsyncInvokeConfigSpec | undefined;
  /** The functions' resource-based permissions; `undefined`: not checked. */
  permissions(): readonly LambdaPermissionSpec[] | undefined;
  /** Keeps a finished delivery. */
  record(delivery: TargetDelivery): void;
  /** Waits `ms` on the clock, or less when the rules stop. */
  sleep(ms: number): Promise<void>;
  /** The clock's time, in epoch milliseconds. */
  now(): number;
  stopped(): boolean;
}

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
export function payloadFor(target: EventRuleTargetSpec, envelope: EventEnvelope): unknown {
  if (target.input !== undefined) {
    try {
      return JSON.parse(target.input) as unknown;
    } catch {
      return target.input;
    }
  }
  return target.inputPath === undefined ? envelope : selectPath(envelope, target.inputPath);
}

export const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value,
});

/** Sends to a queue (a dead-letter queue, a destination); `false` when the queue does not exist locally. */
export function sendTo(
  context: DeliveryContext,
  arn: string,
  body: unknown,
  attributes: Record<string, MessageAttributeValue> = {},
  senderId = 'events.amazonaws.com',
): boolean {
  const queue = context.queues.byArn(arn);
  if (!queue) return false;
  queue.send({
    body: typeof body === 'string' ? body : JSON.stringify(body),
    senderId,
    messageAttributes: attributes,
  });
  return true;
}

/** EventBridge could not hand the event to the target: to the target's DLQ, without retries. */
export function undeliverable(
  context: DeliveryContext,
  rule: EventRuleSpec,
  target: EventRuleTargetSpec,
  envelope: EventEnvelope,
  code: string,
  message: string,
): void {
  const base = { eventId: envelope.id, ruleId: rule.id, targetId: target.id, invocations: 0, error: message };
  const kept =
    target.deadLetterArn !== undefined &&
    sendTo(context, target.deadLetterArn, payloadFor(target, envelope), {
      RULE_ARN: stringAttribute(rule.arn),
      TARGET_ARN: stringAttribute(target.arn),
      ERROR_CODE: stringAttribute(code),
      ERROR_MESSAGE: stringAttribute(message),
    });
  context.log(
    `${rule.id} → ${target.id}: event ${envelope.id} not delivered (${code}: ${message}); ${kept ? `sent to the dead-letter queue ${target.deadLetterArn ?? ''}` : 'dropped: the target has no dead-letter queue'}`,
  );
  context.record(
    kept
      ? { ...base, outcome: 'dead-lettered', deadLetterArn: target.deadLetterArn }
      : { ...base, outcome: 'dropped' },
  );
}

/** Whether a resource-based permission lets `events.amazonaws.com` invoke the function from the rule. */
export function mayInvoke(context: DeliveryContext, rule: EventRuleSpec, functionId: string): boolean {
  const permissions = context.permissions();
  return (
    permissions === undefined ||
    permissions.some(
      (permission) =>
        permission.functionId === functionId &&
        permission.principal === 'events.amazonaws.com' &&
        /^lambda:invokefunction$|^lambda:\*$/i.test(permission.action) &&
        (permission.sourceArn === undefined || resourceMatches(permission.sourceArn, rule.arn)),
    )
  );
}
