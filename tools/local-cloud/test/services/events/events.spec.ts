import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  type AwsEndpoint,
  type StoredEvent,
  AwsError,
  createLocalIdentities,
  filterEvents,
  planPutEvents,
  startAwsEndpoint,
} from '../../../src/endpoint';
import { testFunction } from '../../aws-fixtures';

const region = 'eu-west-1';
const accountId = '000000000000';
const entry = (detail: Record<string, unknown> = { id: 'ord_1' }) => ({
  Source: 'slice.orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify(detail),
  EventBusName: 'slice-dev',
});

describe('planPutEvents', () => {
  it('refuses more than 10 entries, and none, with a ValidationException', () => {
    const tooMany = () =>
      planPutEvents({ Entries: Array.from({ length: 11 }, () => entry()) }, region, accountId);
    expect(tooMany).toThrow(AwsError);
    expect(tooMany).toThrow(/less than or equal to 10/);
    expect(() => planPutEvents({ Entries: [] }, region, accountId)).toThrow(/greater than or equal to 1/);
  });

  it('refuses entries totalling more than 256 KB, counted as EventBridge counts them', () => {
    // Source + DetailType are 23 bytes; a Time adds 14.
    const detail = (bytes: number) => `{"p":"${'x'.repeat(bytes - 8)}"}`;
    const at = (bytes: number) => ({ ...entry(), Detail: detail(bytes) });
    expect(() => planPutEvents({ Entries: [at(256 * 1024 - 23)] }, region, accountId)).not.toThrow();
    expect(() => planPutEvents({ Entries: [at(256 * 1024 - 22)] }, region, accountId)).toThrow(
      /over the limit/,
    );
    expect(() =>
      planPutEvents({ Entries: [{ ...at(256 * 1024 - 23), Time: 1_800_000_000 }] }, region, accountId),
    ).toThrow(/over the limit/);
  });

  it('answers each entry in request order: an EventId, or the error of that entry alone', () => {
    const stored: StoredEvent[] = [];
    const answer = planPutEvents(
      {
        Entries: [
          entry(),
          { ...entry(), Source: undefined },
          { ...entry(), Detail: '[1,2]' },
          { ...entry(), DetailType: '' },
          entry({ id: 'ord_2' }),
        ],
      },
      region,
      accountId,
    ).commit('SliceOrders-dev/Publish', (event) => stored.push(event));

    expect(answer.FailedEntryCount).toBe(3);
    expect(answer.Entries.map((result) => ('EventId' in result ? 'ok' : result.ErrorCode))).toEqual([
      'ok',
      'InvalidArgument',
      'MalformedDetail',
      'InvalidArgument',
      'ok',
    ]);
    expect(stored.map((event) => event.detail.id)).toEqual(['ord_1', 'ord_2']);
    expect(stored.map((event) => event.id)).toEqual(
      answer.Entries.flatMap((result) => ('EventId' in result ? [result.EventId] : [])),
    );
  });

  it('fails every valid entry with InternalFailure when a fault asks it to', () => {
    const stored: StoredEvent[] = [];
    const answer = planPutEvents({ Entries: [entry(), entry()] }, region, accountId).commit(
      'f',
      (event) => stored.push(event),
      { failEntries: true },
    );
    expect(answer).toEqual({
      FailedEntryCount: 2,
      Entries: [
        expect.objectContaining({ ErrorCode: 'InternalFailure' }),
        expect.objectContaining({ ErrorCode: 'InternalFailure' }),
      ],
    });
    expect(stored).toHaveLength(0);
  });
});

describe('PutEvents on the local endpoint', () => {
  const local = createLocalIdentities();
  const logs: string[] = [];
  const publisher = testFunction(
    'Publish',
    [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }],
    { stack: 'SliceOrders-dev', accountId },
  );
  let aws: AwsEndpoint;
  const put = (entries: ReturnType<typeof entry>[], maxAttempts = 1) =>
    new EventBridgeClient({
      endpoint: aws.url,
      region,
      credentials: local.credentialsFor(publisher),
      maxAttempts,
      retryStrategy: undefined,
    }).send(new PutEventsCommand({ Entries: entries }));

  beforeAll(async () => {
    local.credentialsFor(publisher);
    aws = await startAwsEndpoint({
      region,
      accountId,
      tables: [],
      functions: [publisher],
      identities: local.identities,
      parameters: new Map(),
      iam: 'enforce',
      eventBuses: ['slice-dev'],
      log: (line) => logs.push(line),
    });
  });
  afterAll(() => aws.stop());
  beforeEach(() => {
    aws.events.splice(0);
    aws.faults.clear();
  });

  it('accepts an event for a bus that does not exist and drops it, as EventBridge does, and says so', async () => {
    const answer = await put([{ ...entry(), EventBusName: 'no-such-bus' }]);
    expect(answer.FailedEntryCount).toBe(0);
    expect(answer.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(aws.events).toHaveLength(0);
    expect(logs.join('\n')).toMatch(/the bus no-such-bus does not exist/);
  });

  it('answers failed entries once after failNext(failed-entries), then accepts them again', async () => {
    aws.faults.failNext('events:PutEvents', 1, 'failed-entries');
    const failed = await put([entry()]);
    expect(failed.FailedEntryCount).toBe(1);
    expect(failed.Entries?.[0]?.ErrorCode).toBe('InternalFailure');
    expect(aws.events).toHaveLength(0);

    const next = await put([entry()]);
    expect(next.FailedEntryCount).toBe(0);
    expect(filterEvents(aws.events, { source: 'slice.orders', detailType: 'OrderPlaced' })).toHaveLength(1);
  });

  it('leaves the calls of other functions alone when the fault names a function', async () => {
    aws.faults.failNext('events:PutEvents', 1, 'failed-entries', 'PublishMenuChanges');
    expect((await put([entry()])).FailedEntryCount).toBe(0);
    expect(aws.faults.pending('events:PutEvents')).toBe(1);

    aws.faults.failNext('events:PutEvents', 1, 'failed-entries', 'SliceOrders-dev/Publish');
    expect((await put([entry()])).FailedEntryCount).toBe(1);
  });

  it('fails the call with a 500 after failNext(server-error), which the SDK retries', async () => {
    aws.faults.failNext('events:PutEvents', 1, 'server-error');
    await expect(put([entry()])).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });

    aws.faults.failNext('events:PutEvents', 1, 'server-error');
    const retried = await put([entry()], 2);
    expect(retried.FailedEntryCount).toBe(0);
    expect(retried.$metadata.attempts).toBe(2);
    expect(aws.events).toHaveLength(1);
    expect(aws.faults.pending('events:PutEvents')).toBe(0);
  });
});
