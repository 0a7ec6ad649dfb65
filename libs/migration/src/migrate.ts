import { appendFile, mkdir, open, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type Checkpoint,
  CheckpointError,
  type Counts,
  readCheckpoint,
  removeCheckpoint,
  writeCheckpoint,
  zeroCounts,
} from './checkpoint';
import { InvalidMappingError, type Mapping, type Row } from './mapping';

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** A document client that reaches both tables (the SDK's retries apply to every call). */
  readonly client: DynamoDBDocumentClient;
  readonly mapping: Mapping;
  readonly sourceTable: string;
  readonly targetTable: string;
  /** Where the run's checkpoint is kept (JSON); a run resumes from it unless `restart`. */
  readonly checkpointFile: string;
  /** Where rejected rows (and skipped items that differ) are written, one JSON object a line. */
  readonly reportFile: string;
  /**
   * Reads, maps and counts (checking which target items exist) but writes nothing to the target
   * and no checkpoint; the report is written.
   * @default false
   */
  readonly dryRun?: boolean;
  /** Ignores (and deletes) the checkpoint and starts from the first row. @default false */
  readonly restart?: boolean;
  /** Rows per page (the `Limit` of each Scan or Query call); a checkpoint is saved after each. @default 100 */
  readonly pageSize?: number;
  /** Parallel Scan segments (a Scan source only). @default 1 */
  readonly segments?: number;
  /** Target writes (or reads, in a dry run) in flight at once. @default 16 */
  readonly concurrency?: number;
  /** When aborted, the run stops after the page(s) in progress, with the checkpoint saved. */
  readonly signal?: AbortSignal;
  /** Called after every page, once its checkpoint is saved. */
  readonly onPage?: (progress: MigrationProgress) => void;
}

/** Where a run stands after a page. */
export interface MigrationProgress {
  readonly counts: Counts;
  readonly pages: number;
  /**
   * Source items examined so far (a Scan's `ScannedCount`, before its filter): the position in
   * the source table, for a progress bar against the table's `ItemCount`.
   */
  readonly scanned: number;
}

/** What {@link migrate} did. */
export interface MigrationResult extends MigrationProgress {
  /** `complete`: every source row was processed; `stopped`: the signal stopped it (resume later). */
  readonly outcome: 'complete' | 'stopped';
  /** Whether the run continued from a checkpoint. */
  readonly resumed: boolean;
  /** Whether the checkpoint said the migration was already complete (nothing was read). */
  readonly alreadyComplete: boolean;
}

/** One line of the report file. */
export type ReportEntry =
  | {
      readonly kind: 'rejected';
      readonly key: Row;
      /** The target item's key when the target table refused the item (not the mapping). */
      readonly target?: Row;
      readonly reason: string;
    }
  | {
      readonly kind: 'differing';
      readonly key: Row;
      readonly target: Row;
      /** The top-level attributes whose values differ (or that only one side has). */
      readonly attributes: readonly string[];
      readonly reason: string;
    };

const positive = (name: string, value: number, max: number): number => {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`migrate: ${name} must be an integer from 1 to ${max}, got ${value}.`);
  }
  return value;
};

const pick = (row: Row, attributes: readonly string[]): Row =>
  Object.fromEntries(attributes.filter((name) => row[name] !== undefined).map((name) => [name, row[name]]));

/** JSON with object keys sorted, so two equal items give the same text whatever their key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );

/**
 * Runs `fn` over `items`, at most `limit` at once. After the first failure no new item starts;
 * the calls in flight are awaited before the failure is thrown, so nothing keeps writing behind
 * a run that has already stopped.
 */
async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next] as T;
      next += 1;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

const isConditionFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** DynamoDB refusing this one item (too large, an index key of the wrong type, …), not the call. */
const isItemRefused = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ValidationException';

/**
 * Fails fast when the target table's key is not the one the mapping writes: DynamoDB would
 * otherwise refuse every item one by one (each reported as rejected) instead of the run.
 */
async function assertTargetKey(client: DynamoDBDocumentClient, mapping: Mapping, table: string) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  const schema = Table?.KeySchema ?? [];
  const keys = ['HASH', 'RANGE'].flatMap((type) =>
    schema.filter((key) => key.KeyType === type).map((key) => key.AttributeName),
  );
  if (keys.join(', ') !== mapping.targetKey.join(', ')) {
    throw new InvalidMappingError(
      `The ${mapping.service} mapping writes items keyed (${mapping.targetKey.join(', ')}), but ${table} is keyed (${keys.join(', ')}).`,
    );
  }
}

/** Cuts the report back to the length the checkpoint recorded (or starts it empty). */
async function prepareReport(file: string, bytes: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  if (bytes === 0) return writeFile(file, '');
  const size = await stat(file).then(
    (stats) => stats.size,
    () => -1,
  );
  if (size < bytes) {
    throw new CheckpointError(
      `The report ${file} is shorter than the checkpoint recorded (${Math.max(size, 0)} < ${bytes} bytes): start over with --restart.`,
    );
  }
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(bytes);
  } finally {
    await handle.close();
  }
}

