import type { Clock } from '../../clock';
import { type Dynalite, createTable, startDynalite } from '@slice/emulation';
import { AwsError } from '../../endpoint/errors';
import { isRecord } from '../../json';
import { awsJsonProtocol } from '../../endpoint/json-protocol';
import type { FunctionSpec, TableSpec } from '../../model';
import {
  type AwsService,
  type ModelChange,
  type ServiceCall,
  type ServiceRequest,
  jsonAnswer,
} from '../service';
import {
  DYNALITE_OPERATIONS,
  type DynamoDbCall,
  LOCAL_DYNAMODB_OPERATIONS,
  claimDataDir,
  createDynamoDbCaller,
  dynamoDbPermissions,
} from './dynamodb';
import { createDynaliteForwarder } from './forward';
import { type ItemCallContext, forwardItemCall, tablesOf } from './item-calls';
import { type StreamStore, createStreamStore } from './streams';
import { createTableLocks } from './table-locks';
import { type Transactions, createTransactions } from './transactions';
import { type TimeToLive, createTimeToLive } from './ttl';
import type { LocalState } from '../../persistence/state';
import { recoverPendingWrites } from '../../persistence/recover-writes';

/** How {@link startDynamoDbService} runs the local DynamoDB. */
export interface DynamoDbServiceOptions {
  readonly region: string;
  readonly accountId: string;
  /** The tables to create at start (empty, or as found in `dataDir`). */
  readonly tables: readonly TableSpec[];
  /**
   * A directory to keep the tables in (LevelDB; created when missing): the tables and items
   * survive a restart, stream records and TTL changes made with `UpdateTimeToLive` do not.
   * @default in memory
   */
  readonly dataDir?: string;
  /**
   * Where stream records and the writes between the table and their records are kept across a
   * restart (`--data-dir`; the endpoint claims the directory and opens it). @default in memory only
   */
  readonly persistence?: Pick<LocalState, 'streams' | 'writes'>;
  /** Milliseconds between two TTL sweeps; `0` sweeps only on `timeToLive.sweep()`. @default 1000 */
  readonly ttlSweepIntervalMs?: number;
  /** The clock TTL compares expiry times with and sweeps on. @default the real time */
  readonly clock?: Clock;
  readonly log: (text: string) => void;
}

/** The local DynamoDB: dynalite behind, with streams, TTL, transactions and table locks on top. */
export interface DynamoDbService extends AwsService {
  /** The streams of the stream-enabled tables: every write that changed an item appends a record. */
  readonly streams: StreamStore;
  /** TTL of the tables: their settings and the sweeper deleting expired items. */
  readonly timeToLive: TimeToLive;
  /** Creates more tables; a table that already exists keeps its data. */
  addTables(tables: readonly TableSpec[]): Promise<void>;
}

/** The operations DynamoDB answers here rather than in dynalite, by name. */
type LocalOperations = Readonly<Record<string, (input: Record<string, unknown>) => Promise<unknown>>>;

const localOperations = (transactions: Transactions, timeToLive: TimeToLive): LocalOperations => ({
  TransactWriteItems: (input) => transactions.write(input),
  TransactGetItems: (input) => transactions.get(input),
  DescribeTimeToLive: (input) => timeToLive.describe(input),
  UpdateTimeToLive: (input) => timeToLive.update(input),
});

/** DynamoDB accepts a table's ARN for its name; dynalite only names. */
function withTableName(request: ServiceRequest): { input: Readonly<Record<string, unknown>>; body: Buffer } {
  const { TableName: name } = request.input;
  if (typeof name !== 'string' || !name.startsWith('arn:'))
    return { input: request.input, body: request.raw.body };
  const input = { ...request.input, TableName: name.slice(name.lastIndexOf('table/') + 'table/'.length) };
  return { input, body: Buffer.from(JSON.stringify(input)) };
}

/** Creates each table in dynalite; one that already exists (in the data directory) keeps its data. */
async function createTables(
  dynamo: Dynalite,
  specs: readonly TableSpec[],
  log: (text: string) => void,
): Promise<void> {
  for (const table of specs) {
    try {
      await createTable(dynamo.client, { ...table.createTableInput, TableName: table.tableName });
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) {
        throw new Error(`Could not create the table ${table.tableName} (${table.id}): ${String(error)}`, {
          cause: error,
        });
      }
      log(`Table ${table.tableName} (${table.id}) already exists: its data is kept`);
    }
  }
}

/** What a redeploy does not apply to a table without a restart. */
function tableNotes(change: ModelChange): string[] {
  return [
    ...change.changes.tables.changed.map(
      (id) =>
        `The table ${id} changed (keys, indexes, stream or TTL): the local cloud keeps it as it was; restart it (npm start) to apply the change.`,
    ),
    ...change.changes.tables.removed.map(
      (id) => `The table ${id} is no longer in the template: the local cloud keeps it and its data.`,
    ),
  ];
}

/** Operations that change no item: after any other, the TTL sweeper looks at the tables again. */
const READ_ONLY_OPERATIONS: ReadonlySet<string> = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'TransactGetItems',
  'DescribeTable',
  'DescribeTimeToLive',
  'ListTables',
  'ListTagsOfResource',
  'TagResource',
  'UntagResource',
]);

