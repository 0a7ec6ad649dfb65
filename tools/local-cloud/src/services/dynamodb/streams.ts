import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { TableSpec } from '../../model';
import { isRecord } from '../../json';
import type { StreamJournal } from '../../persistence/state';

/** What a stream record carries, as the table's `StreamSpecification.StreamViewType` says. */
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** An item in DynamoDB's wire format (`{ "pk": { "S": "ORDER#1" } }`). */
export type AttributeMap = Record<string, unknown>;

/** Who made a change, on the records DynamoDB itself writes: TTL deletions. */
export interface StreamUserIdentity {
  readonly type: 'Service';
  readonly principalId: 'dynamodb.amazonaws.com';
}

/** The identity DynamoDB puts on the `REMOVE` record of an item its TTL deleted. */
export const ttlUserIdentity: StreamUserIdentity = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };

/** One DynamoDB stream record, as a Lambda event source delivers it in `event.Records`. */
export interface StreamRecord {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion: '1.1';
  readonly eventSource: 'aws:dynamodb';
  readonly awsRegion: string;
  readonly dynamodb: {
    /** Epoch seconds. */
    readonly ApproximateCreationDateTime: number;
    readonly Keys: AttributeMap;
    readonly NewImage?: AttributeMap;
    readonly OldImage?: AttributeMap;
    /** Monotonic across the local cloud, zero-padded so that string order is arrival order. */
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: StreamViewType;
  };
  readonly eventSourceARN: string;
  /** Only on records of changes DynamoDB made itself (TTL deletions). */
  readonly userIdentity?: StreamUserIdentity;
}

/** A stream record and when it was appended (epoch milliseconds), for batching windows. */
export interface StreamEntry {
  readonly record: StreamRecord;
  readonly arrivedAt: number;
}

