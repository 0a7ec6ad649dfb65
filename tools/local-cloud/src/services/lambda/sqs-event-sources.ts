import { isDeepStrictEqual } from 'node:util';
import type { EventSourceMappingSpec } from '../../assembly/types';
import type { LocalQueue, QueueStore, ReceivedMessage } from '../sqs/sqs';
import type { Clock } from '../../clock';
import type { FunctionSpec, InvokeResult, LambdaRuntime } from '../../model';
import { functionIdFor } from './stream-event-sources';

/** Options of {@link startQueueEventSources}. */
export interface QueueEventSourcesOptions {
  /** Every event source mapping of the model; those reading a local SQS queue are polled. */
  readonly mappings: readonly EventSourceMappingSpec[];
  readonly queues: QueueStore;
  readonly runtime: Pick<LambdaRuntime, 'invoke'>;
  /** To find a mapping's function by its `FunctionName` when the loader did not. @default none */
  readonly functions?: readonly FunctionSpec[];
  /** Receives every failed batch and skipped mapping. @default discarded */
  readonly log?: (text: string) => void;
  /** How often an empty queue is polled (it also wakes on every send). @default 100 */
  readonly pollIntervalMs?: number;
  /**
   * The clock the queues' delays and visibility timeouts are on, to know when a message becomes
   * visible. Polling and the batching window stay on the real time: they are Lambda's cadence.
   * @default the real time
   */
  readonly clock?: Pick<Clock, 'now'>;
}

/** The running SQS event sources. */
export interface QueueEventSources {
  /** The id of every mapping being polled. */
  readonly active: readonly string[];
  /**
   * After a redeploy: starts the new mappings, stops the removed ones and restarts the changed
   * ones (a message in flight becomes visible again after its timeout, as in AWS).
   */
  update(mappings: readonly EventSourceMappingSpec[], functions?: readonly FunctionSpec[]): void;
  /**
   * Stops polling. An invocation in flight is not waited for; when it answers, its batch is still
   * settled (what succeeded is deleted, the rest becomes visible again after its timeout).
   */
  stop(): Promise<void>;
}

/** A message as Lambda hands it to a function in an SQS event. */
export interface SqsEventRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: {
    readonly ApproximateReceiveCount: string;
    readonly SentTimestamp: string;
    readonly SenderId: string;
    readonly ApproximateFirstReceiveTimestamp: string;
  };
  readonly messageAttributes: Readonly<
    Record<
      string,
      {
        stringValue?: string;
        binaryValue?: string;
        stringListValues: [];
        binaryListValues: [];
        dataType: string;
      }
    >
  >;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

interface QueueMappingConfig {
  readonly id: string;
  readonly functionId: string;
  readonly queue: LocalQueue;
  readonly batchSize: number;
  readonly windowMs: number;
  readonly reportsItemFailures: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const numberProperty = (properties: Readonly<Record<string, unknown>>, name: string, fallback: number) => {
  const value = properties[name];
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : fallback;
};

/**
 * The SQS event record of a received message, as Lambda builds it.
 *
 * @example
 * ```ts
 * const records = queue.receive(10).map((received) => sqsEventRecord(received, queue));
 * await runtime.invoke(functionId, { Records: records });
 * ```
 */
export function sqsEventRecord(
  { message, receiptHandle }: ReceivedMessage,
  queue: LocalQueue,
): SqsEventRecord {
  return {
    messageId: message.messageId,
    receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: message.senderId,
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.messageAttributes).map(([name, value]) => [
        name,
        {
          ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
          ...(value.BinaryValue === undefined ? {} : { binaryValue: value.BinaryValue }),
          stringListValues: [],
          binaryListValues: [],
          dataType: value.DataType,
        },
      ]),
    ),
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.md5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: queue.arn.split(':')[3] ?? '',
  };
}

/**
 * The messages of a batch that failed: every one when the invocation failed or answered a
 * `batchItemFailures` Lambda cannot read (an unknown or missing `itemIdentifier`), the reported
 * ones with `ReportBatchItemFailures`, none otherwise.
 */
