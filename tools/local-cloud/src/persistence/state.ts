import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as z from 'zod';
import type { AttributeMap, StreamEntry, StreamRecord } from '../services/dynamodb/streams';
import type { StoredEvent } from '../services/events/events';
import type { QueueMessage } from '../services/sqs/sqs';
import { openJournal, type Journal } from './journal';

/** What the stream store keeps across a restart. */
export interface StreamJournal {
  /** The records a stream kept before the restart, oldest first. */
  restored(streamArn: string): StreamEntry[];
  /** The highest sequence number any stream has used, so that new records sort after every old one. */
  readonly lastSequenceNumber: bigint;
  /** Called with every new record before a reader can see it. */
  appended(streamArn: string, entry: StreamEntry): void;
}

/** What the queue store keeps across a restart. */
export interface QueueJournal {
  /** The messages a queue held before the restart (with their receive counts and visibility), oldest first. */
  restored(queueArn: string): QueueMessage[];
  /** Called with messages that were sent, received or whose visibility changed. */
  saved(queueArn: string, messages: readonly QueueMessage[]): void;
  /** Called when a message was deleted or moved to the dead-letter queue (after it arrived there). */
  deleted(queueArn: string, messageId: string): void;
}

/** What the event log keeps across a restart. */
export interface EventJournal {
  /** The events put before the restart, oldest first. */
  readonly restored: readonly StoredEvent[];
  /** Called with every event a bus accepted, before the caller hears back. */
  appended(event: StoredEvent): void;
}

/** The positions of the stream event-source mappings: the last record each has processed. */
export interface CheckpointStore {
  /** The sequence number of the last record the mapping processed (`''`: none yet), or `undefined` for a new mapping. */
  get(mappingId: string): string | undefined;
  set(mappingId: string, sequenceNumber: string): void;
  /** Drops a mapping's position: it starts again at its `StartingPosition`. */
  forget(mappingId: string): void;
}

/** One item a write to a stream-enabled table may change, as it was before the write. */
export interface PendingItem {
  readonly streamArn: string;
  /** The item's key attributes, in the stream's key order. */
  readonly key: AttributeMap;
  /** The item before the write; `undefined` when there was none. */
  readonly before?: AttributeMap | undefined;
  /** The stream's latest sequence number before the write: a record after it for this key is the write's. */
  readonly after: string;
}

/** A write that began (its table already locked) and whose stream records may not all be appended. */
export interface PendingWrite {
  readonly id: string;
  readonly items: readonly PendingItem[];
}

/**
 * The writes to stream-enabled tables between the database's commit and their stream records:
 * journaled before the write, so that a crash in between is repaired on the next start.
 */
export interface WriteJournal {
  /** Journals a write about to happen; call the answer once its records are appended (or it failed). */
  begun(items: readonly PendingItem[]): () => void;
  /** The writes a crash interrupted, oldest first. */
  pending(): readonly PendingWrite[];
  /** Marks a write as settled. */
  done(id: string): void;
}

/** The local cloud's state that outlives a restart, besides the tables (dynalite keeps those). */
export interface LocalState {
  readonly streams: StreamJournal;
  readonly queues: QueueJournal;
  readonly events: EventJournal;
  readonly checkpoints: CheckpointStore;
  readonly writes: WriteJournal;
  close(): void;
}

/** Options of {@link openLocalState}. */
export interface LocalStateOptions {
  /** How long stream records are kept: AWS keeps them 24 hours. @default 24 hours */
  readonly streamRetentionMs?: number;
  /** How many records each stream keeps, as the stream store. @default 10000 */
  readonly maxRecordsPerStream?: number;
  /** How many events the log keeps, as the endpoint. @default 10000 */
  readonly maxEvents?: number;
  /** @default true: every append is fdatasync'd */
  readonly sync?: boolean;
  /** The clock, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** @default discarded */
  readonly log?: (line: string) => void;
}

/** The file the journal lives in, inside the data directory. */
export const journalFileName = 'slice-local-cloud.journal';

const objectOf = <T>() =>
  z.custom<T>((value) => typeof value === 'object' && value !== null && !Array.isArray(value));

