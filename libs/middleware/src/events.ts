import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import { fieldErrorsFrom, ValidationError, type DetailOf, type EventContract } from '@slice/contract';
import type {
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  EventBridgeEvent,
  ScheduledEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
  DynamoDBBatchResponse,
} from 'aws-lambda';
import * as z from 'zod/mini';
import { correlationIdFrom, withCausationId, withCorrelationId } from './correlation';
import { logger, metrics } from './observability';

const observed = <E, R>(fn: (event: E, context: Context) => Promise<R>) =>
  middy<E, R>(fn)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use({
      // Block bodies on purpose: a value returned from a middy middleware becomes the response.
      after: () => {
        metrics.addMetric('Invocations', MetricUnit.Count, 1);
      },
      onError: () => {
        metrics.addMetric('FailedInvocations', MetricUnit.Count, 1);
      },
    });

/** Parses an event detail against its contract; a detail that breaks it is a 400-style failure. */
function parseDetail<E extends EventContract>(event: E, detail: unknown): DetailOf<E> {
  const parsed = z.safeParse(event.detail, detail);
  if (!parsed.success) throw new ValidationError(fieldErrorsFrom('detail', parsed.error));
  return parsed.data as DetailOf<E>;
}

/**
 * Runs `fn` under `correlationId` and `causationId` (the id of what is being handled), which every
 * log line of it carries (`correlationId`, `causationId` keys) and every event it publishes
 * carries in its envelope, as the http() stack does for requests; the invocation's keys are reset
 * after it.
 */
const correlated = <T>(correlationId: string, causationId: string, fn: () => Promise<T>): Promise<T> =>
  withCorrelationId(correlationId, () =>
    withCausationId(causationId, () => {
      logger.appendKeys({ correlationId, causationId });
      return fn();
    }),
  );

const field = (value: unknown, key: string): string | undefined => {
  const found = (value as Record<string, unknown> | null | undefined)?.[key];
  return typeof found === 'string' && found !== '' ? found : undefined;
};

const correlationOf = (detail: unknown): string => correlationIdFrom(field(detail, 'correlationId'));

/** One change from a DynamoDB stream, with its images unmarshalled. */
export interface StreamChange {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly keys: Record<string, unknown>;
  readonly newImage?: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
  readonly sequenceNumber: string;
  /** Set on deletions made by the TTL process (`dynamodb.amazonaws.com`). */
  readonly removedByTtl: boolean;
}

const image = (value: Record<string, AttributeValue> | undefined) =>
  value ? (unmarshall(value) as Record<string, unknown>) : undefined;

/** Turns a stream record into a {@link StreamChange}. */
export function streamChangeOf(record: DynamoDBRecord): StreamChange {
  const data = record.dynamodb ?? {};
  const newImage = image(data.NewImage as Record<string, AttributeValue> | undefined);
  const oldImage = image(data.OldImage as Record<string, AttributeValue> | undefined);
  return {
    eventName: record.eventName ?? 'MODIFY',
    keys: image(data.Keys as Record<string, AttributeValue> | undefined) ?? {},
    ...(newImage ? { newImage } : {}),
    ...(oldImage ? { oldImage } : {}),
    sequenceNumber: data.SequenceNumber ?? '',
    removedByTtl:
      (record.userIdentity as { principalId?: string } | undefined)?.principalId === 'dynamodb.amazonaws.com',
  };
}

/**
 * A DynamoDB stream handler that keeps the stream's order: changes are handled one at a time, and
 * at the first failure the rest of the batch is left alone and that record's sequence number is
 * reported in `batchItemFailures`, so Lambda retries from it and everything after it, in order.
 * (Handling in parallel could publish an order's cancellation before its placement.) Needs
 * `ReportBatchItemFailures` on the event source.
 *
 * @example
 * ```ts
 * export const handler = stream((change) => publishOrderEvents(change, deps));
 * ```
 */
