import { randomUUID } from 'node:crypto';
import type { EventSourceMappingSpec } from '../../assembly/types';
import { evaluatePolicy } from '../../endpoint/iam';
import type { QueueStore } from '../sqs/sqs';
import type { StreamEntry, StreamRecord, StreamStore, TableStream } from '../dynamodb/streams';
import type { FunctionSpec, InvokeResult, LambdaRuntime } from '../../model';
import type { CheckpointStore } from '../../persistence/state';

/** Options of {@link startStreamEventSources}. */
export interface StreamEventSourcesOptions {
  /** Every event source mapping of the model; those not reading a known DynamoDB stream are skipped (logged). */
  readonly mappings: readonly EventSourceMappingSpec[];
  readonly streams: StreamStore;
  readonly runtime: Pick<LambdaRuntime, 'invoke'>;
  /** To find a mapping's function by its `FunctionName` when the loader did not. @default none */
  readonly functions?: readonly FunctionSpec[];
  /** Receives every retry, every parked record and every skipped mapping. @default discarded */
  readonly log?: (text: string) => void;
  /** How often an idle mapping looks for records (it also wakes on every append). @default 100 */
  readonly pollIntervalMs?: number;
  /** The delay before the first retry of a failed batch, doubled on each retry up to 2 s. @default 100 */
  readonly retryDelayMs?: number;
  /**
   * The local SQS queues: a mapping whose `DestinationConfig.OnFailure` names one of them gets
   * Lambda's invocation record there for each batch that exhausts its retries. @default none
   */
  readonly queues?: QueueStore;
  /** Where each mapping's position is kept, so that it resumes there after a restart or redeploy. @default none: from `StartingPosition` */
  readonly checkpoints?: CheckpointStore;
}

