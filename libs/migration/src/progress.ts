import { Presets, SingleBar } from 'cli-progress';
import type { MigrationProgress } from './migrate';

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** @default process.stderr */
  readonly stream?: NodeJS.WriteStream;
  /**
   * About how many items a Scan of the source examines (`ItemCount` of `DescribeTable`): the bar
   * then shows the share of the table scanned. Without it (a Query source), only the counts.
   */
  readonly estimatedRows?: number;
}

/** A progress display for {@link migrate}: pass `update` as its `onPage`. */
export interface ProgressBar {
  readonly update: (progress: MigrationProgress) => void;
  readonly stop: () => void;
}

/**
 * A progress bar on stderr (the share of the source scanned; rows read, copied, skipped,
 * rejected), or nothing at all when the stream is not a terminal (CI logs, a pipe): the final
 * counts are printed either way by the CLI.
 *
 * @example
 * ```ts
 * const bar = createProgressBar({ estimatedRows: 5000 });
 * try {
 *   await migrate({ ...options, onPage: bar.update });
 * } finally {
 *   bar.stop();
 * }
 * ```
 */
export function createProgressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const estimate = options.estimatedRows ?? 0;
  const counters = '{read} rows read | copied {copied} | skipped {skipped} | rejected {rejected}';
  const bar = new SingleBar(
    {
      stream,
      // The bar's value is the position in the source (items scanned, before the filter), so a
      // filtered Scan of a table shared with other entities still ends at 100%.
      format:
        estimate > 0
          ? `{bar} {percentage}% | {value}/{total} scanned | ${counters} | eta {eta_formatted}`
          : counters,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  const payload = ({ counts }: MigrationProgress) => ({
    read: counts.read,
    copied: counts.copied,
    skipped: counts.skipped,
    rejected: counts.rejected,
  });
  bar.start(estimate, 0, { read: 0, copied: 0, skipped: 0, rejected: 0 });
  return {
    update: (progress) => {
      // `ItemCount` is refreshed about every six hours: grow the total rather than overflow it.
      if (progress.scanned > bar.getTotal()) bar.setTotal(progress.scanned);
      bar.update(progress.scanned, payload(progress));
    },
    stop: () => bar.stop(),
  };
}