const Entry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('stream'),
    streamArn: z.string(),
    record: objectOf<StreamRecord>(),
    arrivedAt: z.number(),
  }),
  z.object({ kind: z.literal('sequence'), sequenceNumber: z.string().regex(/^\d+$/) }),
  z.object({ kind: z.literal('checkpoint'), mappingId: z.string(), sequenceNumber: z.string() }),
  z.object({ kind: z.literal('checkpoint-forgotten'), mappingId: z.string() }),
  z.object({ kind: z.literal('message'), queueArn: z.string(), message: objectOf<QueueMessage>() }),
  z.object({ kind: z.literal('message-deleted'), queueArn: z.string(), messageId: z.string() }),
  z.object({ kind: z.literal('event'), event: objectOf<StoredEvent>() }),
  z.object({
    kind: z.literal('write-begun'),
    id: z.string(),
    items: z.array(
      z.object({
        streamArn: z.string(),
        key: objectOf<AttributeMap>(),
        before: objectOf<AttributeMap>().optional(),
        after: z.string(),
      }),
    ),
  }),
  z.object({ kind: z.literal('write-done'), id: z.string() }),
]);
type Entry = z.infer<typeof Entry>;

/** The state the journal's records add up to. */
interface Folded {
  readonly streams: Map<string, StreamEntry[]>;
  readonly checkpoints: Map<string, string>;
  readonly queues: Map<string, Map<string, QueueMessage>>;
  readonly events: StoredEvent[];
  readonly pending: Map<string, readonly PendingItem[]>;
  sequence: bigint;
}

const sequenceOf = (record: StreamRecord): bigint => {
  const text = record.dynamodb?.SequenceNumber;
  return typeof text === 'string' && /^\d+$/.test(text) ? BigInt(text) : 0n;
};

function fold(state: Folded, entry: Entry): void {
  switch (entry.kind) {
    case 'stream': {
      const entries = state.streams.get(entry.streamArn) ?? [];
      entries.push({ record: entry.record, arrivedAt: entry.arrivedAt });
      state.streams.set(entry.streamArn, entries);
      const sequence = sequenceOf(entry.record);
      if (sequence > state.sequence) state.sequence = sequence;
      return;
    }
    case 'sequence': {
      const sequence = BigInt(entry.sequenceNumber);
      if (sequence > state.sequence) state.sequence = sequence;
      return;
    }
    case 'checkpoint':
      state.checkpoints.set(entry.mappingId, entry.sequenceNumber);
      return;
    case 'checkpoint-forgotten':
      state.checkpoints.delete(entry.mappingId);
      return;
    case 'message': {
      const messages = state.queues.get(entry.queueArn) ?? new Map<string, QueueMessage>();
      messages.set(entry.message.messageId, entry.message);
      state.queues.set(entry.queueArn, messages);
      return;
    }
    case 'message-deleted':
      state.queues.get(entry.queueArn)?.delete(entry.messageId);
      return;
    case 'event':
      state.events.push(entry.event);
      return;
    case 'write-begun':
      state.pending.set(entry.id, entry.items);
      return;
    case 'write-done':
      state.pending.delete(entry.id);
  }
}

/** Drops what AWS would no longer hold: stream records past their retention, the oldest events over the cap. */
function trim(
  state: Folded,
  options: Required<Pick<LocalStateOptions, 'streamRetentionMs' | 'maxRecordsPerStream' | 'maxEvents'>>,
  now: number,
): void {
  for (const [streamArn, entries] of state.streams) {
    const kept = entries.filter((entry) => entry.arrivedAt > now - options.streamRetentionMs);
    state.streams.set(streamArn, kept.slice(-options.maxRecordsPerStream));
  }
  state.events.splice(0, Math.max(0, state.events.length - options.maxEvents));
}

/** The records a compacted journal holds: one per live thing, in the order they were first written. */
function* snapshot(state: Folded): Generator<Entry> {
  yield { kind: 'sequence', sequenceNumber: state.sequence.toString() };
  for (const [streamArn, entries] of state.streams)
    for (const { record, arrivedAt } of entries) yield { kind: 'stream', streamArn, record, arrivedAt };
  for (const [mappingId, sequenceNumber] of state.checkpoints)
    yield { kind: 'checkpoint', mappingId, sequenceNumber };
  for (const [queueArn, messages] of state.queues)
    for (const message of messages.values()) yield { kind: 'message', queueArn, message };
  for (const event of state.events) yield { kind: 'event', event };
  for (const [id, items] of state.pending)
    yield { kind: 'write-begun', id, items: items.map(withoutUndefined) };
}

/** An item without an absent `before`, as JSON (and the journal's schema) has it. */
const withoutUndefined = ({ before, ...item }: PendingItem): PendingItem =>
  before === undefined ? item : { ...item, before };

/** A copy of a message as it is now: the queue changes its receive count and visibility in place. */
const copyOf = (message: QueueMessage): QueueMessage => ({ ...message });