/** The stream of one stream-enabled table. */
export interface TableStream {
  readonly tableName: string;
  readonly streamArn: string;
  readonly viewType: StreamViewType;
  /** The table's key attribute names (partition key first). */
  readonly keyAttributes: readonly string[];
  /** The records kept, oldest first (at most `maxRecordsPerStream`). */
  readonly entries: readonly StreamEntry[];
  /** The sequence number of the newest record, `''` when there is none yet. */
  latestSequenceNumber(): string;
  /** Up to `limit` entries whose sequence number is greater than `after` (`''`: from the oldest kept). */
  read(after: string, limit: number): StreamEntry[];
  /**
   * Appends the record of a change: `INSERT` (no old item), `REMOVE` (no new item) or `MODIFY`.
   * Returns `undefined`, appending nothing, when the item did not change, as DynamoDB does.
   * `userIdentity` marks a change DynamoDB made itself ({@link ttlUserIdentity}).
   */
  append(change: {
    readonly oldItem?: AttributeMap | undefined;
    readonly newItem?: AttributeMap | undefined;
    readonly userIdentity?: StreamUserIdentity;
  }): StreamRecord | undefined;
  /** Calls `listener` after every append; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** The streams of the local cloud's tables, by table name and by stream ARN. */
export interface StreamStore {
  /** Adds the stream of every table with a `StreamSpecification` (a known table keeps its stream). */
  add(tables: readonly TableSpec[]): void;
  /** The stream of a table by name or table ARN; `undefined` when the table has none. */
  forTable(tableNameOrArn: string): TableStream | undefined;
  /** The stream with that stream ARN. */
  byArn(streamArn: string): TableStream | undefined;
  all(): TableStream[];
}

/** Options of {@link createStreamStore}. */
export interface StreamStoreOptions {
  readonly region: string;
  /** How many records each stream keeps, the oldest dropped first (AWS keeps 24 hours). @default 10000 */
  readonly maxRecordsPerStream?: number;
  /** The clock, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Where records are kept across a restart (`--data-dir`). @default in memory only */
  readonly journal?: StreamJournal;
}

const viewTypes: ReadonlySet<string> = new Set(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']);

/** The name of a table from its name or its ARN. */
export const tableNameOf = (nameOrArn: string): string =>
  nameOrArn.startsWith('arn:')
    ? nameOrArn.slice(nameOrArn.lastIndexOf('table/') + 'table/'.length)
    : nameOrArn;

const pick = (item: AttributeMap, names: readonly string[]): AttributeMap =>
  Object.fromEntries(names.filter((name) => name in item).map((name) => [name, item[name]]));

/** A change {@link TableStream.append} records. */
type StreamChange = Parameters<TableStream['append']>[0];

/** The key attribute names of a table, partition key first. */
export const keyAttributesOf = (table: TableSpec): string[] =>
  [...(table.createTableInput.KeySchema ?? [])]
    .sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
    .flatMap((key) => (key.AttributeName === undefined ? [] : [key.AttributeName]));

/**
 * The record DynamoDB Streams writes for a change of an item (old and new item not both absent):
 * the keys, and the images the view type keeps. `npm run invoke` builds its samples with it too.
 */
export function streamRecord(
  stream: Pick<TableStream, 'streamArn' | 'viewType' | 'keyAttributes'>,
  { oldItem, newItem, userIdentity }: StreamChange,
  at: { readonly region: string; readonly sequenceNumber: string; readonly arrivedAt: number },
): StreamRecord {
  const { viewType } = stream;
  const item = (newItem ?? oldItem) as AttributeMap;
  const Keys = pick(item, stream.keyAttributes);
  const images = {
    ...(newItem && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')
      ? { NewImage: newItem }
      : {}),
    ...(oldItem && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')
      ? { OldImage: oldItem }
      : {}),
  };
  return {
    eventID: randomUUID().replaceAll('-', ''),
    eventName: !oldItem ? 'INSERT' : !newItem ? 'REMOVE' : 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: at.region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(at.arrivedAt / 1000),
      Keys,
      ...images,
      SequenceNumber: at.sequenceNumber,
      SizeBytes: Buffer.byteLength(JSON.stringify({ Keys, ...images })),
      StreamViewType: viewType,
    },
    eventSourceARN: stream.streamArn,
    ...(userIdentity ? { userIdentity } : {}),
  };
}

/** What the streams of one store share: its options and the sequence numbers, which grow across all of them. */
interface StoreContext {
  readonly options: StreamStoreOptions;
  readonly maxRecords: number;
  readonly now: () => number;
  /** The next sequence number, 21 digits. */
  nextSequenceNumber(): string;
}

/** One table's stream, its records restored from the journal when there is one. */
function createTableStream(
  context: StoreContext,
  table: TableSpec,
  streamArn: string,
  viewType: StreamViewType,
): TableStream {
  const { options } = context;
  const entries: StreamEntry[] = options.journal?.restored(streamArn) ?? [];
  const listeners = new Set<() => void>();
  const stream = { tableName: table.tableName, streamArn, viewType, keyAttributes: keyAttributesOf(table) };
  return {
    ...stream,
    entries,
    latestSequenceNumber: () => entries.at(-1)?.record.dynamodb.SequenceNumber ?? '',
    read(after, limit) {
      const start = entries.findIndex((entry) => entry.record.dynamodb.SequenceNumber > after);
      return start === -1 ? [] : entries.slice(start, start + limit);
    },
    append(change) {
      const { oldItem, newItem } = change;
      if (!oldItem && !newItem) return undefined;
      if (oldItem && newItem && isDeepStrictEqual(oldItem, newItem)) return undefined;
      const sequenceNumber = context.nextSequenceNumber();
      const arrivedAt = context.now();
      const record = streamRecord(stream, change, { region: options.region, sequenceNumber, arrivedAt });
      options.journal?.appended(streamArn, { record, arrivedAt });
      entries.push({ record, arrivedAt });
      if (entries.length > context.maxRecords) entries.splice(0, entries.length - context.maxRecords);
      for (const listener of listeners) listener();
      return record;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Creates the stream store of the local AWS endpoint: DynamoDB Streams for the tables whose
 * template enables them (dynalite has none). The endpoint appends a record for every write that
 * changed an item; event sources read records after a checkpoint.
 *
 * @example
 * ```ts
 * const streams = createStreamStore({ region: 'eu-west-1' });
 * streams.add(model.tables);
 * streams.forTable('orders')?.append({ newItem: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } } });
 * streams.forTable('orders')?.read('', 25); // [{ record: { eventName: 'INSERT', ... }, arrivedAt }]
 * ```
 */
export function createStreamStore(options: StreamStoreOptions): StreamStore {
  const byName = new Map<string, TableStream>();
  const byStreamArn = new Map<string, TableStream>();
  let sequence = options.journal?.lastSequenceNumber ?? 0n;
  const context: StoreContext = {
    options,
    maxRecords: options.maxRecordsPerStream ?? 10_000,
    now: options.now ?? Date.now,
    nextSequenceNumber() {
      sequence += 1n;
      return sequence.toString().padStart(21, '0');
    },
  };
  return {
    add(tables) {
      for (const table of tables) {
        const viewType = table.createTableInput.StreamSpecification?.StreamViewType;
        if (!table.streamArn || viewType === undefined || !viewTypes.has(viewType)) continue;
        if (byName.has(table.tableName)) continue;
        const stream = createTableStream(context, table, table.streamArn, viewType);
        byName.set(table.tableName, stream);
        byStreamArn.set(table.streamArn, stream);
      }
    },
    forTable: (nameOrArn) => byName.get(tableNameOf(nameOrArn)),
    byArn: (streamArn) => byStreamArn.get(streamArn),
    all: () => [...byName.values()],
  };
}

/** One item a write may change: its table's stream and its key. */
export interface StreamWriteTarget {
  readonly stream: TableStream;
  readonly key: AttributeMap;
}

/**
 * The items of stream-enabled tables a DynamoDB write request may change: one for `PutItem`,
 * `UpdateItem` and `DeleteItem`, one per request of `BatchWriteItem`. Empty for reads, for tables
 * without a stream and for requests too malformed to name a key (DynamoDB rejects those anyway).
 *
 * @example
 * ```ts
 * streamWriteTargets('DeleteItem', { TableName: 'orders', Key: { pk: { S: 'ORDER#1' } } }, streams);
 * // [{ stream: <the orders stream>, key: { pk: { S: 'ORDER#1' } } }]
 * ```
 */
export function streamWriteTargets(
  operation: string,
  request: Record<string, unknown>,
  streams: StreamStore,
): StreamWriteTarget[] {
  const target = (tableName: unknown, item: unknown): StreamWriteTarget[] => {
    if (typeof tableName !== 'string' || !isRecord(item)) return [];
    const stream = streams.forTable(tableName);
    if (!stream) return [];
    const key = pick(item, stream.keyAttributes);
    return Object.keys(key).length === stream.keyAttributes.length ? [{ stream, key }] : [];
  };
  switch (operation) {
    case 'PutItem':
      return target(request.TableName, request.Item);
    case 'UpdateItem':
    case 'DeleteItem':
      return target(request.TableName, request.Key);
    case 'BatchWriteItem': {
      if (!isRecord(request.RequestItems)) return [];
      const targets = Object.entries(request.RequestItems).flatMap(([tableName, writes]) =>
        Array.isArray(writes)
          ? writes.flatMap((write: unknown) => {
              if (!isRecord(write)) return [];
              if (isRecord(write.PutRequest)) return target(tableName, write.PutRequest.Item);
              if (isRecord(write.DeleteRequest)) return target(tableName, write.DeleteRequest.Key);
              return [];
            })
          : [],
      );
      const seen = new Set<string>();
      return targets.filter(({ stream, key }) => {
        const id = `${stream.tableName} ${JSON.stringify(stream.keyAttributes.map((name) => key[name]))}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
    }
    default:
      return [];
  }
}
