import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only journal file: one JSON record a line, each line carrying a checksum, written
 * with `write` and (by default) `fdatasync` before `append` returns, so that a record the journal
 * took survives a `kill -9` of the process and a power cut.
 */
export interface Journal<T> {
  /** The file. */
  readonly file: string;
  /** The records found when the journal was opened, oldest first. */
  readonly replayed: readonly T[];
  /** Appends one record; it is on disk when this returns. */
  append(record: T): void;
  /**
   * Replaces the journal's content with `records` (the state the replayed records add up to):
   * written to a side file, synced, then renamed over the journal, so that a crash half way
   * leaves either the old journal or the new one, never a mix.
   */
  compact(records: Iterable<T>): void;
  /** Closes the file; `append` throws afterwards. */
  close(): void;
}

/** Options of {@link openJournal}. */
export interface JournalOptions<T> {
  /** Checks a replayed record; `undefined` drops it (logged). */
  readonly parse: (value: unknown) => T | undefined;
  /**
   * `fdatasync` after every append: a committed record then survives a power cut too, not only
   * a killed process. @default true
   */
  readonly sync?: boolean;
  /** Where a dropped record is reported. @default discarded */
  readonly log?: (line: string) => void;
}

/** The checksum of a record's JSON: enough to tell a torn or damaged line from a whole one. */
const checksum = (json: string): string => createHash('sha256').update(json).digest('hex').slice(0, 16);

/** One line of the journal: `<checksum> <json>\n`. */
export const journalLine = (record: unknown): string => {
  const json = JSON.stringify(record);
  return `${checksum(json)} ${json}\n`;
};

interface Replay<T> {
  readonly records: T[];
  /** Bytes up to the end of the last whole line: what follows is a torn write. */
  readonly validBytes: number;
}

function replay<T>(content: Buffer, options: JournalOptions<T>, file: string): Replay<T> {
  const log = options.log ?? (() => undefined);
  const records: T[] = [];
  let offset = 0;
  let lineNumber = 0;
  while (offset < content.length) {
    const end = content.indexOf(0x0a, offset);
    // No newline: the process died while writing this line. It was never acknowledged.
    if (end === -1) break;
    lineNumber += 1;
    const line = content.subarray(offset, end).toString('utf8');
    offset = end + 1;
    const space = line.indexOf(' ');
    const json = line.slice(space + 1);
    let parsed: T | undefined;
    if (space === 16 && checksum(json) === line.slice(0, space)) {
      try {
        parsed = options.parse(JSON.parse(json));
      } catch {
        parsed = undefined;
      }
    }
    if (parsed === undefined) log(`${file}:${lineNumber}: a damaged or unknown record is skipped`);
    else records.push(parsed);
  }
  return { records, validBytes: offset };
}

/** Makes a rename durable: the directory entry is synced too. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse to sync a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Opens (or creates) a journal and replays it: every whole record is in `replayed`; a torn last
 * line (a write the process died in, so never acknowledged) is cut off the file before new
 * records go after it; a damaged line elsewhere is skipped and logged. A side file left by a
 * compaction that did not finish is removed: the journal itself is still whole.
 *
 * @example
 * ```ts
 * const journal = openJournal<{ n: number }>(join(dataDir, 'counter.journal'), {
 *   parse: (value) => (isRecord(value) && typeof value.n === 'number' ? { n: value.n } : undefined),
 * });
 * const latest = journal.replayed.at(-1)?.n ?? 0;
 * journal.compact([{ n: latest }]);
 * journal.append({ n: latest + 1 }); // on disk when this returns
 * journal.close();
 * ```
 */
export function openJournal<T>(file: string, options: JournalOptions<T>): Journal<T> {
  const sync = options.sync ?? true;
  const side = `${file}.compacting`;
  rmSync(side, { force: true });
  const content = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
  const { records, validBytes } = replay(content, options, file);
  let fd: number | undefined = openSync(file, 'a');
  if (validBytes < content.length) {
    ftruncateSync(fd, validBytes);
    if (sync) fdatasyncSync(fd);
  }

  const write = (target: number, text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(target, bytes, written, bytes.length - written);
  };
  const open = (): number => {
    if (fd === undefined) throw new Error(`The journal ${file} is closed.`);
    return fd;
  };

  return {
    file,
    replayed: records,
    append(record) {
      const target = open();
      write(target, journalLine(record));
      if (sync) fdatasyncSync(target);
    },
    compact(next) {
      const current = open();
      const sideFd = openSync(side, 'w');
      try {
        let chunk = '';
        for (const record of next) {
          chunk += journalLine(record);
          if (chunk.length >= 1 << 20) {
            write(sideFd, chunk);
            chunk = '';
          }
        }
        write(sideFd, chunk);
        fsyncSync(sideFd);
      } finally {
        closeSync(sideFd);
      }
      renameSync(side, file);
      syncDirectory(dirname(file));
      closeSync(current);
      fd = openSync(file, 'a');
    },
    close() {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
    },
  };
}
