import { join } from 'node:path';
import { createTable, startDynalite, type Dynalite } from '@slice/testing';
import { parseMigrateArgs, runMigrate, UsageError, type Connection, type MigrateIo } from '../src';
import { legacyTable, scanAll, seed, serviceTable, thing, workDir } from './support';

const fixture = join(__dirname, 'fixtures/workspace');

describe('parseMigrateArgs', () => {
  it('defaults to the local stage with files under dist/migration', () => {
    expect(parseMigrateArgs(['orders'], '/repo')).toMatchObject({
      service: 'orders',
      stage: 'local',
      dryRun: false,
      restart: false,
      checkpointFile: '/repo/dist/migration/orders-local.checkpoint.json',
      reportFile: '/repo/dist/migration/orders-local.report.jsonl',
      localUrl: 'http://localhost:3000',
    });
  });

  it('keeps a dry run report apart from the real run', () => {
    expect(parseMigrateArgs(['menu', '--dry-run', '--stage', 'dev'], '/repo')).toMatchObject({
      dryRun: true,
      stage: 'dev',
      reportFile: '/repo/dist/migration/menu-dev.dry-run.report.jsonl',
    });
  });

  it('takes the checkpoint file, restart and the local cloud URL from the command line or BASE_URL', () => {
    expect(
      parseMigrateArgs(['orders', '--checkpoint', 'run.json', '--restart'], '/repo', {
        BASE_URL: 'http://localhost:4000',
      }),
    ).toMatchObject({
      restart: true,
      checkpointFile: '/repo/run.json',
      reportFile: '/repo/run.report.jsonl',
      localUrl: 'http://localhost:4000',
    });
  });

  it.each([
    [[]],
    [['Orders']],
    [['orders', 'menu']],
    [['orders', '--page-size', '0']],
    [['orders', '--page-size', '1.5']],
    [['orders', '--page-size', '20000']],
    [['orders', '--concurrency', 'many']],
    [['orders', '--force']],
  ])('refuses %j with the usage', (args) => {
    expect(() => parseMigrateArgs(args, '/repo')).toThrow(UsageError);
    expect(() => parseMigrateArgs(args, '/repo')).toThrow(/Usage: npm run migrate/);
  });
});

describe('runMigrate', () => {
  let db: Dynalite;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await startDynalite();
    await createTable(db.client, legacyTable('monolith'));
    await createTable(db.client, serviceTable('things'));
    await seed(
      db.documentClient,
      'monolith',
      Array.from({ length: 120 }, (_, index) => thing(index + 1, 50)),
    );
  });
  afterAll(() => db.stop());
  beforeEach(() => lines.splice(0));

  const io = (connect: MigrateIo['connect']): MigrateIo => ({
    cwd: fixture,
    env: {},
    stderr: process.stderr,
    print: (line) => lines.push(line),
    connect,
  });
  const connection = (stage: string): Connection => ({
    client: db.documentClient,
    stage,
    sourceTable: 'monolith',
    targetTable: 'things',
    close: () => undefined,
  });

  it("loads the service's mapping by path, migrates and prints the counts", async () => {
    const connect = jest.fn(({ stage }: { stage: string }) => Promise.resolve(connection(stage)));
    const checkpoint = join(workDir(), 'test-things.checkpoint.json');

    const result = await runMigrate(['things', '--checkpoint', checkpoint], io(connect));

    expect(connect).toHaveBeenCalledWith({
      service: 'things',
      stage: 'local',
      localUrl: 'http://localhost:3000',
    });
    expect(result.counts).toMatchObject({ read: 120, copied: 118, rejected: 2 });
    expect(await scanAll(db.documentClient, 'things')).toHaveLength(118);
    expect(lines).toEqual(
      expect.arrayContaining([
        'read 120 | copied 118 | skipped 0 (already there) | rejected 2',
        expect.stringMatching(/^report: .*test-things\.report\.jsonl$/),
      ]),
    );
  });

  it('names the missing mapping file of an unknown service', async () => {
    await expect(runMigrate(['kitchen'], io(jest.fn()))).rejects.toThrow('apps/kitchen/migrate/index.ts');
  });

  it('refuses parallel segments for a mapping that reads with a Query, before connecting', async () => {
    const connect = jest.fn();

    await expect(runMigrate(['queried', '--segments', '4'], io(connect))).rejects.toThrow(
      /--segments applies to a Scan/,
    );
    expect(connect).not.toHaveBeenCalled();
  });

  it('says how to resume when the run stops on an error', async () => {
    const checkpoint = join(workDir(), 'things.checkpoint.json');
    const missing = { ...connection('local'), sourceTable: 'no-such-table' };

    await expect(
      runMigrate(
        ['things', '--checkpoint', checkpoint],
        io(() => Promise.resolve(missing)),
      ),
    ).rejects.toThrow(/not found/i);
    expect(lines).toContain(
      `stopped by an error: fix its cause and run the same command to resume after the last finished page (${checkpoint})`,
    );
  });

  it('refuses a module that does not export a mapping', async () => {
    await expect(runMigrate(['wrong'], io(jest.fn()))).rejects.toThrow(
      /does not export a valid `mapping`: .*map/,
    );
  });
});