/** A batch the function could not process within `MaximumRetryAttempts`, as Lambda sends it to the on-failure destination. */
export interface FailedStreamBatch {
  readonly mappingId: string;
  readonly functionId: string;
  /** The `DestinationConfig.OnFailure.Destination` ARN, when the mapping has one. */
  readonly destination?: string;
  /** Whether the invocation record reached the destination queue (it is kept here either way). */
  readonly sentToDestination: boolean;
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly condition: 'RetryAttemptsExhausted';
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: { readonly functionError: string };
  readonly DDBStreamBatchInfo: {
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

/** The running event sources. */
export interface StreamEventSources {
  /** Batches parked after their retries ran out, oldest first. */
  readonly failed: FailedStreamBatch[];
  /** The id of every mapping being polled. */
  readonly active: readonly string[];
  /** Stops polling; an invocation in flight is not waited for and its result is dropped. */
  stop(): Promise<void>;
}

interface MappingConfig {
  readonly id: string;
  readonly functionId: string;
  readonly stream: TableStream;
  readonly batchSize: number;
  readonly windowMs: number;
  /** `-1`: retry until the record expires (here: forever). */
  readonly maxRetries: number;
  readonly bisect: boolean;
  readonly reportsItemFailures: boolean;
  readonly startAtLatest: boolean;
  readonly destination?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const numberProperty = (properties: Readonly<Record<string, unknown>>, name: string, fallback: number) => {
  const value = properties[name];
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : fallback;
};

/**
 * The function a mapping's `FunctionName` names: a name, a `name:qualifier` (the `live` alias) or
 * a function or alias ARN.
 *
 * @example
 * ```ts
 * functionIdFor('arn:aws:lambda:eu-west-1:000000000000:function:orders-publish:live', model.functions);
 * // 'SliceOrders-dev/PublishOrderEvents'
 * ```
 */
export function functionIdFor(functionName: string, functions: readonly FunctionSpec[]): string | undefined {
  const parts = functionName.split(':');
  const name = parts[0] === 'arn' ? parts[6] : parts[1] === 'function' ? parts[2] : parts[0];
  return functions.find((fn) => fn.functionName === name || fn.arn === functionName)?.id;
}

/** Where the first failed record is (`0`: the whole batch failed), or `undefined` when the batch succeeded. */
function failureIndex(
  result: InvokeResult,
  records: readonly StreamRecord[],
  reportsItemFailures: boolean,
): { index: number; error: string } | undefined {
  if (!result.ok) return { index: 0, error: `${result.errorType}: ${result.errorMessage}` };
  if (!reportsItemFailures || !isRecord(result.payload)) return undefined;
  const failures = result.payload.batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return { index: 0, error: 'batchItemFailures is not a list' };
  if (failures.length === 0) return undefined;
  let index = records.length;
  for (const failure of failures) {
    const id: unknown = isRecord(failure) ? failure.itemIdentifier : undefined;
    const at = records.findIndex((record) => record.dynamodb.SequenceNumber === id);
    // An unknown or empty identifier fails the whole batch, as Lambda does.
    if (at === -1)
      return { index: 0, error: `batchItemFailures names an unknown record ${JSON.stringify(id)}` };
    index = Math.min(index, at);
  }
  return { index, error: `batchItemFailures from ${records[index]?.dynamodb.SequenceNumber ?? '?'}` };
}

/** What every mapping of one {@link startStreamEventSources} shares. */
interface SourcesState {
  readonly options: StreamEventSourcesOptions;
  readonly log: (text: string) => void;
  readonly pollIntervalMs: number;
  readonly retryDelayMs: number;
  readonly failed: FailedStreamBatch[];
  /** What wakes every pause: stop calls them all. */
  readonly wakers: Set<() => void>;
  stopped: boolean;
}

/** Resolves after `ms`, or earlier on an append to `stream` or on stop. */
function pause(state: SourcesState, ms: number, stream?: TableStream): Promise<void> {
  return new Promise<void>((resolve) => {
    const cleanups: Array<() => void> = [];
    const done = () => {
      for (const cleanup of cleanups) cleanup();
      state.wakers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    cleanups.push(() => clearTimeout(timer));
    if (stream) cleanups.push(stream.subscribe(done));
    state.wakers.add(done);
  });
}

/** The `DestinationConfig.OnFailure.Destination` of a mapping's properties. */
function onFailureDestination(properties: Readonly<Record<string, unknown>>): string | undefined {
  const onFailure = isRecord(properties.DestinationConfig)
    ? properties.DestinationConfig.OnFailure
    : undefined;
  return isRecord(onFailure) && typeof onFailure.Destination === 'string' ? onFailure.Destination : undefined;
}

/** Why a mapping is not polled (a queue's, a stream the local cloud lacks, disabled, no function), or its stream and function. */
function pollTarget(
  state: SourcesState,
  mapping: EventSourceMappingSpec,
): { stream: TableStream; functionId: string } | undefined {
  const { properties } = mapping;
  // Queues are polled by the SQS event sources (`sqs-event-sources.ts`).
  if (mapping.eventSourceArn?.startsWith('arn:aws:sqs:')) return undefined;
  const stream = mapping.eventSourceArn ? state.options.streams.byArn(mapping.eventSourceArn) : undefined;
  if (!stream) {
    state.log(
      `${mapping.id}: not polled: its source ${mapping.eventSourceArn ?? '(none)'} is not a DynamoDB stream of the local cloud`,
    );
    return undefined;
  }
  if (properties.Enabled === false || properties.Enabled === 'false') {
    state.log(`${mapping.id}: not polled: the mapping is disabled`);
    return undefined;
  }
  const functionName = typeof properties.FunctionName === 'string' ? properties.FunctionName : '';
  const functionId = mapping.functionId ?? functionIdFor(functionName, state.options.functions ?? []);
  if (!functionId) {
    state.log(`${mapping.id}: not polled: no local function is named ${JSON.stringify(functionName)}`);
    return undefined;
  }
  return { stream, functionId };
}

/** A mapping's settings as Lambda reads them, with Lambda's defaults; none when it is not polled. */
function mappingConfig(state: SourcesState, mapping: EventSourceMappingSpec): MappingConfig[] {
  const target = pollTarget(state, mapping);
  if (!target) return [];
  const { properties } = mapping;
  const destination = onFailureDestination(properties);
  const responseTypes = Array.isArray(properties.FunctionResponseTypes)
    ? properties.FunctionResponseTypes
    : [];
  return [
    {
      id: mapping.id,
      ...target,
      batchSize: Math.max(1, numberProperty(properties, 'BatchSize', 100)),
      windowMs: numberProperty(properties, 'MaximumBatchingWindowInSeconds', 0) * 1000,
      maxRetries: numberProperty(properties, 'MaximumRetryAttempts', -1),
      bisect:
        properties.BisectBatchOnFunctionError === true || properties.BisectBatchOnFunctionError === 'true',
      reportsItemFailures: responseTypes.includes('ReportBatchItemFailures'),
      startAtLatest: properties.StartingPosition === 'LATEST',
      ...(destination === undefined ? {} : { destination }),
    },
  ];
}

/** Lambda's invocation record of a batch that exhausted its retries, as its on-failure destination receives it. */
function invocationRecord(fn: FunctionSpec | undefined, config: MappingConfig, batch: FailedStreamBatch) {
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: fn?.arn ?? config.functionId,
      condition: batch.requestContext.condition,
      approximateInvokeCount: batch.requestContext.approximateInvokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: batch.version,
    timestamp: batch.timestamp,
    DDBStreamBatchInfo: { shardId: 'shardId-00000000000000000000-00000000', ...batch.DDBStreamBatchInfo },
  };
}

/**
 * Sends Lambda's invocation record for a batch that exhausted its retries to the mapping's
 * on-failure queue, as Lambda does with the function's role (which needs `sqs:SendMessage`).
 */
function sendToDestination(state: SourcesState, config: MappingConfig, batch: FailedStreamBatch): boolean {
  const { destination } = config;
  if (destination === undefined) return false;
  const queue = state.options.queues?.byArn(destination);
  if (!queue) {
    state.log(
      `${config.id}: the on-failure destination ${destination} is not a queue of the local cloud; the record is only kept in /_local/streams`,
    );
    return false;
  }
  const fn = state.options.functions?.find((candidate) => candidate.id === config.functionId);
  if (fn && !evaluatePolicy(fn.policy, 'sqs:SendMessage', [destination]).allowed) {
    state.log(
      `${config.id}: the role of ${fn.id} may not sqs:SendMessage to ${destination}: Lambda cannot deliver the on-failure record`,
    );
    return false;
  }
  queue.send({
    body: JSON.stringify(invocationRecord(fn, config, batch)),
    senderId: 'lambda.amazonaws.com',
  });
  return true;
}

/** The parked batch of `entries` (not empty), as {@link StreamEventSources.failed} keeps it. */
function failedBatch(
  config: MappingConfig,
  [first, last]: readonly [StreamEntry, StreamEntry],
  size: number,
  invokes: number,
  error: string,
): Omit<FailedStreamBatch, 'sentToDestination'> {
  return {
    mappingId: config.id,
    functionId: config.functionId,
    ...(config.destination === undefined ? {} : { destination: config.destination }),
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: invokes },
    responseContext: { functionError: error },
    DDBStreamBatchInfo: {
      startSequenceNumber: first.record.dynamodb.SequenceNumber,
      endSequenceNumber: last.record.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.arrivedAt).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivedAt).toISOString(),
      batchSize: size,
      streamArn: config.stream.streamArn,
    },
  };
}

