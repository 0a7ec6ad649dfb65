import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTable, startDynalite, type Dynalite } from '@slice/testing';
import { CheckpointError, InvalidMappingError, migrate, readCheckpoint, type MigrateOptions } from '../src';
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

// A few thousand rows for an interrupted copy and its resume; a smaller table for the other behaviours.
const large = dataset(2000, 97);
const { rows, invalid, expected } = dataset(150, 37);
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
    pageSize: 50,
    ...overrides,
  };
}

describe('migrate', () => {
  it('copies every valid row in the target key design and reports each invalid row with its key and reason', async () => {
    const options = await target();

    const result = await migrate(options);

    expect(result).toMatchObject({ outcome: 'complete', resumed: false });
    expect(result.counts).toEqual({
      read: ROWS,
      copied: expected.length,
      skipped: 0,
      differing: 0,
      rejected: invalid.length,
    });
    expect(await scanAll(db.documentClient, options.targetTable)).toEqual(expected);
    const report = await reportOf(options.reportFile);
    expect(report).toHaveLength(invalid.length);
    expect(report.map((entry) => entry.key)).toEqual(
      expect.arrayContaining(invalid.map((row) => ({ PK: row.PK, SK: row.SK }))),
    );
    expect(report[0]).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('amountCents') });
    expect(await readCheckpoint(options.checkpointFile)).toMatchObject({
      complete: true,
      counts: result.counts,
      // The STORE rows share the table: scanned, filtered out, never read as rows.
      scanned: ROWS + others.length,
    });
  }, 20_000);

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
    const options = await target({ sourceTable: 'legacy-large', pageSize: 100 });
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
  }, 30_000);

  it('resumes after a failure in the middle of a page: the page is done again, its rows reported once', async () => {
    const options = await target();
    const send = db.documentClient.send.bind(db.documentClient);
    let puts = 0;
    const failing = jest.spyOn(db.documentClient, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof PutCommand && ++puts === 60) {
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

  it('stops writing at the first failure: no write of the failed page continues behind the error', async () => {
    const options = await target();
    const send = db.documentClient.send.bind(db.documentClient);
    let puts = 0;
    jest.spyOn(db.documentClient, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof PutCommand && ++puts === 10) {
        return Promise.reject(
          Object.assign(new Error('Service unavailable'), { name: 'InternalServerError' }),
        );
      }
      return send(command as never);
    }) as never);

    await expect(migrate({ ...options, concurrency: 8 })).rejects.toThrow('Service unavailable');
    const afterFailure = puts;
    await new Promise((resolve) => setTimeout(resolve, 300));

    // At most the seven puts in flight finished; the rest of the page was never started.
    expect(afterFailure).toBeLessThanOrEqual(10 + 7);
    expect(puts).toBe(afterFailure);
    expect(existsSync(options.checkpointFile)).toBe(false);
  }, 20_000);

  it('reports an item the target table refuses as rejected and copies the rest of its page', async () => {
    const refusedRow = rows.find((row) => (row.amountCents as number) >= 0) as (typeof rows)[number];
    // The sort key is a number where the table wants a string: DynamoDB refuses this one item.
    const options = await target({
      mapping: {
        ...thingsByScan,
        map: (row) => {
          const mapped = thingsByScan.map(row);
          return row.PK === refusedRow.PK && 'items' in mapped
            ? { items: mapped.items.map((item) => ({ ...item, sk: 42 })) }
            : mapped;
        },
      },
    });

    const result = await migrate(options);

    expect(result).toMatchObject({ outcome: 'complete' });
    expect(result.counts).toMatchObject({ copied: expected.length - 1, rejected: invalid.length + 1 });
    const stored = await scanAll(db.documentClient, options.targetTable);
    expect(stored).toHaveLength(expected.length - 1);
    expect(stored.map((item) => item.pk)).not.toContain(`THING#${String(refusedRow.thingId)}`);
    expect(await reportOf(options.reportFile)).toContainEqual({
      kind: 'rejected',
      key: { PK: refusedRow.PK, SK: 'THING' },
      target: { pk: `THING#${String(refusedRow.thingId)}`, sk: 42 },
      reason: expect.stringMatching(/^The target table refused the item: /),
    });
  }, 20_000);

  it('resumes parallel scan segments from one checkpoint: same result, nothing copied twice', async () => {
    const options = await target({ segments: 3, pageSize: 20 });
    const controller = new AbortController();
    const sends = jest.spyOn(db.documentClient, 'send');

    const stopped = await migrate({
      ...options,
      signal: controller.signal,
      onPage: ({ pages }) => pages === 3 && controller.abort(),
    });
    const checkpoint = await readCheckpoint(options.checkpointFile);
    const resumed = await migrate(options);

    expect(stopped.outcome).toBe('stopped');
    // Every segment finished the page it was on: each has its own position in the checkpoint.
    expect(checkpoint?.segments).toHaveLength(3);
    expect(checkpoint?.segments.every((segment) => segment.done || segment.lastEvaluatedKey)).toBe(true);
    expect(resumed).toMatchObject({ outcome: 'complete', resumed: true });
    expect(resumed.counts).toEqual({
      read: ROWS,
      copied: expected.length,
      skipped: 0,
      differing: 0,
      rejected: invalid.length,
    });
    expect(sends.mock.calls.filter(([command]) => command instanceof PutCommand)).toHaveLength(
      expected.length,
    );
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

  it("fails before reading when the target table's key is not the one the mapping writes", async () => {
    await createTable(db.client, {
      TableName: 'keyed-by-id',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    });
    const options = await target();

    const error = await migrate({ ...options, targetTable: 'keyed-by-id' }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(InvalidMappingError);
    expect((error as Error).message).toBe(
      'The things mapping writes items keyed (pk, sk), but keyed-by-id is keyed (id).',
    );
    expect(existsSync(options.checkpointFile)).toBe(false);
    expect(await scanAll(db.documentClient, 'keyed-by-id')).toEqual([]);
  });

  it('stops on a mapping that throws (a bug, not a bad row), naming the row', async () => {
    const broken = rows.find((row) => (row.amountCents as number) >= 0) as (typeof rows)[number];
    const options = await target({
      mapping: {
        ...thingsByScan,
        map: (row) => {
          if (row.PK === broken.PK) throw new TypeError('Cannot read properties of undefined');
          return thingsByScan.map(row);
        },
      },
    });

    const error = await migrate(options).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidMappingError);
    expect((error as Error).message).toBe(
      `The things mapping failed on the row {"PK":"${String(broken.PK)}","SK":"THING"}: Cannot read properties of undefined`,
    );
  });

  it('refuses a checkpoint of another run', async () => {
    const options = await target();
    const controller = new AbortController();
    await migrate({ ...options, signal: controller.signal, onPage: () => controller.abort() });

    const error = await migrate({ ...options, targetTable: 'elsewhere' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain('targetTable');
  });
});
