import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CheckpointError, type Counts } from './checkpoint';
import { connect, type Connection, type ConnectOptions } from './connect';
import { assertMapping, type Mapping } from './mapping';
import { migrate, type MigrationResult } from './migrate';
import { createProgressBar } from './progress';

/** What `npm run migrate -- <service> …` was asked to do. */
export interface MigrateCommand {
  readonly service: string;
  readonly stage: string;
  readonly dryRun: boolean;
  readonly restart: boolean;
  readonly checkpointFile: string;
  readonly reportFile: string;
  readonly localUrl: string;
  readonly pageSize: number;
  readonly segments: number;
  readonly concurrency: number;
}

/** A command line that cannot be run; the message says how to call it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const usage = `Usage: npm run migrate -- <service> [options]

Copies the monolith's items for <service> (menu, orders, …) into the service's table, using the
mapping in apps/<service>/migrate/index.ts. Re-running never overwrites; an interrupted run resumes.

Options:
  --dry-run            map and count (and look up which items exist), write nothing
  --stage <stage>      local (the running npm start, default), dev or prod (AWS credentials)
  --checkpoint <file>  default dist/migration/<service>-<stage>.checkpoint.json
  --restart            ignore the checkpoint and start from the first row
  --url <url>          the local cloud (default http://localhost:3000, or $BASE_URL)
  --page-size <n>      rows per page and checkpoint (default 100)
  --segments <n>       parallel Scan segments (default 1)
  --concurrency <n>    writes in flight (default 16)`;

/** The limits {@link migrate} enforces, checked here so a wrong flag is a usage error. */
const integer = (name: string, text: string, max: number): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max)
    throw new UsageError(`--${name} must be an integer from 1 to ${max}.\n\n${usage}`);
  return value;
};

/**
 * Parses the arguments of `npm run migrate`; file paths are resolved against `root`.
 *
 * @example
 * ```ts
 * parseMigrateArgs(['orders', '--dry-run'], '/repo').checkpointFile; // '/repo/dist/migration/orders-local.checkpoint.json'
 * ```
 */
export function parseMigrateArgs(
  args: readonly string[],
  root: string,
  env: NodeJS.ProcessEnv = {},
): MigrateCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        restart: { type: 'boolean', default: false },
        stage: { type: 'string', default: 'local' },
        checkpoint: { type: 'string' },
        url: { type: 'string' },
        'page-size': { type: 'string', default: '100' },
        segments: { type: 'string', default: '1' },
        concurrency: { type: 'string', default: '16' },
      },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
  const { values, positionals } = parsed;
  const [service, ...extra] = positionals;
  if (!service || extra.length > 0 || !/^[a-z][a-z0-9-]*$/.test(service)) {
    throw new UsageError(`Name one service (lower-case, e.g. orders).\n\n${usage}`);
  }
  const stage = values.stage;
  if (!/^[a-z][a-z0-9-]*$/.test(stage))
    throw new UsageError(`--stage must be a stage name such as dev.\n\n${usage}`);
  const base = `dist/migration/${service}-${stage}`;
  const checkpointFile = resolve(root, values.checkpoint ?? `${base}.checkpoint.json`);
  const reportFile = values['dry-run']
    ? checkpointFile.replace(/(\.checkpoint)?\.json$/, '') + '.dry-run.report.jsonl'
    : checkpointFile.replace(/(\.checkpoint)?\.json$/, '') + '.report.jsonl';
  return {
    service,
    stage,
    dryRun: values['dry-run'],
    restart: values.restart,
    checkpointFile,
    reportFile,
    localUrl: values.url ?? env.BASE_URL ?? 'http://localhost:3000',
    pageSize: integer('page-size', values['page-size'], 10_000),
    segments: integer('segments', values.segments, 1_000),
    concurrency: integer('concurrency', values.concurrency, 256),
  };
}

/** The workspace root: the nearest folder up from `from` that holds `nx.json`. */
export function workspaceRoot(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir)
      throw new UsageError(`No nx.json above ${from}: run it inside the Slice workspace.`);
  }
}

/**
 * Loads a service's mapping from `apps/<service>/migrate/index.ts`. A lib may not import an app
 * (module boundaries), so the CLI finds the team's mapping by path and checks what it exports.
 */