/** Parks a batch whose retries ran out: kept in `failed`, its record sent on, each record logged. */
function park(
  state: SourcesState,
  config: MappingConfig,
  entries: readonly StreamEntry[],
  invokes: number,
  error: string,
): void {
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last) return;
  const batch = failedBatch(config, [first, last], entries.length, invokes, error);
  const sentToDestination = sendToDestination(state, config, { ...batch, sentToDestination: false });
  for (const { record } of entries) {
    state.log(
      `${config.id}: parked record ${record.dynamodb.SequenceNumber} (${record.eventName} ${JSON.stringify(record.dynamodb.Keys)}) after ${invokes} invocations (${error}); on-failure destination ${config.destination ?? '(none)'}${sentToDestination ? ' (record sent)' : ''}`,
    );
  }
  state.failed.push({ ...batch, sentToDestination });
}

/** A part of a batch on its way to the function: its records, and how often they were retried and sent. */
interface BatchPart {
  entries: StreamEntry[];
  retries: number;
  invokes: number;
}

/**
 * What to do with the first part of the queue after a failed invocation: wait when throttled,
 * bisect, park when the retries ran out, else retry the failed records after a backoff.
 */
async function afterFailure(
  state: SourcesState,
  config: MappingConfig,
  queue: BatchPart[],
  failure: { readonly index: number; readonly error: string; readonly throttled: boolean },
): Promise<void> {
  const part = queue[0];
  if (!part) return;
  const remaining = part.entries.slice(failure.index);
  const range = `${remaining[0]?.record.dynamodb.SequenceNumber ?? '?'}..${remaining.at(-1)?.record.dynamodb.SequenceNumber ?? '?'}`;
  if (failure.throttled) {
    state.log(`${config.id}: ${config.functionId} throttled; retrying records ${range}`);
    return pause(state, state.retryDelayMs);
  }
  if (config.bisect && failure.index === 0 && remaining.length > 1) {
    const half = Math.ceil(remaining.length / 2);
    state.log(`${config.id}: ${config.functionId} failed on records ${range} (${failure.error}); bisecting`);
    const { retries, invokes } = part;
    queue.splice(
      0,
      1,
      { entries: remaining.slice(0, half), retries, invokes },
      { entries: remaining.slice(half), retries, invokes },
    );
    return;
  }
  if (config.maxRetries !== -1 && part.retries >= config.maxRetries) {
    park(state, config, remaining, part.invokes, failure.error);
    queue.shift();
    return;
  }
  part.retries += 1;
  part.entries = remaining;
  state.log(
    `${config.id}: ${config.functionId} failed on records ${range} (${failure.error}); retry ${part.retries}${config.maxRetries === -1 ? '' : ` of ${config.maxRetries}`}`,
  );
  await pause(state, Math.min(2000, state.retryDelayMs * 2 ** (part.retries - 1)));
}

