import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTable, startDynalite, type Dynalite } from '@slice/testing';
import { CheckpointError, migrate, readCheckpoint, type MigrateOptions } from '../src';
import {
  legacyTable,
  reportOf,
  scanAll,
  seed,
  serviceTable,
  thing,
  thingItem,
  thingsByQuery,
  thingsByScan,
  workDir,
} from './support';

/** A legacy table's THING rows, the items they map to, and the rows the mapping rejects. */
function dataset(size: number, invalidEvery: number) {
  const rows = Array.from({ length: size }, (_, index) => thing(index + 1, invalidEvery));
  return {
    rows,
    invalid: rows.filter((row) => (row.amountCents as number) < 0),
    expected: rows
      .filter((row) => (row.amountCents as number) >= 0)
      .map((row) => thingItem(row as { thingId: string; amountCents: number }))
      .sort((a, b) => String(a.pk).localeCompare(String(b.pk))),
  };
}

// A few thousand rows for a whole copy and a resume; a smaller table for the other behaviours.
const large = dataset(2000, 97);
const { rows, invalid, expected } = dataset(300, 37);
const ROWS = rows.length;
// Rows of another entity share the table: the mapping's filter leaves them out.
const others = Array.from({ length: 50 }, (_, index) => ({
  PK: `STORE#${index}`,
  SK: 'STORE',
  entity: 'STORE',
}));

let db: Dynalite;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
  await createTable(db.client, legacyTable('legacy'));
  await seed(db.documentClient, 'legacy', [...rows, ...others]);
  await createTable(db.client, legacyTable('legacy-large'));
  await seed(db.documentClient, 'legacy-large', [...large.rows, ...others]);
}, 30_000);
afterAll(() => db.stop());

/** A fresh target table and work directory, and the options of a run into them. */
async function target(overrides: Partial<MigrateOptions> = {}): Promise<MigrateOptions> {
  tables += 1;
  const targetTable = `target-${tables}`;
  await createTable(db.client, serviceTable(targetTable));
  const dir = workDir();
  return {
    client: db.documentClient,
    mapping: thingsByScan,
    sourceTable: 'legacy',
    targetTable,
    checkpointFile: join(dir, 'things.checkpoint.json'),
    reportFile: join(dir, 'things.report.jsonl'),
    pageSize: 100,
    ...overrides,
  };
}