/** The tables a request names: `TableName`, the keys of `RequestItems`, each transaction item's table. */
function tablesNamed(operation: string, input: Readonly<Record<string, unknown>>): string[] {
  if (operation !== 'TransactWriteItems') return tablesOf(operation, input);
  const items = Array.isArray(input.TransactItems) ? (input.TransactItems as unknown[]) : [];
  return items
    .filter(isRecord)
    .flatMap((item) =>
      Object.values(item).flatMap((detail) =>
        isRecord(detail) && typeof detail.TableName === 'string' ? [detail.TableName] : [],
      ),
    );
}

/** What a DynamoDB call is answered with. */
interface DynamoDbState {
  readonly local: LocalOperations;
  readonly timeToLive: TimeToLive;
  readonly items: ItemCallContext;
  /** A table's ARN from its name (or ARN), for IAM. */
  readonly tableArn: (name: string) => string;
  readonly log: (text: string) => void;
}

/** A DynamoDB operation: dynalite's, or one answered here (transactions, TTL); others are refused. */
function dynamoDbCall(state: DynamoDbState, request: ServiceRequest, caller: FunctionSpec): ServiceCall {
  const { operation } = request;
  if (!DYNALITE_OPERATIONS.has(operation) && !LOCAL_DYNAMODB_OPERATIONS.has(operation)) {
    state.log(`DynamoDB ${operation} from ${caller.id}: not supported by the local cloud`);
    throw new AwsError(
      400,
      'com.amazon.coral.service#UnknownOperationException',
      `The local cloud's DynamoDB does not support ${operation}.`,
    );
  }
  return {
    permissions: dynamoDbPermissions(operation, { ...request.input }, state.tableArn),
    async answer() {
      try {
        const answerLocally = state.local[operation];
        if (answerLocally) return jsonAnswer(await answerLocally({ ...request.input }));
        const { input, body } = withTableName(request);
        const headers = request.raw.headers;
        return { kind: 'raw', ...(await forwardItemCall(state.items, { operation, input, headers, body })) };
      } finally {
        // Once the write has landed (or failed): the sweeper's next check scans these tables.
        if (!READ_ONLY_OPERATIONS.has(operation))
          for (const table of tablesNamed(operation, request.input)) state.timeToLive.written(table);
      }
    },
  };
}

async function startDynalitePart(options: DynamoDbServiceOptions) {
  // Without persistence the service claims the directory itself; with it, the endpoint has.
  const releaseDataDir =
    options.dataDir === undefined || options.persistence ? () => undefined : claimDataDir(options.dataDir);
  try {
    const dynamo = await startDynalite({
      region: options.region,
      ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
    });
    return { dynamo, releaseDataDir };
  } catch (error) {
    releaseDataDir();
    throw error;
  }
}

/**
 * Starts the local DynamoDB: an in-memory (or `dataDir`) dynalite with every table created, and
 * on top of it what dynalite lacks (streams, TTL, transactions, table ARNs for names). The
 * endpoint dispatches `DynamoDB_20120810.*` to it.
 *
 * @example
 * ```ts
 * const dynamodb = await startDynamoDbService({ region, accountId, tables, log });
 * services.register(dynamodb);
 * dynamodb.streams.forTable('orders')?.entries; // the records of every write
 * ```
 */
export async function startDynamoDbService(options: DynamoDbServiceOptions): Promise<DynamoDbService> {
  const { region, accountId, log } = options;
  const { dynamo, releaseDataDir } = await startDynalitePart(options);
  const tables = new Map<string, TableSpec>();
  const { persistence } = options;
  const streams = createStreamStore({ region, ...(persistence ? { journal: persistence.streams } : {}) });
  const call: DynamoDbCall = createDynamoDbCaller({ listener: dynamo.handle, region });
  const locks = createTableLocks();
  const writes = persistence ? { writes: persistence.writes } : {};
  const transactions = createTransactions({ call, locks, streams, log, ...writes });
  const timeToLive = createTimeToLive({
    call,
    locks,
    streams,
    ...(options.ttlSweepIntervalMs === undefined ? {} : { intervalMs: options.ttlSweepIntervalMs }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    log,
  });
  const state: DynamoDbState = {
    local: localOperations(transactions, timeToLive),
    timeToLive,
    items: {
      call,
      forward: createDynaliteForwarder(dynamo.handle),
      locks,
      streams,
      log,
      ...writes,
    },
    tableArn: (name) =>
      name.startsWith('arn:')
        ? name
        : (tables.get(name)?.arn ?? `arn:aws:dynamodb:${region}:${accountId}:table/${name}`),
    log,
  };

  const addTables = async (specs: readonly TableSpec[]) => {
    streams.add(specs);
    for (const table of specs) {
      if (table.timeToLiveAttribute !== undefined)
        timeToLive.enable(table.tableName, table.timeToLiveAttribute);
      tables.set(table.tableName, table);
    }
    await createTables(dynamo, specs, log);
  };
  const stop = async () => {
    await timeToLive.stop();
    await dynamo.stop();
    releaseDataDir();
  };

  try {
    await addTables(options.tables);
    if (persistence) await recoverPendingWrites(persistence.writes, streams, call, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    signingName: 'dynamodb',
    targetPrefix: 'DynamoDB_20120810',
    protocol: awsJsonProtocol({ version: '1.0', qualifiedCommonErrors: true }),
    describe: 'DynamoDB',
    streams,
    timeToLive,
    addTables,
    call: (request, caller) => dynamoDbCall(state, request, caller),
    async update(change) {
      const added = new Set(change.changes.tables.added);
      await addTables(change.next.tables.filter((table) => added.has(table.id)));
      return { notes: tableNotes(change) };
    },
    stop,
  };
}