/** Processes one batch to the end: every record is either delivered or parked, unless stopped. */
async function processBatch(state: SourcesState, config: MappingConfig, batch: StreamEntry[]): Promise<void> {
  const queue: BatchPart[] = [{ entries: batch, retries: 0, invokes: 0 }];
  while (!state.stopped) {
    const part = queue[0];
    if (!part) return;
    const records = part.entries.map((entry) => entry.record);
    const result = await state.options.runtime.invoke(config.functionId, { Records: records });
    if (state.stopped) return;
    part.invokes += 1;
    const failure = failureIndex(result, records, config.reportsItemFailures);
    if (!failure) {
      queue.shift();
      continue;
    }
    const throttled = !result.ok && result.errorType === 'Throttled';
    await afterFailure(state, config, queue, { ...failure, throttled });
  }
}

/** Reads a mapping's stream from its checkpoint, batch after batch, until stopped. */
async function poll(state: SourcesState, config: MappingConfig): Promise<void> {
  const { checkpoints } = state.options;
  // A mapping resumes from its checkpoint; a new one pins LATEST now, so a restart does not skip records.
  let checkpoint =
    checkpoints?.get(config.id) ?? (config.startAtLatest ? config.stream.latestSequenceNumber() : '');
  checkpoints?.set(config.id, checkpoint);
  while (!state.stopped) {
    let pending = config.stream.read(checkpoint, config.batchSize);
    const first = pending[0];
    if (!first) {
      await pause(state, state.pollIntervalMs, config.stream);
      continue;
    }
    // Wait for a full batch, but no longer than the window after the first record arrived.
    while (!state.stopped && pending.length < config.batchSize) {
      const wait = first.arrivedAt + config.windowMs - Date.now();
      if (wait <= 0) break;
      await pause(state, wait, config.stream);
      pending = config.stream.read(checkpoint, config.batchSize);
    }
    if (state.stopped) return;
    await processBatch(state, config, pending);
    if (state.stopped) return;
    checkpoint = pending.at(-1)?.record.dynamodb.SequenceNumber ?? checkpoint;
    checkpoints?.set(config.id, checkpoint);
  }
}

/**
 * Polls the DynamoDB streams of the event source mappings and invokes their functions as Lambda
 * does for a stream with one shard: batches up to `BatchSize`, waiting at most
 * `MaximumBatchingWindowInSeconds` for a full one; `StartingPosition` `TRIM_HORIZON` (from the
 * oldest record) or `LATEST` (from now); on success the batch is checkpointed; with
 * `ReportBatchItemFailures` the records before the first reported failure are checkpointed and
 * the rest retried; a failed invocation is retried, halved first with `BisectBatchOnFunctionError`
 * (halving does not count as a retry); after `MaximumRetryAttempts` retries the batch is parked in
 * `failed` and Lambda's invocation record (`DDBStreamBatchInfo`, not the records) goes to the
 * mapping's on-failure SQS queue when it has one; polling moves on. Every retry and
 * every parked record is logged.
 *
 * @example
 * ```ts
 * const sources = startStreamEventSources({
 *   mappings: model.eventSourceMappings,
 *   streams: endpoint.streams,
 *   runtime,
 *   log: (text) => console.log(`streams: ${text}`),
 * });
 * // … writes to stream-enabled tables now reach their functions …
 * await sources.stop();
 * ```
 */
export function startStreamEventSources(options: StreamEventSourcesOptions): StreamEventSources {
  const state: SourcesState = {
    options,
    log: options.log ?? (() => undefined),
    pollIntervalMs: options.pollIntervalMs ?? 100,
    retryDelayMs: options.retryDelayMs ?? 100,
    failed: [],
    wakers: new Set(),
    stopped: false,
  };
  const configs = options.mappings.flatMap((mapping) => mappingConfig(state, mapping));
  for (const config of configs) {
    void poll(state, config).catch((error: unknown) =>
      state.log(
        `${config.id}: polling stopped on an internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
  }
  return {
    failed: state.failed,
    active: configs.map((config) => config.id),
    stop() {
      state.stopped = true;
      for (const wake of [...state.wakers]) wake();
      return Promise.resolve();
    },
  };
}
