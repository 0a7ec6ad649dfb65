import type { EventSourceMappingSpec, QueueSpec } from '../src/assembly';
import { createQueueStore, type QueueStore } from '../src/endpoint';
import { type QueueEventSources, type SqsEventRecord, startQueueEventSources } from '../src/services/lambda';
import type { InvokeResult } from '../src/model';

const region = 'eu-west-1';
const accountId = '000000000000';
const functionId = 'SliceKitchen-dev/CookTicket';

const queue = (name: string, properties: Record<string, unknown> = {}): QueueSpec => ({
  id: `SliceKitchen-dev/${name}`,
  stackName: 'SliceKitchen-dev',
  logicalId: name,
  queueName: name,
  url: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
  arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
  properties,
});
const deadLetters = queue('tickets-dlq');

function mapping(source: QueueSpec, properties: Record<string, unknown> = {}): EventSourceMappingSpec {
  return {
    id: 'SliceKitchen-dev/CookTicketMapping',
    stackName: 'SliceKitchen-dev',
    logicalId: 'CookTicketMapping',
    functionId,
    eventSourceArn: source.arn,
    properties: { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'], ...properties },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('startQueueEventSources', () => {
  let queues: QueueStore;
  let sources: QueueEventSources | undefined;
  /** The bodies of every invocation's records, in order, with the time of the call. */
  let invocations: Array<{ bodies: string[]; at: number; records: SqsEventRecord[] }>;
  let answer: (bodies: string[], records: SqsEventRecord[]) => InvokeResult;
  const runtime = {
    invoke: (id: string, event: unknown) => {
      expect(id).toBe(functionId);
      const records = (event as { Records: SqsEventRecord[] }).Records;
      const bodies = records.map((record) => record.body);
      invocations.push({ bodies, at: Date.now(), records });
      return Promise.resolve(answer(bodies, records));
    },
  };
  const start = (source: QueueSpec, properties: Record<string, unknown> = {}) => {
    queues = createQueueStore([source, deadLetters]);
    sources = startQueueEventSources({
      mappings: [mapping(source, properties)],
      queues,
      runtime,
      pollIntervalMs: 10,
    });
    return queues.byArn(source.arn)!;
  };
  const okResult = (payload: unknown = null): InvokeResult => ({
    ok: true,
    payload,
    durationMs: 1,
    coldStart: false,
  });

  beforeEach(() => {
    invocations = [];
    answer = () => okResult();
  });
  afterEach(() => sources?.stop());

  it('invokes the function with SQS records in batches of BatchSize and deletes what succeeded', async () => {
    const tickets = start(queue('tickets'), { BatchSize: 2 });
    for (const body of ['a', 'b', 'c']) tickets.send({ body, senderId: 'test' });

    await waitFor(() => tickets.messages().length === 0);
    expect(invocations.flatMap((invocation) => invocation.bodies).sort()).toEqual(['a', 'b', 'c']);
    expect(Math.max(...invocations.map((invocation) => invocation.bodies.length))).toBeLessThanOrEqual(2);
    expect(invocations[0]?.records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: tickets.arn,
      awsRegion: region,
      attributes: { ApproximateReceiveCount: '1' },
    });
  });

  it('keeps only the messages reported in batchItemFailures, then moves them to the DLQ after maxReceiveCount', async () => {
    const tickets = start(
      queue('tickets', {
        VisibilityTimeout: 0,
        RedrivePolicy: { deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 },
      }),
    );
    answer = (_bodies, records) =>
      okResult({
        batchItemFailures: records
          .filter((record) => record.body === 'poison')
          .map((record) => ({ itemIdentifier: record.messageId })),
      });
    for (const body of ['good-1', 'poison', 'good-2']) tickets.send({ body, senderId: 'test' });

    const dlq = queues.byArn(deadLetters.arn)!;
    await waitFor(() => dlq.messages().length === 1);
    expect(dlq.messages()[0]?.body).toBe('poison');
    expect(tickets.messages()).toHaveLength(0);
    const delivered = invocations.flatMap((invocation) => invocation.bodies);
    // The good ones once each; the poison one maxReceiveCount times.
    expect(delivered.filter((body) => body.startsWith('good')).sort()).toEqual(['good-1', 'good-2']);
    expect(delivered.filter((body) => body === 'poison')).toHaveLength(2);
  });

  it('leaves a failed batch invisible for the visibility timeout before it is delivered again', async () => {
    const tickets = start(queue('tickets', { VisibilityTimeout: 1 }));
    let calls = 0;
    answer = () => {
      calls += 1;
      return calls === 1
        ? { ok: false, errorType: 'Error', errorMessage: 'boom', durationMs: 1 }
        : okResult();
    };
    tickets.send({ body: 'retry-me', senderId: 'test' });

    await waitFor(() => invocations.length === 2 && tickets.messages().length === 0, 4000);
    const [first, second] = invocations;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    expect(second?.records[0]?.attributes.ApproximateReceiveCount).toBe('2');
  });

  it('stops polling a queue whose mapping a redeploy removed', async () => {
    const tickets = start(queue('tickets'));
    tickets.send({ body: 'before', senderId: 'test' });
    await waitFor(() => tickets.messages().length === 0);

    sources?.update([]);
    expect(sources?.active).toEqual([]);
    tickets.send({ body: 'after', senderId: 'test' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(invocations.flatMap((invocation) => invocation.bodies)).toEqual(['before']);
    expect(tickets.messages().map((message) => message.body)).toEqual(['after']);
  });

  it('deletes a batch whose invocation succeeds after the mapping stopped, so it is not delivered again', async () => {
    const tickets = queue('tickets');
    queues = createQueueStore([tickets, deadLetters]);
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let invoked = false;
    sources = startQueueEventSources({
      mappings: [mapping(tickets)],
      queues,
      runtime: {
        invoke: async () => {
          invoked = true;
          await finished;
          return okResult();
        },
      },
      pollIntervalMs: 10,
    });
    const local = queues.byArn(tickets.arn)!;
    local.send({ body: 'slow', senderId: 'test' });
    await waitFor(() => invoked);

    await sources.stop();
    finish();

    await waitFor(() => local.messages().length === 0);
  });

  it('fails the whole batch when batchItemFailures names a message that is not in it', async () => {
    const tickets = start(queue('tickets', { VisibilityTimeout: 0 }));
    let calls = 0;
    answer = () => {
      calls += 1;
      return okResult(calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-message' }] } : {});
    };
    tickets.send({ body: 'a', senderId: 'test' });

    await waitFor(() => tickets.messages().length === 0);
    expect(invocations.map((invocation) => invocation.bodies)).toEqual([['a'], ['a']]);
  });
});
