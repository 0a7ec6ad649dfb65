import type { IncomingHttpHeaders } from 'node:http';
import { isRecord } from '../../json';
import type { RawAnswer } from '../service';
import type { DynamoDbCall } from './dynamodb';
import type { DynaliteForwarder } from './forward';
import { type AttributeMap, type StreamStore, streamWriteTargets, tableNameOf } from './streams';
import type { LockMode, TableLocks } from './table-locks';
import type { WriteJournal } from '../../persistence/state';

/** What an item call runs against. */
export interface ItemCallContext {
  readonly call: DynamoDbCall;
  readonly forward: DynaliteForwarder;
  readonly locks: TableLocks;
  readonly streams: StreamStore;
  readonly log: (text: string) => void;
  /** Journals each write before it reaches dynalite (`--data-dir`), so that a crash cannot lose its records. */
  readonly writes?: WriteJournal;
}

/** A caller's request as forwarded to dynalite. */
export interface ForwardedRequest {
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Item reads and writes dynalite does atomically: held `shared`, so they never see a transaction half way. */
const itemOperations: ReadonlySet<string> = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
]);

/** The tables a request names (top-level `TableName` or the keys of `RequestItems`). */
export function tablesOf(operation: string, input: Readonly<Record<string, unknown>>): string[] {
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return isRecord(input.RequestItems) ? Object.keys(input.RequestItems).map(tableNameOf) : [];
  }
  return typeof input.TableName === 'string' ? [tableNameOf(input.TableName)] : [];
}

async function consistentRead(
  context: ItemCallContext,
  tableName: string,
  key: AttributeMap,
): Promise<AttributeMap | undefined> {
  const answer = await context.call('GetItem', { TableName: tableName, Key: key, ConsistentRead: true });
  if (!answer.ok) throw new Error(`GetItem on ${tableName} answered ${answer.name}: ${answer.message}`);
  return answer.output.Item as AttributeMap | undefined;
}

/**
 * A write to stream-enabled tables: with the tables locked, reads each item it may change
 * (consistently), writes, reads them again and appends a record for each item that changed,
 * before the caller hears back, as a stream reader would expect.
 */
async function writeWithStreams(
  context: ItemCallContext,
  request: ForwardedRequest,
  targets: ReturnType<typeof streamWriteTargets>,
): Promise<RawAnswer> {
  const readAll = () =>
    Promise.all(targets.map(({ stream, key }) => consistentRead(context, stream.tableName, key)));
  const modes = [
    ...tablesOf(request.operation, request.input).map((name) => [name, 'shared'] as const),
    ...targets.map(({ stream }) => [stream.tableName, 'exclusive'] as const),
  ];
  return context.locks.run(modes, async () => {
    const before = await readAll();
    const settled = context.writes?.begun(
      targets.map(({ stream, key }, index) => ({
        streamArn: stream.streamArn,
        key,
        before: before[index],
        after: stream.latestSequenceNumber(),
      })),
    );
    const answer = await context.forward(request.headers, request.operation, request.body);
    if (answer.status !== 200) {
      settled?.();
      return answer;
    }
    try {
      const after = await readAll();
      targets.forEach(({ stream }, index) =>
        stream.append({ oldItem: before[index], newItem: after[index] }),
      );
      settled?.();
    } catch (error) {
      context.log(
        `DynamoDB ${request.operation} succeeded but its stream records are lost: reading the new items failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return answer;
  });
}

/**
 * Answers a caller's DynamoDB request through dynalite: a write to a stream-enabled table with
 * its stream records, an item read or write under its tables' shared locks (so it never sees a
 * transaction half way), anything else (`DescribeTable`, `ListTables`) straight through.
 *
 * @example
 * ```ts
 * const answer = await forwardItemCall(context, { operation: 'PutItem', input, headers, body });
 * answer.status; // dynalite's
 * ```
 */
export async function forwardItemCall(
  context: ItemCallContext,
  request: ForwardedRequest,
): Promise<RawAnswer> {
  const targets = streamWriteTargets(request.operation, { ...request.input }, context.streams);
  if (targets.length > 0) return writeWithStreams(context, request, targets);
  if (!itemOperations.has(request.operation))
    return context.forward(request.headers, request.operation, request.body);
  const shared = tablesOf(request.operation, request.input).map((name): [string, LockMode] => [
    name,
    'shared',
  ]);
  return context.locks.run(shared, () => context.forward(request.headers, request.operation, request.body));
}