export function stream(fn: (change: StreamChange, record: DynamoDBRecord) => Promise<void>) {
  return observed<DynamoDBStreamEvent, DynamoDBBatchResponse>(async (event) => {
    for (const record of event.Records) {
      const change = streamChangeOf(record);
      try {
        // A row names the cause of its change (the request that wrote it); else the record is it.
        const row = change.newImage ?? change.oldImage;
        const cause = field(row, 'causationId') ?? record.eventID ?? change.sequenceNumber;
        await correlated(correlationOf(row), cause, () => fn(change, record));
      } catch (error) {
        logger.error('Stream record failed; it and the records after it will be retried', {
          error: error instanceof Error ? error : String(error),
          sequenceNumber: change.sequenceNumber,
        });
        return { batchItemFailures: [{ itemIdentifier: change.sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  });
}

/** Options of {@link sqs}. */
export interface SqsOptions<T> {
  /** The message body's schema; the body is JSON. */
  readonly schema?: z.core.$ZodType<T>;
}

/**
 * An SQS handler with partial batch failures: a message that fails (or breaks its schema) is
 * retried alone and, past the queue's `maxReceiveCount`, parked in its DLQ; the others are done once.
 *
 * @example
 * ```ts
 * export const handler = sqs({ schema: KitchenTicket }, (ticket) => cook(ticket, deps));
 * ```
 */
export function sqs<T>(options: SqsOptions<T>, fn: (message: T, record: SQSRecord) => Promise<void>) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body) as unknown;
    } catch {
      throw new ValidationError([{ path: 'body', message: 'Not JSON.' }], 'The message is not JSON.');
    }
    let message = body as T;
    if (options.schema) {
      const parsed = z.safeParse(options.schema, body);
      if (!parsed.success) throw new ValidationError(fieldErrorsFrom('body', parsed.error));
      message = parsed.data;
    }
    // An EventBridge event in the body is the cause (its envelope id); else the message itself.
    const carried = (body as { detail?: unknown } | null)?.detail;
    const cause = field(carried, 'id') ?? record.messageId;
    await correlated(correlationOf(carried ?? body), cause, () => fn(message, record));
  };
  return observed<SQSEvent, SQSBatchResponse>((event, context) =>
    processPartialResponse(event, recordHandler, processor, { context }),
  );
}

/**
 * An EventBridge rule target for one contract event, or for any of a list of them: the detail is
 * parsed against the schema of the event its source and detail type name (a detail that breaks
 * it, or an event not in the list, fails the invocation, so it is retried and then dead-lettered)
 * and its correlation id becomes the invocation's.
 *
 * @example
 * ```ts
 * export const handler = eventbridge(ordersContract.events.OrderPlaced, (detail) => enqueue(detail.order));
 * export const handler = eventbridge([OrderPlaced, OrderCancelled], (detail, raw) => project(raw['detail-type'], detail));
 * ```
 */
export function eventbridge<E extends EventContract>(
  events: E | readonly E[],
  fn: (detail: DetailOf<E>, raw: EventBridgeEvent<string, unknown>) => Promise<void>,
) {
  const list: readonly E[] = Array.isArray(events) ? events : [events as E];
  return observed<EventBridgeEvent<string, unknown>, void>(async (raw) => {
    const event = list.find(
      (candidate) => raw.source === candidate.source && raw['detail-type'] === candidate.detailType,
    );
    if (!event) {
      const expected = list.map((candidate) => `${candidate.source} ${candidate.detailType}`).join(', ');
      throw new ValidationError(
        [{ path: 'detail-type', message: `Expected ${expected}.` }],
        `Expected ${expected}, got ${raw.source} ${raw['detail-type']}.`,
      );
    }
    const detail = parseDetail(event, raw.detail);
    await correlated(detail.correlationId, detail.id, () => fn(detail, raw));
  });
}

/**
 * A scheduled (EventBridge Scheduler or cron rule) handler with the same logging, metrics and a
 * correlation id per run.
 *
 * @example
 * ```ts
 * export const handler = schedule(() => closeStaleOrders(deps));
 * ```
 */
export function schedule(fn: (event: ScheduledEvent, context: Context) => Promise<void>) {
  return observed<ScheduledEvent, void>((event, context) =>
    correlated(correlationIdFrom(event.id), event.id, () => fn(event, context)),
  );
}

/**
 * A Step Functions task function: the input (the state's `Payload`) is parsed against `schema`
 * (a payload that breaks it fails the task with `ValidationError`, which the workflow does not
 * retry), its `correlationId` becomes the invocation's, and the answer is the state's result.
 * An error thrown keeps its `name`, which is the error the workflow's `Retry` and `Catch` see.
 *
 * @example
 * ```ts
 * export const handler = task(AcceptInput, (input) => acceptTicket(input, deps));
 * ```
 */
export function task<I, O>(schema: z.core.$ZodType<I>, fn: (input: I, context: Context) => Promise<O>) {
  return observed<unknown, O>(async (payload, context) => {
    const parsed = z.safeParse(schema, payload);
    if (!parsed.success) throw new ValidationError(fieldErrorsFrom('input', parsed.error));
    // The workflow passes on the cause of its execution; else the task's invocation is it.
    const cause = field(payload, 'causationId') ?? context.awsRequestId;
    return correlated(correlationOf(payload), cause, () => fn(parsed.data, context));
  });
}
