import { type Clock, RealClock } from '../../clock';
import type { DynamoDbCall } from './dynamodb';
import { isRecord } from '../../json';
import { AwsError } from '../../endpoint/errors';
import { type StreamStore, tableNameOf, ttlUserIdentity } from './streams';
import type { TableLocks } from './table-locks';

/** DynamoDB leaves alone items whose TTL is more than five years in the past. */
const MAX_AGE_SECONDS = 5 * 365 * 24 * 60 * 60;

/** Options of {@link createTimeToLive}. */
export interface TimeToLiveOptions {
  /** The endpoint's own calls to dynalite. */
  readonly call: DynamoDbCall;
  readonly locks: TableLocks;
  /** The streams the `REMOVE` records of deleted items go to. */
  readonly streams: StreamStore;
  /**
   * Milliseconds between two checks of the tables; `0` checks only when {@link TimeToLive.check}
   * is called (and sweeps on {@link TimeToLive.sweep}). A check scans only a table written since
   * its last scan, or whose next known expiry the clock has passed, and reads nothing otherwise.
   * AWS deletes expired items within days; locally they go promptly.
   * @default 1000
   */
  readonly intervalMs?: number;
  /**
   * The clock expiry times are compared with: once the local cloud's clock has moved past an
   * item's TTL, the next sweep deletes it. @default the real time
   */
  readonly clock?: Clock;
  /** Receives sweeps that failed. @default discarded */
  readonly log?: (text: string) => void;
}

