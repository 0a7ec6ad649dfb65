import { randomUUID } from 'node:crypto';
import type { AsyncInvokeConfigSpec, EventRuleSpec, EventRuleTargetSpec, InvokeResult } from '../../model';
import { type DeliveryContext, payloadFor, sendTo, stringAttribute } from './delivery';
import type { EventEnvelope } from './events';

const describe = (result: InvokeResult) => (result.ok ? 'ok' : `${result.errorType}: ${result.errorMessage}`);

/** How an asynchronous invocation ended after its retries. */
interface Outcome {
  readonly invocations: number;
  readonly last?: InvokeResult;
  readonly condition: 'RetriesExhausted' | 'EventAgeExceeded';
}

/**
 * Invokes until the function succeeds, its retries are used up or the event is too old, as
 * Lambda's asynchronous invocation does; `undefined` when it succeeded or the rules stopped.
 */
async function invokeWithRetries(
  context: DeliveryContext,
  rule: EventRuleSpec,
  target: EventRuleTargetSpec,
  functionId: string,
  envelope: EventEnvelope,
): Promise<Outcome | undefined> {
  const config = context.asyncConfig(functionId);
  const maxRetries = config?.maximumRetryAttempts ?? 2;
  const maxAgeMs = (config?.maximumEventAgeSeconds ?? 21_600) * 1000;
  const payload = payloadFor(target, envelope);
  const queuedAt = context.now();
  let invocations = 0;
  let retries = 0;
  let last: InvokeResult | undefined;
  while (!context.stopped()) {
    if (context.now() - queuedAt > maxAgeMs)
      return { invocations, ...(last ? { last } : {}), condition: 'EventAgeExceeded' };
    last = await context.runtime.invoke(functionId, payload);
    if (context.stopped()) return undefined;
    if (last.ok) {
      const delivered = {
        eventId: envelope.id,
        ruleId: rule.id,
        targetId: target.id,
        outcome: 'delivered',
      } as const;
      context.record({ ...delivered, invocations: invocations + 1 });
      return undefined;
    }
    // A throttled invocation goes back to Lambda's queue and does not count as a retry.
    if (last.errorType !== 'Throttled') invocations += 1;
    if (last.errorType !== 'Throttled' && retries >= maxRetries) break;
    if (last.errorType !== 'Throttled') retries += 1;
    const delay = Math.min(context.retryDelayMs * 2 ** Math.max(0, retries - 1), 60_000);
    context.log(
      `${rule.id} → ${functionId}: asynchronous invocation failed (${describe(last)}); retry ${retries} of ${maxRetries} in ${delay} ms`,
    );
    await context.sleep(delay);
  }
  return context.stopped()
    ? undefined
    : { invocations, ...(last ? { last } : {}), condition: 'RetriesExhausted' };
}

/** Sends a failed invocation to the function's on-failure destination and dead-letter queue; answers where it went. */
function keepFailure(
  context: DeliveryContext,
  config: AsyncInvokeConfigSpec | undefined,
  target: EventRuleTargetSpec,
  payload: unknown,
  outcome: Outcome,
): string[] {
  const { last, condition, invocations } = outcome;
  const requestId = randomUUID();
  const kept: string[] = [];
  if (config?.onFailureArn !== undefined) {
    const invocationRecord = {
      version: '1.0',
      timestamp: new Date(context.now()).toISOString(),
      requestContext: { requestId, functionArn: target.arn, condition, approximateInvokeCount: invocations },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload:
        last && !last.ok ? { errorType: last.errorType, errorMessage: last.errorMessage } : null,
    };
    if (sendTo(context, config.onFailureArn, invocationRecord, {}, 'lambda.amazonaws.com'))
      kept.push(config.onFailureArn);
  }
  if (config?.deadLetterArn !== undefined) {
    const attributes = {
      RequestID: stringAttribute(requestId),
      ErrorCode: stringAttribute('200'),
      ErrorMessage: stringAttribute(last && !last.ok ? last.errorMessage : condition),
    };
    if (sendTo(context, config.deadLetterArn, payload, attributes, 'lambda.amazonaws.com'))
      kept.push(config.deadLetterArn);
  }
  return kept;
}

/**
 * Lambda's asynchronous invocation of a rule's target: retries on function errors (as the
 * function's `EventInvokeConfig` says; a throttle is not a retry), then the invocation record to
 * its on-failure destination and the event to its dead-letter queue; with neither, dropped.
 *
 * @example
 * ```ts
 * await invokeAsync(context, rule, target, target.functionId, envelope);
 * ```
 */
export async function invokeAsync(
  context: DeliveryContext,
  rule: EventRuleSpec,
  target: EventRuleTargetSpec,
  functionId: string,
  envelope: EventEnvelope,
): Promise<void> {
  const outcome = await invokeWithRetries(context, rule, target, functionId, envelope);
  if (!outcome) return;
  const config = context.asyncConfig(functionId);
  const kept = keepFailure(context, config, target, payloadFor(target, envelope), outcome);
  const error = outcome.last ? describe(outcome.last) : 'the event expired before it ran';
  context.log(
    `${rule.id} → ${functionId}: event ${envelope.id} failed after ${outcome.invocations} invocation(s) (${error}); ${kept.length > 0 ? `sent to ${kept.join(' and ')}` : 'dropped: the function has no on-failure destination or dead-letter queue (a rule target dead-letter queue only keeps events EventBridge could not deliver)'}`,
  );
  context.record({
    eventId: envelope.id,
    ruleId: rule.id,
    targetId: target.id,
    outcome: kept.length > 0 ? 'dead-lettered' : 'dropped',
    invocations: outcome.invocations,
    error,
    ...(kept[0] === undefined ? {} : { deadLetterArn: kept[0] }),
  });
}