describe('migrate', () => {
  it('copies every valid row in the target key design and reports each invalid row with its key and reason', async () => {
    const options = await target({ sourceTable: 'legacy-large' });

    const result = await migrate(options);

    expect(result).toMatchObject({ outcome: 'complete', resumed: false });
    expect(result.counts).toEqual({
      read: large.rows.length,
      copied: large.expected.length,
      skipped: 0,
      differing: 0,
      rejected: large.invalid.length,
    });
    expect(await scanAll(db.documentClient, options.targetTable)).toEqual(large.expected);
    const report = await reportOf(options.reportFile);
    expect(report).toHaveLength(large.invalid.length);
    expect(report.map((entry) => entry.key)).toEqual(
      expect.arrayContaining(large.invalid.map((row) => ({ PK: row.PK, SK: row.SK }))),
    );
    expect(report[0]).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('amountCents') });
    expect(await readCheckpoint(options.checkpointFile)).toMatchObject({
      complete: true,
      counts: result.counts,
    });
  }, 60_000);

  it('re-run from the start copies nothing again: existing items are skipped, never overwritten', async () => {
    const options = await target();
    await migrate(options);
    // The service changed one item since; the legacy row did not change.
    await db.documentClient.send(
      new PutCommand({
        TableName: options.targetTable,
        Item: { ...expected[0], amount: { amount: 1, currency: 'EUR' } },
      }),
    );

    const again = await migrate({ ...options, restart: true });

    expect(again.counts).toEqual({
      read: ROWS,
      copied: 0,
      skipped: expected.length,
      differing: 1,
      rejected: invalid.length,
    });
    const stored = await scanAll(db.documentClient, options.targetTable);
    expect(stored[0]).toMatchObject({ pk: expected[0]?.pk, amount: { amount: 1, currency: 'EUR' } });
    expect(stored.slice(1)).toEqual(expected.slice(1));
    const report = await reportOf(options.reportFile);
    expect(report.filter((entry) => entry.kind === 'differing')).toEqual([
      expect.objectContaining({
        key: { PK: rows[0]?.PK, SK: 'THING' },
        target: { pk: expected[0]?.pk, sk: 'THING' },
        attributes: ['amount'],
      }),
    ]);
  }, 20_000);

  it('does nothing when the checkpoint says the migration is complete', async () => {
    const options = await target();
    const first = await migrate(options);

    const again = await migrate(options);

    expect(again).toMatchObject({ alreadyComplete: true, outcome: 'complete', counts: first.counts });
  }, 20_000);

  it('dry run maps and counts but writes no item and no checkpoint', async () => {
    const options = await target();

    const result = await migrate({ ...options, dryRun: true });

    expect(result.counts).toEqual({
      read: ROWS,
      copied: expected.length,
      skipped: 0,
      differing: 0,
      rejected: invalid.length,
    });
    const { Count } = await db.documentClient.send(
      new ScanCommand({ TableName: options.targetTable, Select: 'COUNT' }),
    );
    expect(Count).toBe(0);
    expect(existsSync(options.checkpointFile)).toBe(false);
    expect(await reportOf(options.reportFile)).toHaveLength(invalid.length);
  }, 20_000);

  it('stops after the current page when aborted and resumes from the checkpoint: same result, nothing copied twice', async () => {
    const options = await target({ sourceTable: 'legacy-large' });
    const controller = new AbortController();
    const sends = jest.spyOn(db.documentClient, 'send');

    const stopped = await migrate({
      ...options,
      signal: controller.signal,
      onPage: ({ pages }) => pages === 3 && controller.abort(),
    });
    expect(stopped).toMatchObject({ outcome: 'stopped', pages: 3 });
    expect(stopped.counts.read).toBeLessThan(large.rows.length);
    expect(await readCheckpoint(options.checkpointFile)).toMatchObject({ complete: false, pages: 3 });

    const resumed = await migrate(options);

    expect(resumed).toMatchObject({ outcome: 'complete', resumed: true });
    expect(resumed.counts).toEqual({
      read: large.rows.length,
      copied: large.expected.length,
      skipped: 0,
      differing: 0,
      rejected: large.invalid.length,
    });
    const puts = sends.mock.calls.filter(([command]) => command instanceof PutCommand);
    expect(puts).toHaveLength(large.expected.length);
    expect(await scanAll(db.documentClient, options.targetTable)).toEqual(large.expected);
    expect(await reportOf(options.reportFile)).toHaveLength(large.invalid.length);
  }, 60_000);

  it('resumes after a failure in the middle of a page: the page is done again, its rows reported once', async () => {
    const options = await target();
    const send = db.documentClient.send.bind(db.documentClient);
    let puts = 0;
    const failing = jest.spyOn(db.documentClient, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof PutCommand && ++puts === 100) {
        return Promise.reject(
          Object.assign(new Error('Throughput exceeded'), { name: 'ThrottlingException' }),
        );
      }
      return send(command as never);
    }) as never);

    await expect(migrate({ ...options, concurrency: 1 })).rejects.toThrow('Throughput exceeded');
    failing.mockRestore();
    const resumed = await migrate(options);

    expect(resumed.outcome).toBe('complete');
    // The puts of the failed page that went through are skipped on the second pass.
    expect(resumed.counts.copied + resumed.counts.skipped).toBe(expected.length);
    expect(resumed.counts.skipped).toBeGreaterThan(0);
    expect(resumed.counts.rejected).toBe(invalid.length);
    expect(await scanAll(db.documentClient, options.targetTable)).toEqual(expected);
    expect(await reportOf(options.reportFile)).toHaveLength(invalid.length);
  }, 20_000);

  it('gives the same result from parallel scan segments and from a Query source', async () => {
    const segmented = await target({ segments: 3 });
    const queried = await target({ mapping: thingsByQuery });

    const [bySegments, byQuery] = [await migrate(segmented), await migrate(queried)];

    for (const [result, options] of [
      [bySegments, segmented],
      [byQuery, queried],
    ] as const) {
      expect(result.counts).toMatchObject({ read: ROWS, copied: expected.length, rejected: invalid.length });
      expect(await scanAll(db.documentClient, options.targetTable)).toEqual(expected);
    }
  }, 20_000);

  it('refuses a checkpoint of another run', async () => {
    const options = await target();
    const controller = new AbortController();
    await migrate({ ...options, signal: controller.signal, onPage: () => controller.abort() });

    const error = await migrate({ ...options, targetTable: 'elsewhere' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain('targetTable');
  });
});