/**
 * Copies the items of a legacy table into a service's table through a {@link Mapping}: reads the
 * source a page at a time (a Scan, in parallel segments if asked, or a Query), maps every row,
 * and writes each target item with `attribute_not_exists(<partition key>)`, so nothing is ever
 * overwritten and a re-run is idempotent. An item that already exists is *skipped*; when it
 * differs from what the legacy row maps to now (the row changed after it was copied, or the
 * service changed the item since), it is kept as it is, counted as `differing` and written to
 * the report. Rows the mapping rejects go to the report with their key and reason, and so does
 * an item the target table refuses (a `ValidationException`: too large, an index key of the
 * wrong type): one bad item never stops its page or the run.
 *
 * After every page the checkpoint (each segment's `LastEvaluatedKey`, the counts, the report's
 * length) is saved, so a run that stops (the signal, a crash, an error the SDK's retries did not
 * overcome) resumes where it was; a page processed twice after a crash only skips its items.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * const result = await migrate({
 *   client: createDocumentClient({ maxAttempts: 8, requestTimeoutMs: 5000 }),
 *   mapping,
 *   sourceTable: 'SliceMonolith-dev-Data…',
 *   targetTable: 'SliceOrders-dev-Table…',
 *   checkpointFile: 'dist/migration/orders-dev.checkpoint.json',
 *   reportFile: 'dist/migration/orders-dev.report.jsonl',
 *   signal: controller.signal,
 * });
 * result.counts; // { read: 5000, copied: 4990, skipped: 0, differing: 0, rejected: 10 }
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrationResult> {
  const { client, mapping, sourceTable, targetTable, checkpointFile, reportFile, signal, onPage } = options;
  const dryRun = options.dryRun ?? false;
  const pageSize = positive('pageSize', options.pageSize ?? 100, 10_000);
  const concurrency = positive('concurrency', options.concurrency ?? 16, 256);
  const segments = positive('segments', options.segments ?? 1, 1_000);
  if (segments > 1 && mapping.source.kind !== 'scan') {
    throw new RangeError('migrate: segments only apply to a Scan source.');
  }
  const partitionKey = mapping.targetKey[0] as string;

  if (options.restart && !dryRun) await removeCheckpoint(checkpointFile);
  const saved = options.restart || dryRun ? undefined : await readCheckpoint(checkpointFile);
  if (saved) {
    const expected = { service: mapping.service, sourceTable, targetTable, segments };
    const found = { ...saved, segments: saved.segments.length };
    const wrong = (Object.keys(expected) as Array<keyof typeof expected>).filter(
      (name) => expected[name] !== found[name],
    );
    if (wrong.length > 0) {
      throw new CheckpointError(
        `${checkpointFile} belongs to another run (${wrong.map((name) => `${name} ${String(found[name])}, not ${String(expected[name])}`).join('; ')}): use another --checkpoint, or --restart.`,
      );
    }
    if (saved.complete) {
      return {
        outcome: 'complete',
        counts: saved.counts,
        pages: saved.pages,
        scanned: saved.scanned,
        resumed: true,
        alreadyComplete: true,
      };
    }
  }

  await assertTargetKey(client, mapping, targetTable);
  await prepareReport(reportFile, saved?.reportBytes ?? 0);
  const now = () => new Date().toISOString();
  let state: Checkpoint = saved ?? {
    format: 1,
    service: mapping.service,
    sourceTable,
    targetTable,
    segments: Array.from({ length: segments }, () => ({ done: false })),
    counts: zeroCounts,
    pages: 0,
    scanned: 0,
    reportBytes: 0,
    startedAt: now(),
    updatedAt: now(),
    complete: false,
  };

  const readPage = async (segment: number, startKey: Row | undefined) => {
    const common = {
      TableName: sourceTable,
      Limit: pageSize,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
    const source = mapping.source;
    const names = source.names ? { ExpressionAttributeNames: source.names } : {};
    if (source.kind === 'query') {
      return client.send(
        new QueryCommand({
          ...common,
          ...names,
          ...(source.indexName ? { IndexName: source.indexName } : {}),
          KeyConditionExpression: source.keyCondition,
          ExpressionAttributeValues: source.values,
        }),
      );
    }
    return client.send(
      new ScanCommand({
        ...common,
        ...(segments > 1 ? { Segment: segment, TotalSegments: segments } : {}),
        // Names and values only go with the filter that uses them (DynamoDB refuses unused ones).
        ...(source.filter
          ? {
              FilterExpression: source.filter,
              ...names,
              ...(source.values ? { ExpressionAttributeValues: source.values } : {}),
            }
          : {}),
      }),
    );
  };

  /**
   * Writes (or, dry, looks up) one target item: copied, skipped, skipped with the attributes that
   * differ, or refused by the target table (reported as rejected, so one bad item stops neither
   * its page nor the run).
   */
  const place = async (
    item: Row,
  ): Promise<'copied' | 'skipped' | { differing: string[] } | { refused: string }> => {
    const key = pick(item, mapping.targetKey);
    if (Object.keys(key).length !== mapping.targetKey.length) {
      throw new TypeError(
        `The ${mapping.service} mapping produced an item without its key (${mapping.targetKey.join(', ')}).`,
      );
    }
    if (!dryRun) {
      try {
        await client.send(
          new PutCommand({
            TableName: targetTable,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#key)',
            ExpressionAttributeNames: { '#key': partitionKey },
          }),
        );
        return 'copied';
      } catch (error) {
        if (isItemRefused(error)) return { refused: (error as Error).message };
        if (!isConditionFailed(error)) throw error;
      }
    }
    const { Item: existing } = await client.send(
      new GetCommand({ TableName: targetTable, Key: key, ConsistentRead: true }),
    );
    if (!existing) return 'copied';
    const differing = [...new Set([...Object.keys(existing), ...Object.keys(item)])]
      .filter((name) => canonical(existing[name]) !== canonical(item[name]))
      .sort();
    return differing.length === 0 ? 'skipped' : { differing };
  };

  const processRows = async (rows: readonly Row[]) => {
    const report: ReportEntry[] = [];
    const writes: Array<{ row: Row; item: Row }> = [];
    for (const row of rows) {
      let mapped;
      try {
        mapped = mapping.map(row);
      } catch (error) {
        // A bug in the mapping, not a bad row: the run stops on it, naming the row to look at.
        throw new InvalidMappingError(
          `The ${mapping.service} mapping failed on the row ${JSON.stringify(pick(row, mapping.sourceKey))}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      if ('rejected' in mapped) {
        report.push({ kind: 'rejected', key: pick(row, mapping.sourceKey), reason: mapped.rejected });
      } else {
        for (const item of mapped.items) writes.push({ row, item });
      }
    }
    const tally = { copied: 0, skipped: 0, differing: 0 };
    await eachLimit(writes, concurrency, async ({ row, item }) => {
      const outcome = await place(item);
      if (outcome === 'copied') tally.copied += 1;
      else if (typeof outcome === 'object' && 'refused' in outcome) {
        report.push({
          kind: 'rejected',
          key: pick(row, mapping.sourceKey),
          target: pick(item, mapping.targetKey),
          reason: `The target table refused the item: ${outcome.refused}`,
        });
      } else {
        tally.skipped += 1;
        if (outcome !== 'skipped') {
          tally.differing += 1;
          report.push({
            kind: 'differing',
            key: pick(row, mapping.sourceKey),
            target: pick(item, mapping.targetKey),
            attributes: outcome.differing,
            reason: 'The target item exists and differs from what this row maps to; it was kept as it is.',
          });
        }
      }
    });
    return { tally, report };
  };

  // Report appends and checkpoint saves happen one page at a time, in order.
  let serial: Promise<void> = Promise.resolve();
  const commit = (
    segment: number,
    lastEvaluatedKey: Row | undefined,
    scanned: number,
    read: number,
    tally: { copied: number; skipped: number; differing: number },
    report: readonly ReportEntry[],
  ) => {
    serial = serial.then(async () => {
      const text = report.map((entry) => `${JSON.stringify(entry)}\n`).join('');
      if (text) await appendFile(reportFile, text);
      const counts = state.counts;
      state = {
        ...state,
        segments: state.segments.map((entry, index) =>
          index === segment
            ? { ...(lastEvaluatedKey ? { lastEvaluatedKey } : {}), done: !lastEvaluatedKey }
            : entry,
        ),
        counts: {
          read: counts.read + read,
          copied: counts.copied + tally.copied,
          skipped: counts.skipped + tally.skipped,
          differing: counts.differing + tally.differing,
          rejected: counts.rejected + report.filter((entry) => entry.kind === 'rejected').length,
        },
        pages: state.pages + 1,
        scanned: state.scanned + scanned,
        reportBytes: state.reportBytes + Buffer.byteLength(text),
        updatedAt: now(),
      };
      state = { ...state, complete: state.segments.every((entry) => entry.done) };
      if (!dryRun) await writeCheckpoint(checkpointFile, state);
      onPage?.({ counts: state.counts, pages: state.pages, scanned: state.scanned });
    });
    return serial;
  };

  // One failing segment stops the others after their current page too.
  const failed = new AbortController();
  const runSegment = async (segment: number) => {
    let position = state.segments[segment];
    while (position && !position.done && !signal?.aborted && !failed.signal.aborted) {
      const page = await readPage(segment, position.lastEvaluatedKey);
      const rows = (page.Items ?? []) as Row[];
      const { tally, report } = await processRows(rows);
      await commit(
        segment,
        page.LastEvaluatedKey as Row | undefined,
        page.ScannedCount ?? rows.length,
        rows.length,
        tally,
        report,
      );
      position = state.segments[segment];
    }
  };

  const settled = await Promise.allSettled(
    state.segments.map((_, segment) =>
      runSegment(segment).catch((error: unknown) => {
        failed.abort();
        throw error;
      }),
    ),
  );
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  await serial;
  return {
    outcome: state.complete ? 'complete' : 'stopped',
    counts: state.counts,
    pages: state.pages,
    scanned: state.scanned,
    resumed: saved !== undefined,
    alreadyComplete: false,
  };
}