function failedMessageIds(
  result: InvokeResult,
  records: readonly SqsEventRecord[],
  reportsItemFailures: boolean,
): { ids: Set<string>; error?: string } {
  const all = new Set(records.map((record) => record.messageId));
  if (!result.ok) return { ids: all, error: `${result.errorType}: ${result.errorMessage}` };
  if (!reportsItemFailures || !isRecord(result.payload)) return { ids: new Set() };
  const failures = result.payload.batchItemFailures;
  if (failures === undefined || failures === null) return { ids: new Set() };
  if (!Array.isArray(failures)) return { ids: all, error: 'batchItemFailures is not a list' };
  const ids = new Set<string>();
  for (const failure of failures) {
    const id: unknown = isRecord(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || !all.has(id)) {
      return { ids: all, error: `batchItemFailures names an unknown message ${JSON.stringify(id)}` };
    }
    ids.add(id);
  }
  return { ids, ...(ids.size === 0 ? {} : { error: `batchItemFailures: ${[...ids].join(', ')}` }) };
}

/** What every mapping's poller shares. */
interface PollContext {
  readonly options: QueueEventSourcesOptions;
  readonly log: (text: string) => void;
  readonly pollIntervalMs: number;
  /** The queues' time (delays, visibility). */
  readonly now: () => number;
  /** Waits `ms` of real time, or less: a send to `queue`, an update or a stop wakes it. */
  pause(ms: number, queue: LocalQueue): Promise<void>;
}

/** Real-time pauses that a send to the queue, or any waker, ends early. */
function createPauser(wakers: Set<() => void>): PollContext['pause'] {
  return (ms, queue) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = queue.subscribe(done);
      wakers.add(done);
    });
}

/** How a mapping is polled; none (and a log line saying why) when it cannot be. */
function configOf(
  context: PollContext,
  mapping: EventSourceMappingSpec,
  functions: readonly FunctionSpec[],
): QueueMappingConfig[] {
  const { log } = context;
  if (!mapping.eventSourceArn?.startsWith('arn:aws:sqs:')) return [];
  const properties = mapping.properties;
  const queue = context.options.queues.byArn(mapping.eventSourceArn);
  if (!queue) {
    log(`${mapping.id}: not polled: ${mapping.eventSourceArn} is not a queue of the local cloud`);
    return [];
  }
  if (properties.Enabled === false || properties.Enabled === 'false') {
    log(`${mapping.id}: not polled: the mapping is disabled`);
    return [];
  }
  const functionName = typeof properties.FunctionName === 'string' ? properties.FunctionName : '';
  const functionId = mapping.functionId ?? functionIdFor(functionName, functions);
  if (!functionId) {
    log(`${mapping.id}: not polled: no local function is named ${JSON.stringify(functionName)}`);
    return [];
  }
  const responseTypes = Array.isArray(properties.FunctionResponseTypes)
    ? properties.FunctionResponseTypes
    : [];
  return [
    {
      id: mapping.id,
      functionId,
      queue,
      batchSize: Math.max(1, numberProperty(properties, 'BatchSize', 10)),
      windowMs: numberProperty(properties, 'MaximumBatchingWindowInSeconds', 0) * 1000,
      reportsItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    },
  ];
}

/** A batch: what is visible now, then more until it is full or the batching window (real time) ends. */
async function receiveBatch(
  context: PollContext,
  config: QueueMappingConfig,
  state: { stopped: boolean },
): Promise<ReceivedMessage[] | undefined> {
  const { queue } = config;
  const received = queue.receive(config.batchSize);
  if (received.length === 0) {
    const next = queue.nextVisibleAt();
    await context.pause(
      next === undefined
        ? context.pollIntervalMs
        : Math.min(context.pollIntervalMs, Math.max(1, next - context.now())),
      queue,
    );
    return undefined;
  }
  const deadline = Date.now() + config.windowMs;
  while (!state.stopped && received.length < config.batchSize && Date.now() < deadline) {
    await context.pause(deadline - Date.now(), queue);
    received.push(...queue.receive(config.batchSize - received.length));
  }
  return received;
}

