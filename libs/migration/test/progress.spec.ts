import { Writable } from 'node:stream';
import { createProgressBar, zeroCounts } from '../src';

/** A stream that records what is written; a terminal when `isTTY`. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return Object.assign(writable, {
    isTTY,
    columns: 120,
    cursorTo: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    moveCursor: () => true,
    text: () => chunks.join(''),
  }) as unknown as NodeJS.WriteStream & { text: () => string };
}

describe('createProgressBar', () => {
  it('shows the share of the source scanned, rows read and the counts on a terminal', () => {
    const terminal = stream(true);
    const bar = createProgressBar({ stream: terminal, estimatedRows: 10 });

    // A filtered Scan: 8 items of the table examined, 4 of them rows of the entity.
    bar.update({ counts: { ...zeroCounts, read: 4, copied: 3, rejected: 1 }, pages: 1, scanned: 8 });
    bar.stop();

    expect(terminal.text()).toMatch(
      /80% \| 8\/10 scanned \| 4 rows read \| copied 3 \| skipped 0 \| rejected 1/,
    );
  });

  it('shows only the counts when the size of the source is unknown (a Query)', () => {
    const terminal = stream(true);
    const bar = createProgressBar({ stream: terminal });

    bar.update({ counts: { ...zeroCounts, read: 4, copied: 4 }, pages: 1, scanned: 4 });
    bar.stop();

    expect(terminal.text()).toMatch(/4 rows read \| copied 4 \| skipped 0 \| rejected 0/);
    expect(terminal.text()).not.toMatch(/scanned|%/);
  });

  it('writes nothing when the stream is not a terminal (a pipe, a CI log)', () => {
    const pipe = stream(false);
    const bar = createProgressBar({ stream: pipe });

    bar.update({ counts: { ...zeroCounts, read: 4, copied: 4 }, pages: 1, scanned: 4 });
    bar.stop();

    expect(pipe.text()).toBe('');
  });
});