/** TTL of the local DynamoDB: the table settings and the sweeper deleting expired items. */
export interface TimeToLive {
  /** Enables TTL on a table with that attribute (a template's `TimeToLiveSpecification`). */
  enable(tableName: string, attributeName: string): void;
  /** Answers a `DescribeTimeToLive` request, or throws the {@link AwsError} DynamoDB would. */
  describe(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Answers an `UpdateTimeToLive` request (the change applies at once), or throws. */
  update(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Tells the sweeper that a table (name or ARN) was written: its next check scans it, since the
   * write may have brought an item that expires. Tables without TTL are ignored.
   */
  written(tableName: string): void;
  /**
   * Runs one check now, as the sweeper does every interval: sweeps only the tables written since
   * their last scan or whose next known expiry the clock has passed; answers how many items it deleted.
   */
  check(): Promise<number>;
  /** Deletes every expired item of every table now; answers how many it deleted. */
  sweep(): Promise<number>;
  /** Stops the sweeper, waiting for a running sweep to end. */
  stop(): Promise<void>;
}

const validation = (message: string) =>
  new AwsError(400, 'com.amazon.coral.validate#ValidationException', message);

/** What the sweeper knows of one table with TTL enabled. */
interface TableTtl {
  readonly attributeName: string;
  /** Written since its last scan began (or never scanned): it may hold items that expire. */
  written: boolean;
  /**
   * When the soonest-expiring item the last scan kept expires, in epoch milliseconds (the item is
   * expired once the clock is past it); none known: `undefined`.
   */
  nextExpiryMs: number | undefined;
}

/** Whether a check scans the table: written since its last scan, or its next expiry is past. */
const isDue = (ttl: TableTtl, nowMs: number): boolean =>
  ttl.written || (ttl.nextExpiryMs !== undefined && ttl.nextExpiryMs < nowMs);

/** What a sweep runs against. */
interface SweepContext {
  readonly call: DynamoDbCall;
  readonly locks: TableLocks;
  readonly streams: StreamStore;
  readonly now: () => number;
}

/**
 * The table's key attribute names; throws `ResourceNotFoundException` for an unknown table. Not
 * cached: the endpoint serves DeleteTable and CreateTable, so the name may come back with other keys.
 */
async function keysOf(call: DynamoDbCall, tableName: string): Promise<readonly string[]> {
  const answer = await call('DescribeTable', { TableName: tableName });
  if (!answer.ok) throw new AwsError(answer.status, answer.type, answer.message);
  const table = isRecord(answer.output.Table) ? answer.output.Table : {};
  return (Array.isArray(table.KeySchema) ? (table.KeySchema as unknown[]) : [])
    .filter(isRecord)
    .flatMap((key) => (typeof key.AttributeName === 'string' ? [key.AttributeName] : []));
}

function tableOf(request: Record<string, unknown>): string {
  if (typeof request.TableName !== 'string' || request.TableName.length === 0) {
    throw validation(
      "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    );
  }
  return tableNameOf(request.TableName);
}

/** The condition of an expired item: a TTL in the past, but not more than five years (as DynamoDB). */
function expiredCondition(attributeName: string, nowMs: number) {
  const nowSeconds = nowMs / 1000;
  return {
    ConditionExpression: '#ttl < :now AND #ttl >= :oldest',
    ExpressionAttributeNames: { '#ttl': attributeName },
    ExpressionAttributeValues: {
      ':now': { N: String(nowSeconds) },
      ':oldest': { N: String(Math.floor(nowSeconds - MAX_AGE_SECONDS)) },
    },
  };
}

/**
 * The scan of a sweep: every item whose TTL is a Number not more than five years in the past,
 * expired or not (the soonest of those not expired is when the table is next due), with its key
 * and TTL attributes only.
 */
function candidatesScan(tableName: string, keys: readonly string[], attributeName: string, nowMs: number) {
  const names = [...new Set([...keys, attributeName])];
  const placeholders = Object.fromEntries(names.map((name, index) => [`#a${index}`, name]));
  const ttl = `#a${names.indexOf(attributeName)}`;
  return {
    TableName: tableName,
    ConsistentRead: true,
    FilterExpression: `${ttl} >= :oldest`,
    ProjectionExpression: Object.keys(placeholders).join(', '),
    ExpressionAttributeNames: placeholders,
    ExpressionAttributeValues: { ':oldest': { N: String(Math.floor(nowMs / 1000 - MAX_AGE_SECONDS)) } },
  };
}

/** The TTL of an item as epoch seconds: its Number attribute, else `undefined`. */
function ttlSecondsOf(item: Record<string, unknown>, attributeName: string): number | undefined {
  const value = item[attributeName];
  if (!isRecord(value) || typeof value.N !== 'string') return undefined;
  const seconds = Number(value.N);
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** Deletes one item if it is still expired, with the `REMOVE` record TTL writes; `true` when it did. */
async function deleteIfExpired(
  context: SweepContext,
  tableName: string,
  key: Record<string, unknown>,
  expired: ReturnType<typeof expiredCondition>,
): Promise<boolean> {
  const stream = context.streams.forTable(tableName);
  // Stream images are taken around the delete, so a stream-enabled table is held exclusively.
  return context.locks.run([[tableName, stream ? 'exclusive' : 'shared']], async () => {
    const answer = await context.call('DeleteItem', {
      TableName: tableName,
      Key: key,
      ...expired,
      ReturnValues: 'ALL_OLD',
    });
    if (!answer.ok) {
      // Changed since the scan: no longer expired, or already gone.
      if (answer.name === 'ConditionalCheckFailedException') return false;
      throw new Error(`DeleteItem answered ${answer.name}: ${answer.message}`);
    }
    const oldItem = answer.output.Attributes;
    if (isRecord(oldItem)) stream?.append({ oldItem, userIdentity: ttlUserIdentity });
    return true;
  });
}

/**
 * Scans one table: deletes each item that has expired (if it still is), and notes when the
 * soonest of the others expires. A write during the scan marks the table written again.
 */
async function sweepTable(context: SweepContext, tableName: string, ttl: TableTtl): Promise<number> {
  ttl.written = false;
  const keys = await keysOf(context.call, tableName);
  const nowMs = context.now();
  const expired = expiredCondition(ttl.attributeName, nowMs);
  const scan = candidatesScan(tableName, keys, ttl.attributeName, nowMs);
  let deleted = 0;
  let nextExpiryMs: number | undefined;
  let startKey: unknown;
  do {
    const page = await context.call('Scan', {
      ...scan,
      ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
    });
    if (!page.ok) throw new Error(`Scan answered ${page.name}: ${page.message}`);
    const items = Array.isArray(page.output.Items) ? (page.output.Items as unknown[]) : [];
    for (const item of items.filter(isRecord)) {
      const seconds = ttlSecondsOf(item, ttl.attributeName);
      if (seconds === undefined) continue;
      if (seconds * 1000 >= nowMs) {
        nextExpiryMs = Math.min(nextExpiryMs ?? Infinity, seconds * 1000);
        continue;
      }
      const key = Object.fromEntries(keys.map((name) => [name, item[name]]));
      if (await deleteIfExpired(context, tableName, key, expired)) deleted += 1;
    }
    startKey = page.output.LastEvaluatedKey;
  } while (startKey !== undefined);
  ttl.nextExpiryMs = nextExpiryMs;
  return deleted;
}

/** A table just enabled: its first check scans it. */
const unscanned = (attributeName: string): TableTtl => ({
  attributeName,
  written: true,
  nextExpiryMs: undefined,
});

/** Answers `UpdateTimeToLive` against the enabled attributes, changing them as DynamoDB would. */
async function updateTimeToLive(
  call: DynamoDbCall,
  enabled: Map<string, TableTtl>,
  request: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const tableName = tableOf(request);
  const specification = request.TimeToLiveSpecification;
  if (
    !isRecord(specification) ||
    typeof specification.AttributeName !== 'string' ||
    specification.AttributeName.length === 0 ||
    typeof specification.Enabled !== 'boolean'
  ) {
    throw validation(
      "1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null",
    );
  }
  await keysOf(call, tableName);
  const current = enabled.get(tableName)?.attributeName;
  const { AttributeName, Enabled } = specification;
  if (Enabled && current !== undefined) {
    throw validation(
      current === AttributeName
        ? 'TimeToLive is already enabled'
        : `TimeToLive is active on a different AttributeName: current AttributeName is ${current}`,
    );
  }
  if (!Enabled && current === undefined) throw validation('TimeToLive is already disabled');
  if (Enabled) enabled.set(tableName, unscanned(AttributeName));
  else enabled.delete(tableName);
  return { TimeToLiveSpecification: { AttributeName, Enabled } };
}

/**
 * Creates the TTL of the local DynamoDB (dynalite has none). A sweep scans a table with TTL
 * enabled for items whose TTL attribute is a Number of epoch seconds in the past (and not more
 * than five years in the past, as DynamoDB), and deletes each with the condition that it is still
 * expired, so an item updated meanwhile stays. The deletion appends the `REMOVE` record DynamoDB
 * writes for it, with `userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }`.
 *
 * The sweeper checks the tables every `intervalMs` without reading them: it scans only a table
 * that was {@link TimeToLive.written} since its last scan, or whose soonest-expiring item (noted
 * by that scan) the clock has passed. A cloud that only reads scans nothing; a scan is fine for
 * local data sizes, not how a request path should read a table.
 *
 * @example
 * ```ts
 * const ttl = createTimeToLive({ call, locks, streams, intervalMs: 1000 });
 * ttl.enable('sessions', 'expiresAt');
 * ttl.written('sessions'); // after each write the endpoint forwards to the table
 * await ttl.sweep(); // 3: the expired sessions it deleted
 * await ttl.stop();
 * ```
 */
export function createTimeToLive(options: TimeToLiveOptions): TimeToLive {
  const clock = options.clock ?? new RealClock();
  const context: SweepContext = { ...options, now: () => clock.now() };
  const log = options.log ?? (() => undefined);
  const intervalMs = options.intervalMs ?? 1000;
  const enabled = new Map<string, TableTtl>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  /** Sweeps the tables `which` picks; a table that failed is scanned again at the next check. */
  const sweepTables = async (which: (ttl: TableTtl) => boolean): Promise<number> => {
    let deleted = 0;
    for (const [tableName, ttl] of [...enabled]) {
      if (!which(ttl)) continue;
      try {
        deleted += await sweepTable(context, tableName, ttl);
      } catch (error) {
        // Not created yet (its TTL is enabled just before), or deleted: nothing to sweep until
        // a CreateTable or a write through the endpoint marks it written.
        if (error instanceof AwsError && error.type.endsWith('#ResourceNotFoundException')) continue;
        ttl.written = true;
        log(`TTL: sweeping ${tableName} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return deleted;
  };
  const check = () => {
    const now = clock.now();
    return sweepTables((ttl) => isDue(ttl, now));
  };
  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    // The cadence is real time: on the clock, a move of a day would check once per simulated
    // interval. Each check compares with the clock, so the first one after a move sweeps what expired.
    timer = setTimeout(() => {
      running = check().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    enable(tableName, attributeName) {
      enabled.set(tableNameOf(tableName), unscanned(attributeName));
    },
    async describe(request) {
      const tableName = tableOf(request);
      await keysOf(context.call, tableName);
      const attributeName = enabled.get(tableName)?.attributeName;
      return {
        TimeToLiveDescription:
          attributeName === undefined
            ? { TimeToLiveStatus: 'DISABLED' }
            : { TimeToLiveStatus: 'ENABLED', AttributeName: attributeName },
      };
    },
    update: (request) => updateTimeToLive(context.call, enabled, request),
    written(tableName) {
      const ttl = enabled.get(tableNameOf(tableName));
      if (ttl) ttl.written = true;
    },
    check,
    sweep: () => sweepTables(() => true),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
