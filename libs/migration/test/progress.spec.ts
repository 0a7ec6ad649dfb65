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
  it('shows rows read and the counts on a terminal', () => {
    const terminal = stream(true);
    const bar = createProgressBar({ stream: terminal, estimatedRows: 10 });

    bar.update({ counts: { ...zeroCounts, read: 4, copied: 3, rejected: 1 }, pages: 1 });
    bar.stop();

    expect(terminal.text()).toMatch(/4 rows read \| copied 3 \| skipped 0 \| rejected 1/);
  });

  it('writes nothing when the stream is not a terminal (a pipe, a CI log)', () => {
    const pipe = stream(false);
    const bar = createProgressBar({ stream: pipe });

    bar.update({ counts: { ...zeroCounts, read: 4, copied: 4 }, pages: 1 });
    bar.stop();

    expect(pipe.text()).toBe('');
  });
});
