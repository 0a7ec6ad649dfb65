import { isDeepStrictEqual } from 'node:util';
import type { DynamoDbCall } from '../services/dynamodb/dynamodb';
import type { AttributeMap, StreamStore } from '../services/dynamodb/streams';
import type { WriteJournal } from './state';

/**
 * Repairs the writes a crash interrupted between the database's commit and their stream records
 * (journaled by {@link WriteJournal.begun}): for each item of such a write that has no record
 * after the write began, reads the item now and appends the record of the change from its
 * before-image, so that a committed write still gets its event. An item the write did not
 * change (the crash came before the commit) gets none, as in DynamoDB. Runs at start, before
 * any request or stream reader, with the tables already created. Answers how many records it
 * appended.
 *
 * @example
 * ```ts
 * const state = openLocalState(dataDir);
 * // … dynalite up, tables created, streams restored …
 * await recoverPendingWrites(state.writes, streams, call, log); // 1: an order's INSERT the crash cut off
 * ```
 */
export async function recoverPendingWrites(
  writes: WriteJournal,
  streams: StreamStore,
  call: DynamoDbCall,
  log: (line: string) => void = () => undefined,
): Promise<number> {
  let appended = 0;
  for (const write of writes.pending()) {
    for (const item of write.items) {
      const stream = streams.byArn(item.streamArn);
      if (!stream) continue;
      const recorded = stream.entries.some(
        ({ record }) =>
          record.dynamodb.SequenceNumber > item.after && isDeepStrictEqual(record.dynamodb.Keys, item.key),
      );
      if (recorded) continue;
      const answer = await call('GetItem', {
        TableName: stream.tableName,
        Key: item.key,
        ConsistentRead: true,
      });
      if (!answer.ok)
        throw new Error(
          `Recovering a write on ${stream.tableName}: GetItem answered ${answer.name}: ${answer.message}`,
        );
      const record = stream.append({
        oldItem: item.before,
        newItem: answer.output.Item as AttributeMap | undefined,
      });
      if (!record) continue;
      appended += 1;
      log(
        `A write to ${stream.tableName} ${JSON.stringify(item.key)} was committed before a crash without its stream record: appended ${record.eventName} ${record.dynamodb.SequenceNumber}`,
      );
    }
    writes.done(write.id);
  }
  return appended;
}
