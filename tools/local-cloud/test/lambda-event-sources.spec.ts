import type { EventSourceMappingSpec } from '../src/assembly';
import { type StreamRecord, type StreamStore, createQueueStore, createStreamStore } from '../src/endpoint';
import { type StreamEventSources, functionIdFor, startStreamEventSources } from '../src/services/lambda';
import type { FunctionSpec, InvokeResult, TableSpec } from '../src/model';

const region = 'eu-west-1';
const tableArn = `arn:aws:dynamodb:${region}:000000000000:table/orders`;
const streamArn = `${tableArn}/stream/2026-01-01T00:00:00.000`;
const functionId = 'SliceOrders-dev/PublishOrderEvents';

const table: TableSpec = {
  id: 'SliceOrders-dev/Table',
  stackName: 'SliceOrders-dev',
  logicalId: 'Table',
  tableName: 'orders',
  arn: tableArn,
  streamArn,
  createTableInput: {
    TableName: 'orders',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  },
};

function mapping(properties: Record<string, unknown> = {}): EventSourceMappingSpec {
  return {
    id: 'SliceOrders-dev/Mapping',
    stackName: 'SliceOrders-dev',
    logicalId: 'Mapping',
    functionId,
    eventSourceArn: streamArn,
    properties: {
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 0,
      StartingPosition: 'TRIM_HORIZON',
      ...properties,
    },
  };
}