export async function loadMapping(root: string, service: string): Promise<Mapping> {
  const file = join(root, 'apps', service, 'migrate', 'index.ts');
  if (!existsSync(file)) {
    throw new UsageError(
      `${service} has no mapping: write apps/${service}/migrate/index.ts (see docs/migration.md).`,
    );
  }
  // An absolute path: tsx (the CLI) and jest (CommonJS) both load it.
  const module = (await import(file)) as { mapping?: unknown };
  const mapping = assertMapping(module.mapping, file);
  if (mapping.service !== service) {
    throw new UsageError(`${file} exports the mapping of ${mapping.service}, not ${service}.`);
  }
  return mapping;
}

/** The summary lines of a run. */
export function summary(result: MigrationResult, command: MigrateCommand, connection: Connection): string[] {
  const { read, copied, skipped, differing, rejected }: Counts = result.counts;
  const verb = command.dryRun ? 'would copy' : 'copied';
  return [
    `${command.service}: ${connection.sourceTable} → ${connection.targetTable} (stage ${connection.stage})${command.dryRun ? ', dry run' : ''}`,
    result.alreadyComplete
      ? 'already complete according to the checkpoint (--restart runs it again; existing items are skipped)'
      : result.outcome === 'complete'
        ? `complete after ${result.pages} ${result.pages === 1 ? 'page' : 'pages'}${result.resumed ? ' (resumed from the checkpoint)' : ''}`
        : `stopped after page ${result.pages}: run the same command to resume`,
    `read ${read} | ${verb} ${copied} | skipped ${skipped} (already there${differing ? `, ${differing} differing` : ''}) | rejected ${rejected}`,
    ...(rejected + differing > 0 && !result.alreadyComplete ? [`report: ${command.reportFile}`] : []),
    ...(command.dryRun ? [] : [`checkpoint: ${command.checkpointFile}`]),
  ];
}

/** What {@link runMigrate} needs from the process; tests pass their own. */
export interface MigrateIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stderr: NodeJS.WriteStream;
  readonly print: (line: string) => void;
  /** Aborted on the first Ctrl-C. */
  readonly signal?: AbortSignal;
  /** @default {@link connect} */
  readonly connect?: (options: ConnectOptions) => Promise<Connection>;
}

/**
 * `npm run migrate -- <service> …`: loads the service's mapping, resolves the tables, runs
 * {@link migrate} with a progress bar on stderr and prints the counts.
 *
 * @example
 * ```ts
 * const result = await runMigrate(['orders', '--dry-run'], { cwd: process.cwd(), env: process.env, stderr: process.stderr, print: console.log });
 * ```
 */
export async function runMigrate(args: readonly string[], io: MigrateIo): Promise<MigrationResult> {
  const root = workspaceRoot(io.cwd);
  const command = parseMigrateArgs(args, root, io.env);
  const mapping = await loadMapping(root, command.service);
  if (command.segments > 1 && mapping.source.kind !== 'scan') {
    throw new UsageError(
      `--segments applies to a Scan; the ${command.service} mapping reads with a Query.\n\n${usage}`,
    );
  }
  const connection = await (io.connect ?? connect)({
    service: command.service,
    stage: command.stage,
    localUrl: command.localUrl,
  });
  try {
    io.print(`${mapping.description}`);
    // The table's item count measures a Scan's progress; a Query reads one partition of it.
    const estimatedRows = mapping.source.kind === 'scan' ? connection.estimatedRows : undefined;
    const bar = createProgressBar({
      stream: io.stderr,
      ...(estimatedRows === undefined ? {} : { estimatedRows }),
    });
    let result: MigrationResult;
    try {
      result = await migrate({
        client: connection.client,
        mapping,
        sourceTable: connection.sourceTable,
        targetTable: connection.targetTable,
        checkpointFile: command.checkpointFile,
        reportFile: command.reportFile,
        dryRun: command.dryRun,
        restart: command.restart,
        pageSize: command.pageSize,
        segments: command.segments,
        concurrency: command.concurrency,
        onPage: bar.update,
        ...(io.signal ? { signal: io.signal } : {}),
      });
    } catch (error) {
      // Throttling or an outage the SDK's retries did not overcome, a mapping that throws, a table
      // keyed otherwise: every finished page is saved.
      if (!command.dryRun && !(error instanceof CheckpointError)) {
        io.print(
          `stopped by an error: fix its cause and run the same command to resume after the last finished page (${command.checkpointFile})`,
        );
      }
      throw error;
    } finally {
      bar.stop();
    }
    for (const line of summary(result, command, connection)) io.print(line);
    return result;
  } finally {
    connection.close();
  }
}
