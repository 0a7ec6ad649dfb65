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
  const log = options.log ?? (() => undefined);
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const failed: FailedStreamBatch[] = [];
  const wakers = new Set<() => void>();
  let stopped = false;

  /** Resolves after `ms`, or earlier on an append to `stream` or on stop. */
  const pause = (ms: number, stream?: TableStream) =>
    new Promise<void>((resolve) => {
      const cleanups: Array<() => void> = [];
      const done = () => {
        for (const cleanup of cleanups) cleanup();
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      cleanups.push(() => clearTimeout(timer));
      if (stream) cleanups.push(stream.subscribe(done));
      wakers.add(done);
    });

  const configs = options.mappings.flatMap((mapping): MappingConfig[] => {
    const properties = mapping.properties;
    // Queues are polled by the SQS event sources (`sqs-event-sources.ts`).
    if (mapping.eventSourceArn?.startsWith('arn:aws:sqs:')) return [];
    const stream = mapping.eventSourceArn ? options.streams.byArn(mapping.eventSourceArn) : undefined;
    if (!stream) {
      log(
        `${mapping.id}: not polled: its source ${mapping.eventSourceArn ?? '(none)'} is not a DynamoDB stream of the local cloud`,
      );
      return [];
    }
    if (properties.Enabled === false || properties.Enabled === 'false') {
      log(`${mapping.id}: not polled: the mapping is disabled`);
      return [];
    }
    const functionName = typeof properties.FunctionName === 'string' ? properties.FunctionName : '';
    const functionId = mapping.functionId ?? functionIdFor(functionName, options.functions ?? []);
    if (!functionId) {
      log(`${mapping.id}: not polled: no local function is named ${JSON.stringify(functionName)}`);
      return [];
    }
    const onFailure = isRecord(properties.DestinationConfig)
      ? properties.DestinationConfig.OnFailure
      : undefined;
    const destination =
      isRecord(onFailure) && typeof onFailure.Destination === 'string' ? onFailure.Destination : undefined;
    const responseTypes = Array.isArray(properties.FunctionResponseTypes)
      ? properties.FunctionResponseTypes
      : [];
    return [
      {
        id: mapping.id,
        functionId,
        stream,
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
  });

  /**
   * Sends Lambda's invocation record for a batch that exhausted its retries to the mapping's
   * on-failure queue, as Lambda does with the function's role (which needs `sqs:SendMessage`).
   */
  const sendToDestination = (config: MappingConfig, batch: FailedStreamBatch): boolean => {
    const destination = config.destination;
    if (destination === undefined) return false;
    const queue = options.queues?.byArn(destination);
    if (!queue) {
      log(
        `${config.id}: the on-failure destination ${destination} is not a queue of the local cloud; the record is only kept in /_local/streams`,
      );
      return false;
    }
    const fn = options.functions?.find((candidate) => candidate.id === config.functionId);
    if (fn && !evaluatePolicy(fn.policy, 'sqs:SendMessage', [destination]).allowed) {
      log(
        `${config.id}: the role of ${fn.id} may not sqs:SendMessage to ${destination}: Lambda cannot deliver the on-failure record`,
      );
      return false;
    }
    const record = {
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
    queue.send({ body: JSON.stringify(record), senderId: 'lambda.amazonaws.com' });
    return true;
  };

  const park = (config: MappingConfig, entries: readonly StreamEntry[], invokes: number, error: string) => {
    const first = entries[0];
    const last = entries.at(-1);
    if (!first || !last) return;
    const batch: Omit<FailedStreamBatch, 'sentToDestination'> = {
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
        batchSize: entries.length,
        streamArn: config.stream.streamArn,
      },
    };
    const sentToDestination = sendToDestination(config, { ...batch, sentToDestination: false });
    for (const { record } of entries) {
      log(
        `${config.id}: parked record ${record.dynamodb.SequenceNumber} (${record.eventName} ${JSON.stringify(record.dynamodb.Keys)}) after ${invokes} invocations (${error}); on-failure destination ${config.destination ?? '(none)'}${sentToDestination ? ' (record sent)' : ''}`,
      );
    }
    failed.push({ ...batch, sentToDestination });
  };

  /** Processes one batch to the end: every record is either delivered or parked, unless stopped. */
  const process = async (config: MappingConfig, batch: StreamEntry[]) => {
    const queue: Array<{ entries: StreamEntry[]; retries: number; invokes: number }> = [
      { entries: batch, retries: 0, invokes: 0 },
    ];
    while (!stopped) {
      const part = queue[0];
      if (!part) return;
      const records = part.entries.map((entry) => entry.record);
      const result = await options.runtime.invoke(config.functionId, { Records: records });
      if (stopped) return;
      part.invokes += 1;
      const failure = failureIndex(result, records, config.reportsItemFailures);
      if (!failure) {
        queue.shift();
        continue;
      }
      const remaining = part.entries.slice(failure.index);
      const range = `${remaining[0]?.record.dynamodb.SequenceNumber ?? '?'}..${remaining.at(-1)?.record.dynamodb.SequenceNumber ?? '?'}`;
      if (!result.ok && result.errorType === 'Throttled') {
        log(`${config.id}: ${config.functionId} throttled; retrying records ${range}`);
        await pause(retryDelayMs);
        continue;
      }
      if (config.bisect && failure.index === 0 && remaining.length > 1) {
        const half = Math.ceil(remaining.length / 2);
        log(`${config.id}: ${config.functionId} failed on records ${range} (${failure.error}); bisecting`);
        queue.splice(
          0,
          1,
          { entries: remaining.slice(0, half), retries: part.retries, invokes: part.invokes },
          { entries: remaining.slice(half), retries: part.retries, invokes: part.invokes },
        );
        continue;
      }
      if (config.maxRetries !== -1 && part.retries >= config.maxRetries) {
        park(config, remaining, part.invokes, failure.error);
        queue.shift();
        continue;
      }
      part.retries += 1;
      part.entries = remaining;
      log(
        `${config.id}: ${config.functionId} failed on records ${range} (${failure.error}); retry ${part.retries}${config.maxRetries === -1 ? '' : ` of ${config.maxRetries}`}`,
      );
      await pause(Math.min(2000, retryDelayMs * 2 ** (part.retries - 1)));
    }
  };

  const poll = async (config: MappingConfig) => {
    // A mapping resumes from its checkpoint; a new one pins LATEST now, so a restart does not skip records.
    let checkpoint =
      options.checkpoints?.get(config.id) ??
      (config.startAtLatest ? config.stream.latestSequenceNumber() : '');
    options.checkpoints?.set(config.id, checkpoint);
    while (!stopped) {
      let pending = config.stream.read(checkpoint, config.batchSize);
      const first = pending[0];
      if (!first) {
        await pause(pollIntervalMs, config.stream);
        continue;
      }
      // Wait for a full batch, but no longer than the window after the first record arrived.
      while (!stopped && pending.length < config.batchSize) {
        const wait = first.arrivedAt + config.windowMs - Date.now();
        if (wait <= 0) break;
        await pause(wait, config.stream);
        pending = config.stream.read(checkpoint, config.batchSize);
      }
      if (stopped) return;
      await process(config, pending);
      if (stopped) return;
      checkpoint = pending.at(-1)?.record.dynamodb.SequenceNumber ?? checkpoint;
      options.checkpoints?.set(config.id, checkpoint);
    }
  };

  for (const config of configs) {
    void poll(config).catch((error: unknown) =>
      log(
        `${config.id}: polling stopped on an internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    );
  }

  return {
    failed,
    active: configs.map((config) => config.id),
    stop() {
      stopped = true;
      for (const wake of [...wakers]) wake();
      return Promise.resolve();
    },
  };
}
