import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { journalLine, openJournal } from '../../src/persistence/journal';

interface Counted {
  readonly n: number;
}

const parse = (value: unknown): Counted | undefined =>
  typeof value === 'object' && value !== null && typeof (value as { n?: unknown }).n === 'number'
    ? { n: (value as { n: number }).n }
    : undefined;

describe('openJournal', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slice-journal-'));
    file = join(dir, 'test.journal');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const reopen = (log?: (line: string) => void) =>
    openJournal<Counted>(file, { parse, ...(log ? { log } : {}) });

  it('replays what was appended, in order, after the journal is closed and opened again', () => {
    const journal = reopen();
    for (const n of [1, 2, 3]) journal.append({ n });
    journal.close();

    expect(reopen().replayed).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('starts empty when the file does not exist yet', () => {
    expect(reopen().replayed).toEqual([]);
  });

  it('ignores a torn last record and appends the next one on a line of its own', () => {
    // Prepare: two whole records, then a write the process died in the middle of.
    const journal = reopen();
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    journal.close();
    appendFileSync(file, journalLine({ n: 3 }).slice(0, 12));

    // Act
    const reopened = reopen();
    reopened.append({ n: 4 });
    reopened.close();

    // Assess: the torn record is gone; the one after it is whole.
    expect(reopen().replayed).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
  });

  it('skips a damaged record, logs it, and keeps the records after it', () => {
    const good = journalLine({ n: 1 });
    const damaged = journalLine({ n: 2 }).replace('"n":2', '"n":7');
    writeFileSync(file, good + damaged + journalLine({ n: 3 }));
    const logs: string[] = [];

    expect(reopen((line) => logs.push(line)).replayed).toEqual([{ n: 1 }, { n: 3 }]);
    expect(logs).toEqual([expect.stringContaining(':2: a damaged or unknown record is skipped')]);
  });

  it('skips a whole record the parser does not know', () => {
    writeFileSync(file, journalLine({ n: 1 }) + journalLine({ kind: 'from a newer version' }));

    expect(reopen().replayed).toEqual([{ n: 1 }]);
  });

  it('compacts to the given records, and appends after them', () => {
    const journal = reopen();
    for (let n = 1; n <= 100; n += 1) journal.append({ n });
    journal.compact([{ n: 100 }]);
    journal.append({ n: 101 });
    journal.close();

    expect(reopen().replayed).toEqual([{ n: 100 }, { n: 101 }]);
    expect(existsSync(`${file}.compacting`)).toBe(false);
  });

  it('keeps the old journal when a compaction died before its rename', () => {
    // Prepare: a journal, and the half-written side file of a compaction that never finished.
    const journal = reopen();
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    journal.close();
    writeFileSync(`${file}.compacting`, journalLine({ n: 2 }).slice(0, 5));

    // Act
    const reopened = reopen();

    // Assess
    expect(reopened.replayed).toEqual([{ n: 1 }, { n: 2 }]);
    expect(existsSync(`${file}.compacting`)).toBe(false);
  });

  it('refuses to append once closed', () => {
    const journal = reopen();
    journal.close();

    expect(() => journal.append({ n: 1 })).toThrow(/is closed/);
  });

  it('keeps every record a killed writer acknowledged, and no torn one', async () => {
    // Prepare: a process appending as fast as it can, printing each record once append returned.
    const script = [
      `const { openJournal } = require(${JSON.stringify(resolve(__dirname, '../../src/persistence/journal.ts'))});`,
      `const journal = openJournal(${JSON.stringify(file)}, { parse: (value) => value, sync: false });`,
      `for (let n = 1; ; n += 1) { journal.append({ n, pad: 'x'.repeat(n % 512) }); if (n % 50 === 0) process.stdout.write(n + '\\n'); }`,
    ].join('\n');
    // tsx runs the script in a child process of its own: the group is what gets killed.
    const writer = spawn(resolve(__dirname, '../../../../node_modules/.bin/tsx'), ['-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const killWriter = () => {
      try {
        process.kill(-(writer.pid ?? 0), 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    let acknowledged = 0;

    // Act: kill -9 it once it has acknowledged a few thousand records.
    await new Promise<void>((done) => {
      writer.stdout.on('data', (chunk: Buffer) => {
        const last = Number(chunk.toString('utf8').trim().split('\n').at(-1));
        if (Number.isFinite(last)) acknowledged = Math.max(acknowledged, last);
        if (acknowledged >= 3000) killWriter();
      });
      writer.once('exit', () => done());
    });
    // The group is gone once nothing in it answers a signal (a zombie still does, until reaped).
    const deadline = Date.now() + 5000;
    for (let alive = true; alive && Date.now() < deadline;) {
      try {
        process.kill(-(writer.pid ?? 0), 0);
        await new Promise((wait) => setTimeout(wait, 20));
      } catch {
        alive = false;
      }
    }
    writer.stdout.destroy();

    // Assess: 1..k without a gap, k at least what it acknowledged, and the file ends on a whole line.
    const numbers = reopen().replayed.map((record) => record.n);
    expect(numbers.length).toBeGreaterThanOrEqual(acknowledged);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => index + 1));
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  }, 30_000);
});