/** Deletes what the function processed; what failed returns to the queue after its visibility timeout. */
function settleBatch(
  context: PollContext,
  config: QueueMappingConfig,
  records: readonly SqsEventRecord[],
  result: InvokeResult,
): void {
  const { queue } = config;
  const failed = failedMessageIds(result, records, config.reportsItemFailures);
  for (const record of records) {
    if (!failed.ids.has(record.messageId)) queue.delete(record.receiptHandle);
  }
  if (failed.ids.size > 0) {
    context.log(
      `${config.id}: ${config.functionId} failed ${failed.ids.size} of ${records.length} message(s) (${failed.error ?? 'failed'}); they return to ${queue.name} after its visibility timeout (${queue.visibilityTimeoutSeconds} s)`,
    );
  }
}

/** One mapping's loop: a batch at a time, until it stops. */
async function poll(context: PollContext, config: QueueMappingConfig, state: { stopped: boolean }) {
  while (!state.stopped) {
    const received = await receiveBatch(context, config, state);
    if (!received) continue;
    if (state.stopped) return;
    const records = received.map((message) => sqsEventRecord(message, config.queue));
    const result = await context.options.runtime.invoke(config.functionId, { Records: records });
    // Settled even when the mapping stopped meanwhile (a redeploy): what succeeded is not redelivered.
    settleBatch(context, config, records, result);
  }
}

/**
 * Polls the SQS queues of the event source mappings and invokes their functions as Lambda does:
 * batches of up to `BatchSize` (default 10), waiting at most `MaximumBatchingWindowInSeconds` for
 * a full one; a successful batch is deleted from the queue; with `ReportBatchItemFailures` only
 * the reported messages stay; a failed invocation leaves every message of the batch on the queue,
 * invisible until the queue's visibility timeout passes, when it is received again, its receive
 * count up by one. The queue's `RedrivePolicy` then moves a message received `maxReceiveCount`
 * times to its dead-letter queue. One batch at a time per mapping.
 *
 * @example
 * ```ts
 * const sources = startQueueEventSources({ mappings: model.eventSourceMappings, queues: endpoint.queues, runtime });
 * // … messages sent to the mapped queues now reach their functions …
 * await sources.stop();
 * ```
 */
export function startQueueEventSources(options: QueueEventSourcesOptions): QueueEventSources {
  const wakers = new Set<() => void>();
  const running = new Map<string, { spec: EventSourceMappingSpec; stopped: boolean }>();
  const clock = options.clock;
  const context: PollContext = {
    options,
    log: options.log ?? (() => undefined),
    pollIntervalMs: options.pollIntervalMs ?? 100,
    now: clock ? () => clock.now() : Date.now,
    pause: createPauser(wakers),
  };
  const start = (mapping: EventSourceMappingSpec, functions: readonly FunctionSpec[]) => {
    for (const config of configOf(context, mapping, functions)) {
      const state = { spec: mapping, stopped: false };
      running.set(config.id, state);
      void poll(context, config, state).catch((error: unknown) => {
        // A stopped mapping's invocation fails when the runtime stops under it: not a failure to report.
        if (state.stopped) return;
        context.log(
          `${config.id}: polling stopped on an internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      });
    }
  };
  const stopOne = (id: string) => {
    const state = running.get(id);
    if (!state) return;
    state.stopped = true;
    running.delete(id);
  };
  for (const mapping of options.mappings) start(mapping, options.functions ?? []);

  return {
    get active() {
      return [...running.keys()];
    },
    update(mappings, functions = options.functions ?? []) {
      const wanted = new Map(mappings.map((mapping) => [mapping.id, mapping]));
      for (const [id, state] of [...running]) {
        const next = wanted.get(id);
        if (!next || !isDeepStrictEqual(next, state.spec)) stopOne(id);
      }
      for (const mapping of mappings) if (!running.has(mapping.id)) start(mapping, functions);
      for (const wake of [...wakers]) wake();
    },
    stop() {
      for (const id of [...running.keys()]) stopOne(id);
      for (const wake of [...wakers]) wake();
      return Promise.resolve();
    },
  };
}
