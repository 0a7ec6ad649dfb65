import type { EventSourceMappingSpec } from '../../src/assembly';
import { type StreamRecord, createStreamStore } from '../../src/endpoint';
import { createMemoryCheckpoints } from '../../src/persistence/state';
import { type StreamEventSources, startStreamEventSources } from '../../src/services/lambda';
import type { InvokeResult } from '../../src/model';
import { region, testTable } from '../aws-fixtures';

const orders = testTable('Orders', { viewType: 'NEW_AND_OLD_IMAGES' });
const functionId = 'SliceOrders-dev/PublishOrderEvents';
const mappingId = 'SliceOrders-dev/Mapping';

const mapping = (startingPosition: 'TRIM_HORIZON' | 'LATEST'): EventSourceMappingSpec => ({
  id: mappingId,
  stackName: 'SliceOrders-dev',
  logicalId: 'Mapping',
  functionId,
  ...(orders.streamArn === undefined ? {} : { eventSourceArn: orders.streamArn }),
  properties: { BatchSize: 10, StartingPosition: startingPosition },
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('stream event sources with checkpoints', () => {
  const streams = createStreamStore({ region });
  streams.add([orders]);
  const stream = streams.forTable(orders.tableName);
  if (!stream) throw new Error('the orders table has no stream');
  const put = (pk: string) => stream.append({ newItem: { pk: { S: pk } } });
  let running: StreamEventSources | undefined;
  /** The `pk` of every record delivered, in order. */
  let delivered: string[];
  const runtime = {
    invoke: (_id: string, event: unknown): Promise<InvokeResult> => {
      for (const record of (event as { Records: StreamRecord[] }).Records)
        delivered.push((record.dynamodb.Keys.pk as { S: string }).S);
      return Promise.resolve({ ok: true, payload: null, durationMs: 1, coldStart: false });
    },
  };

  beforeEach(() => {
    delivered = [];
  });
  afterEach(() => running?.stop());

  it('resumes a mapping after its checkpoint, and moves the checkpoint on', async () => {
    // Prepare: two records, the first processed before a restart.
    const first = put('order-1');
    const second = put('order-2');
    const checkpoints = createMemoryCheckpoints();
    checkpoints.set(mappingId, first?.dynamodb.SequenceNumber ?? '');

    // Act
    running = startStreamEventSources({ mappings: [mapping('TRIM_HORIZON')], streams, runtime, checkpoints });
    await waitFor(() => checkpoints.get(mappingId) === second?.dynamodb.SequenceNumber);

    // Assess
    expect(delivered).toEqual(['order-2']);
  });

  it('pins a new LATEST mapping where it started, so a record written while it was down is still delivered', async () => {
    // Prepare: a LATEST mapping that starts, then stops (a crash) before the next write.
    const checkpoints = createMemoryCheckpoints();
    const before = stream.latestSequenceNumber();
    running = startStreamEventSources({ mappings: [mapping('LATEST')], streams, runtime, checkpoints });
    await running.stop();
    expect(checkpoints.get(mappingId)).toBe(before);
    put('order-written-while-down');

    // Act: the mapping starts again.
    running = startStreamEventSources({ mappings: [mapping('LATEST')], streams, runtime, checkpoints });
    await waitFor(() => delivered.length > 0);

    // Assess
    expect(delivered).toEqual(['order-written-while-down']);
  });
});
