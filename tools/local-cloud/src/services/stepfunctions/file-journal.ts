/**
 * Executions kept in the data directory (`--data-dir`): an {@link ExecutionJournal} over the local
 * cloud's append-only journal file (`src/persistence/journal.ts`), one whole execution record a
 * line, the latest line of an execution winning on replay.
 */
import { join } from 'node:path';
import { openJournal } from '../../persistence/journal';
import { isRecord } from '../../json';
import type { ExecutionJournal, ExecutionRecord } from './executions';

/** The journal's file in the data directory. */
export const executionsJournalFile = 'slice-local-cloud.executions.journal';

/** A journal of executions, with what it held when it was opened. */
export interface ExecutionStore extends ExecutionJournal {
  /** The last saved state of every execution found, oldest started first. */
  readonly restored: readonly ExecutionRecord[];
  /** Writes what is pending and closes the file. */
  close(): void;
}

const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

const parseRecord = (value: unknown): ExecutionRecord | undefined =>
  isRecord(value) &&
  typeof value.executionArn === 'string' &&
  typeof value.stateMachineArn === 'string' &&
  typeof value.status === 'string' &&
  STATUSES.has(value.status) &&
  typeof value.startDate === 'number' &&
  Array.isArray(value.events)
    ? (value as unknown as ExecutionRecord)
    : undefined;

/**
 * Opens the executions journal of a data directory. Saves of a running execution are gathered
 * and written once per turn of the event loop (an execution records several events at once);
 * a save of an ended execution is written at once. On open, the journal is compacted to the
 * last record of each execution.
 *
 * @example
 * ```ts
 * const store = openExecutionStore(dataDir, log);
 * const sfn = new StepFunctions({ integrations, clock, journal: store });
 * sfn.restore(store.restored);
 * ```
 */
export function openExecutionStore(dataDir: string, log: (line: string) => void): ExecutionStore {
  // Executions are development data: written without fdatasync, they survive a killed process, not a power cut.
  const journal = openJournal<ExecutionRecord>(join(dataDir, executionsJournalFile), {
    parse: parseRecord,
    sync: false,
    log,
  });
  const latest = new Map<string, ExecutionRecord>();
  for (const record of journal.replayed) latest.set(record.executionArn, record);
  journal.compact(latest.values());
  const pending = new Map<string, ExecutionRecord>();
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;
  const flush = () => {
    scheduled = undefined;
    for (const record of pending.values()) journal.append(record);
    pending.clear();
  };
  return {
    restored: [...latest.values()].sort((left, right) => left.startDate - right.startDate),
    save(record) {
      if (closed) return;
      pending.set(record.executionArn, record);
      if (record.status !== 'RUNNING') {
        if (scheduled) clearImmediate(scheduled);
        flush();
      } else scheduled ??= setImmediate(flush);
    },
    close() {
      if (closed) return;
      if (scheduled) clearImmediate(scheduled);
      flush();
      closed = true;
      journal.close();
    },
  };
}
