import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';

/** What a run has done so far. */
export interface Counts {
  /** Legacy rows read from the source. */
  readonly read: number;
  /** Target items written (in a dry run: that would be written). */
  readonly copied: number;
  /** Target items that already existed and were left as they are. */
  readonly skipped: number;
  /** Of `skipped`: the existing item differs from what the legacy row maps to now (see the report). */
  readonly differing: number;
  /** Legacy rows refused by the mapping, and items the target table refused (see the report). */
  readonly rejected: number;
}

/** The counts of a run that has not started. */
export const zeroCounts: Counts = { read: 0, copied: 0, skipped: 0, differing: 0, rejected: 0 };

const Count = z.number().int().min(0);

const CheckpointSchema = z.object({
  format: z.literal(1),
  service: z.string(),
  sourceTable: z.string(),
  targetTable: z.string(),
  segments: z
    .array(z.object({ lastEvaluatedKey: z.record(z.string(), z.unknown()).optional(), done: z.boolean() }))
    .min(1),
  counts: z.object({ read: Count, copied: Count, skipped: Count, differing: Count, rejected: Count }),
  pages: Count,
  /** Source items examined (before a Scan's filter); absent in checkpoints of earlier versions. */
  scanned: Count.default(0),
  reportBytes: Count,
  startedAt: z.string(),
  updatedAt: z.string(),
  complete: z.boolean(),
});

/**
 * Where a run stands, saved after every page: the `LastEvaluatedKey` of each scan segment, the
 * counts, and how long the report was at that moment (a resumed run cuts the report back to it,
 * so a page processed twice is reported once).
 */
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** A checkpoint file that cannot be read, or that belongs to another run. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/**
 * Reads a checkpoint; `undefined` when there is none.
 *
 * @example
 * ```ts
 * const checkpoint = await readCheckpoint('dist/migration/orders-local.checkpoint.json');
 * checkpoint?.counts.copied;
 * ```
 */
export async function readCheckpoint(file: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${file} is not JSON: fix or delete it, or start over with --restart.`);
  }
  const parsed = CheckpointSchema.safeParse(json);
  if (!parsed.success) {
    throw new CheckpointError(`${file} is not a migration checkpoint: start over with --restart.`);
  }
  return parsed.data;
}

/**
 * Saves a checkpoint atomically (a temporary file renamed over the old one), so an interrupted
 * save leaves the previous checkpoint intact.
 *
 * @example
 * ```ts
 * await writeCheckpoint(file, { ...checkpoint, pages: checkpoint.pages + 1 });
 * ```
 */
export async function writeCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
  await rename(temporary, file);
}

/** Deletes a checkpoint (a restart); no error when there is none. */
export async function removeCheckpoint(file: string): Promise<void> {
  await rm(file, { force: true });
}