function hooks(state: Folded, journal: Journal<Entry>): Omit<LocalState, 'close'> {
  const append = (entry: Entry) => journal.append(entry);
  return {
    streams: {
      restored: (streamArn) => [...(state.streams.get(streamArn) ?? [])],
      lastSequenceNumber: state.sequence,
      appended: (streamArn, { record, arrivedAt }) =>
        append({ kind: 'stream', streamArn, record, arrivedAt }),
    },
    queues: {
      restored: (queueArn) => [...(state.queues.get(queueArn)?.values() ?? [])].map(copyOf),
      saved: (queueArn, messages) => {
        for (const message of messages) append({ kind: 'message', queueArn, message: copyOf(message) });
      },
      deleted: (queueArn, messageId) => append({ kind: 'message-deleted', queueArn, messageId }),
    },
    events: {
      restored: [...state.events],
      appended: (event) => append({ kind: 'event', event }),
    },
    checkpoints: {
      get: (mappingId) => state.checkpoints.get(mappingId),
      set: (mappingId, sequenceNumber) => {
        if (state.checkpoints.get(mappingId) === sequenceNumber) return;
        state.checkpoints.set(mappingId, sequenceNumber);
        append({ kind: 'checkpoint', mappingId, sequenceNumber });
      },
      forget: (mappingId) => {
        if (!state.checkpoints.delete(mappingId)) return;
        append({ kind: 'checkpoint-forgotten', mappingId });
      },
    },
    writes: {
      begun: (items) => {
        const id = randomUUID();
        append({ kind: 'write-begun', id, items: items.map(withoutUndefined) });
        return () => append({ kind: 'write-done', id });
      },
      pending: () => [...state.pending].map(([id, items]) => ({ id, items })),
      done: (id) => {
        state.pending.delete(id);
        append({ kind: 'write-done', id });
      },
    },
  };
}

/**
 * Opens the state a local cloud keeps in its data directory (`npm start -- --data-dir <dir>`):
 * the records and sequence numbers of the DynamoDB streams, the positions of the stream
 * event-source mappings, the SQS messages with their receive counts and visibility, and the
 * EventBridge event log, all in one append-only journal ({@link openJournal}). The journal is
 * replayed, then compacted to what is still held (stream records younger than their 24-hour
 * retention, undeleted messages, the last checkpoint of each mapping); the stores then append
 * every change before it can be seen, so a `kill -9` loses nothing a caller was told happened.
 *
 * @example
 * ```ts
 * const state = openLocalState('/home/me/.slice-data');
 * const streams = createStreamStore({ region, journal: state.streams });
 * const queues = createQueueStore(model.queues, Date.now, state.queues);
 * // … on stop …
 * state.close();
 * ```
 */
export function openLocalState(dataDir: string, options: LocalStateOptions = {}): LocalState {
  const journal = openJournal<Entry>(join(dataDir, journalFileName), {
    parse: (value) => {
      const parsed = Entry.safeParse(value);
      return parsed.success ? parsed.data : undefined;
    },
    ...(options.sync === undefined ? {} : { sync: options.sync }),
    ...(options.log ? { log: options.log } : {}),
  });
  const state: Folded = {
    streams: new Map(),
    checkpoints: new Map(),
    queues: new Map(),
    events: [],
    pending: new Map(),
    sequence: 0n,
  };
  for (const entry of journal.replayed) fold(state, entry);
  trim(
    state,
    {
      streamRetentionMs: options.streamRetentionMs ?? 24 * 60 * 60 * 1000,
      maxRecordsPerStream: options.maxRecordsPerStream ?? 10_000,
      maxEvents: options.maxEvents ?? 10_000,
    },
    (options.now ?? Date.now)(),
  );
  journal.compact(snapshot(state));
  return { ...hooks(state, journal), close: () => journal.close() };
}

/**
 * Checkpoints kept in memory only: what the stream event sources use without a data directory,
 * so that a mapping restarted by a redeploy resumes where it was, as a Lambda mapping does.
 *
 * @example
 * ```ts
 * const checkpoints = createMemoryCheckpoints();
 * checkpoints.set('SliceOrders-dev/Mapping', '000000000000000000042');
 * checkpoints.get('SliceOrders-dev/Mapping'); // '000000000000000000042'
 * ```
 */
export function createMemoryCheckpoints(): CheckpointStore {
  const positions = new Map<string, string>();
  return {
    get: (mappingId) => positions.get(mappingId),
    set: (mappingId, sequenceNumber) => void positions.set(mappingId, sequenceNumber),
    forget: (mappingId) => void positions.delete(mappingId),
  };
}