const ok = (payload: unknown = null): InvokeResult => ({
  ok: true,
  payload,
  durationMs: 1,
  coldStart: false,
});
const error: InvokeResult = { ok: false, errorType: 'Error', errorMessage: 'boom', durationMs: 1 };

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startStreamEventSources', () => {
  let streams: StreamStore;
  let sources: StreamEventSources | undefined;
  let logs: string[];
  /** The `pk` of every record of every invocation, in order. */
  let invocations: string[][];
  let answer: (pks: string[]) => InvokeResult;

  const runtime = {
    invoke: (id: string, event: unknown) => {
      expect(id).toBe(functionId);
      const records = (event as { Records: StreamRecord[] }).Records;
      const pks = records.map((record) => (record.dynamodb.Keys.pk as { S: string }).S);
      invocations.push(pks);
      return Promise.resolve(answer(pks));
    },
  };
  const stream = () => {
    const found = streams.forTable('orders');
    if (!found) throw new Error('no stream');
    return found;
  };
  const insert = (...pks: string[]) =>
    pks.map((pk) => stream().append({ newItem: { pk: { S: pk } } })?.dynamodb.SequenceNumber ?? '');
  const start = (properties: Record<string, unknown> = {}) => {
    sources = startStreamEventSources({
      mappings: [mapping(properties)],
      streams,
      runtime,
      log: (text) => logs.push(text),
      pollIntervalMs: 10,
      retryDelayMs: 0,
    });
    return sources;
  };

  beforeEach(() => {
    streams = createStreamStore({ region });
    streams.add([table]);
    logs = [];
    invocations = [];
    answer = () => ok();
  });

  afterEach(() => sources?.stop());

  it('delivers records in batches of at most BatchSize, oldest first, each record once', async () => {
    insert(...Array.from({ length: 30 }, (_, index) => `r${index}`));

    start({ BatchSize: 25 });
    await waitFor(() => invocations.length === 2);
    insert('late');
    await waitFor(() => invocations.length === 3);

    expect(invocations.map((pks) => pks.length)).toEqual([25, 5, 1]);
    expect(invocations.flat()).toEqual([...Array.from({ length: 30 }, (_, index) => `r${index}`), 'late']);
  });

  it('passes the records as Lambda does: { Records } with the stream ARN', async () => {
    let event: unknown;
    const source = startStreamEventSources({
      mappings: [mapping()],
      streams,
      runtime: {
        invoke: (_id, received) => {
          event = received;
          return Promise.resolve(ok());
        },
      },
      pollIntervalMs: 10,
    });
    insert('a');

    await waitFor(() => event !== undefined);
    await source.stop();

    expect(event).toEqual({
      Records: [
        expect.objectContaining({
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          eventSourceARN: streamArn,
        }),
      ],
    });
  });

  it('waits up to MaximumBatchingWindowInSeconds for a fuller batch, no longer', async () => {
    start({ BatchSize: 25, MaximumBatchingWindowInSeconds: 0.3 });
    const began = Date.now();
    insert('a');
    await sleep(50);
    insert('b');

    await waitFor(() => invocations.length === 1);

    const waited = Date.now() - began;
    expect(invocations).toEqual([['a', 'b']]);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(3000);
  });

  it('does not wait for the window once the batch is full', async () => {
    start({ BatchSize: 2, MaximumBatchingWindowInSeconds: 5 });
    insert('a', 'b');

    await waitFor(() => invocations.length === 1, 1000);

    expect(invocations).toEqual([['a', 'b']]);
  });

  it('retries from the first reported batch item failure, keeping the records before it', async () => {
    const sequence = insert('a', 'b', 'c', 'd');
    let failures = 1;
    answer = () =>
      failures-- > 0
        ? ok({ batchItemFailures: [{ itemIdentifier: sequence[2] }, { itemIdentifier: sequence[3] }] })
        : ok();

    start({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
    await waitFor(() => invocations.length === 2);
    await sleep(50);

    expect(invocations).toEqual([
      ['a', 'b', 'c', 'd'],
      ['c', 'd'],
    ]);
    expect(logs.some((line) => line.includes('retry 1'))).toBe(true);
  });

  it('ignores batchItemFailures when the mapping does not report them', async () => {
    const sequence = insert('a', 'b');
    answer = () => ok({ batchItemFailures: [{ itemIdentifier: sequence[1] }] });

    start();
    await waitFor(() => invocations.length === 1);
    await sleep(50);

    expect(invocations).toEqual([['a', 'b']]);
  });

  it('fails the whole batch when batchItemFailures names an unknown record', async () => {
    insert('a', 'b');
    let failures = 1;
    answer = () => (failures-- > 0 ? ok({ batchItemFailures: [{ itemIdentifier: 'nope' }] }) : ok());

    start({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
    await waitFor(() => invocations.length === 2);

    expect(invocations).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('halves a failing batch with BisectBatchOnFunctionError until the poisoned record is alone, then parks it', async () => {
    insert('a', 'b', 'c', 'd');
    answer = (pks) => (pks.includes('c') ? error : ok());

    const source = start({ BisectBatchOnFunctionError: true, MaximumRetryAttempts: 2 });
    await waitFor(() => source.failed.length === 1);
    await waitFor(() => invocations.at(-1)?.join() === 'd');

    expect(invocations).toEqual([['a', 'b', 'c', 'd'], ['a', 'b'], ['c', 'd'], ['c'], ['c'], ['c'], ['d']]);
    expect(source.failed[0]).toMatchObject({
      functionId,
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 5 },
      DDBStreamBatchInfo: { batchSize: 1, streamArn },
    });
    expect(logs.filter((line) => line.includes('parked record'))).toHaveLength(1);
  });

  it('parks a batch after MaximumRetryAttempts with its on-failure destination, then moves on', async () => {
    const sequence = insert('a', 'b');
    answer = (pks) => (pks.includes('a') ? error : ok());
    const destination = 'arn:aws:sqs:eu-west-1:000000000000:orders-dlq';

    const source = start({
      MaximumRetryAttempts: 3,
      DestinationConfig: { OnFailure: { Destination: destination } },
    });
    await waitFor(() => source.failed.length === 1);
    insert('c');
    await waitFor(() => invocations.length === 5);

    expect(invocations).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'b'], ['c']]);
    expect(source.failed).toEqual([
      expect.objectContaining({
        destination,
        responseContext: { functionError: 'Error: boom' },
        DDBStreamBatchInfo: expect.objectContaining({
          startSequenceNumber: sequence[0],
          endSequenceNumber: sequence[1],
          batchSize: 2,
        }) as unknown,
      }),
    ]);
    expect(logs.filter((line) => line.includes('retry'))).toHaveLength(3);
    expect(logs.filter((line) => line.includes('parked record'))).toHaveLength(2);
  });

  it("sends Lambda's invocation record, not the records, to an on-failure SQS queue", async () => {
    const destination = 'arn:aws:sqs:eu-west-1:000000000000:orders-outbox-dlq';
    const queues = createQueueStore([
      {
        id: 'SliceOrders-dev/OutboxDeadLetters',
        stackName: 'SliceOrders-dev',
        logicalId: 'OutboxDeadLetters',
        queueName: 'orders-outbox-dlq',
        url: 'https://sqs.eu-west-1.amazonaws.com/000000000000/orders-outbox-dlq',
        arn: destination,
        properties: {},
      },
    ]);
    const publisher = (allowed: boolean): FunctionSpec => ({
      id: functionId,
      stackName: 'SliceOrders-dev',
      logicalId: 'PublishOrderEvents',
      functionName: 'orders-publish',
      arn: 'arn:aws:lambda:eu-west-1:000000000000:function:orders-publish',
      handler: 'index.handler',
      codeDir: '/nowhere',
      runtime: 'nodejs24.x',
      timeoutSeconds: 3,
      memoryMb: 128,
      environment: {},
      roleArn: 'arn:aws:iam::000000000000:role/orders-publish',
      policy: allowed ? [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: destination }] : [],
    });
    const sequence = insert('a');
    answer = () => error;
    const source = startStreamEventSources({
      mappings: [
        mapping({ MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: destination } } }),
      ],
      streams,
      runtime,
      functions: [publisher(true)],
      queues,
      log: (text) => logs.push(text),
      pollIntervalMs: 10,
      retryDelayMs: 0,
    });
    await waitFor(() => source.failed.length === 1);
    await source.stop();

    const messages = queues.byArn(destination)?.messages() ?? [];
    expect(messages).toHaveLength(1);
    const body = JSON.parse(messages[0]?.body ?? '{}') as Record<string, unknown>;
    expect(body).toEqual({
      requestContext: {
        requestId: expect.any(String) as unknown,
        functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:orders-publish',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 2,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.any(String) as unknown,
      DDBStreamBatchInfo: expect.objectContaining({
        shardId: expect.any(String) as unknown,
        startSequenceNumber: sequence[0],
        endSequenceNumber: sequence[0],
        batchSize: 1,
        streamArn,
      }) as unknown,
    });
    expect(JSON.stringify(body)).not.toContain('"pk"');
    expect(source.failed[0]?.sentToDestination).toBe(true);

    // Without sqs:SendMessage on the queue, Lambda cannot deliver the record: it is only parked.
    insert('b');
    const denied = startStreamEventSources({
      mappings: [
        mapping({
          MaximumRetryAttempts: 0,
          StartingPosition: 'LATEST',
          DestinationConfig: { OnFailure: { Destination: destination } },
        }),
      ],
      streams,
      runtime,
      functions: [publisher(false)],
      queues,
      log: (text) => logs.push(text),
      pollIntervalMs: 10,
      retryDelayMs: 0,
    });
    insert('c');
    await waitFor(() => denied.failed.length === 1);
    await denied.stop();
    expect(queues.byArn(destination)?.messages()).toHaveLength(1);
    expect(denied.failed[0]?.sentToDestination).toBe(false);
    expect(logs.join('\n')).toMatch(/may not sqs:SendMessage/);
  });

  it('starts from the records written after it with LATEST', async () => {
    insert('old');

    start({ StartingPosition: 'LATEST' });
    insert('new');
    await waitFor(() => invocations.length === 1);
    await sleep(50);

    expect(invocations).toEqual([['new']]);
  });

  it('invokes nothing after stop', async () => {
    const source = start();
    await source.stop();

    insert('a');
    await sleep(100);

    expect(invocations).toEqual([]);
  });

  it('skips, with a log line, a mapping whose source is not a local stream', async () => {
    const source = startStreamEventSources({
      mappings: [
        { ...mapping(), eventSourceArn: 'arn:aws:kinesis:eu-west-1:000000000000:stream/clicks' },
        // A queue is the SQS event sources' to poll: no line here.
        { ...mapping(), eventSourceArn: 'arn:aws:sqs:eu-west-1:000000000000:queue' },
      ],
      streams,
      runtime,
      log: (text) => logs.push(text),
    });

    expect(source.active).toEqual([]);
    expect(logs).toEqual([expect.stringContaining('is not a DynamoDB stream of the local cloud')]);
    await source.stop();
  });
});

describe('functionIdFor', () => {
  const fn = {
    id: functionId,
    functionName: 'SliceOrders-dev-PublishOrderEvents',
    arn: 'arn:aws:lambda:eu-west-1:000000000000:function:SliceOrders-dev-PublishOrderEvents',
  } as FunctionSpec;

  it.each([
    'SliceOrders-dev-PublishOrderEvents',
    'SliceOrders-dev-PublishOrderEvents:live',
    'arn:aws:lambda:eu-west-1:000000000000:function:SliceOrders-dev-PublishOrderEvents:live',
  ])('finds the function named by %s', (name) => {
    expect(functionIdFor(name, [fn])).toBe(functionId);
  });

  it('finds nothing for an unknown name', () => {
    expect(functionIdFor('other:live', [fn])).toBeUndefined();
  });
});
