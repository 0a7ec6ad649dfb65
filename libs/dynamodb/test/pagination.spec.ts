import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError, ValidationError } from '@slice/contract';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createCursorCodec, createDocumentClient, queryPage, type PageRequest } from '../src';
import { rejectionOf } from './support';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient();
const codec = createCursorCodec('pagination-test-secret-0123456789');
const scope = 'orders:customer#alice';
const input = {
  TableName: 'orders-prod',
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': 'CUSTOMER#alice' },
};
const page = (overrides: Partial<PageRequest> = {}): PageRequest => ({
  limit: 2,
  codec,
  scope,
  keyAttributes: ['pk', 'sk'],
  ...overrides,
});

beforeEach(() => dynamo.reset());

describe('queryPage', () => {
  it('queries with the limit and returns the items and a signed cursor of LastEvaluatedKey', async () => {
    const last = { pk: 'CUSTOMER#alice', sk: 'ORDER#2' };
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ sk: 'ORDER#1' }, { sk: 'ORDER#2' }], LastEvaluatedKey: last });

    const result = await queryPage(client, input, page());

    expect(result.items).toEqual([{ sk: 'ORDER#1' }, { sk: 'ORDER#2' }]);
    expect(codec.decode(result.nextCursor ?? '', scope)).toEqual(last);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ...input, Limit: 2 });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toBeUndefined();
  });

  it('starts after the key of the cursor it is given', async () => {
    const start = { pk: 'CUSTOMER#alice', sk: 'ORDER#2' };
    dynamo.on(QueryCommand).resolves({ Items: [{ sk: 'ORDER#3' }] });

    const result = await queryPage(client, input, page({ cursor: codec.encode(start, scope) }));

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExclusiveStartKey: start, Limit: 2 });
    expect(result).toEqual({ items: [{ sk: 'ORDER#3' }] });
  });

  it('returns no cursor on the last page', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const result = await queryPage(client, input, page());

    expect(result).toEqual({ items: [] });
    expect('nextCursor' in result).toBe(false);
  });

  it.each([
    ['a forged cursor', 'eyJ2IjoxLCJrIjp7InBrIjoiQ1VTVE9NRVIjYm9iIn19.AAAA'],
    ["another caller's cursor", codec.encode({ pk: 'CUSTOMER#bob', sk: 'ORDER#1' }, 'orders:customer#bob')],
    ['an empty cursor', ''],
  ])('rejects %s with a 400 and sends nothing', async (_case, cursor) => {
    await expect(queryPage(client, input, page({ cursor }))).rejects.toBeInstanceOf(ValidationError);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['fewer', { pk: 'CUSTOMER#alice' }],
    ['other', { pk: 'CUSTOMER#alice', gsi1sk: 'x' }],
    ['more', { pk: 'CUSTOMER#alice', sk: 'ORDER#1', gsi1pk: 'x' }],
  ])('rejects a genuine cursor carrying %s key attributes than the query uses', async (_case, key) => {
    const cursor = codec.encode(key, scope);

    const failure = queryPage(client, input, page({ cursor }));

    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({ errors: [{ path: 'query.cursor' }] });
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it.each([0, -1, 1.5, 1001, Number.NaN])('refuses limit %s, a programming error', async (limit) => {
    await expect(queryPage(client, input, page({ limit }))).rejects.toThrow(RangeError);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('refuses empty or repeated keyAttributes', async () => {
    // By its message: the mocked client answers nothing, which fails the query with a TypeError too.
    const refusal = 'queryPage: keyAttributes must name each key attribute once.';
    await expect(queryPage(client, input, page({ keyAttributes: [] }))).rejects.toThrow(refusal);
    await expect(queryPage(client, input, page({ keyAttributes: ['pk', 'pk'] }))).rejects.toThrow(refusal);
  });

  it('maps throttling that outlasted the retries to 503 with Retry-After, without the table name', async () => {
    dynamo.on(QueryCommand).rejects(
      new ThrottlingException({
        message: 'Throughput exceeds the current capacity of your table orders-prod',
        $metadata: { httpStatusCode: 400, attempts: 3 },
      }),
    );

    const error = await rejectionOf(queryPage(client, input, page()));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    expect(error.message).not.toContain('orders-prod');
  });

  it('never scans', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await queryPage(client, input, page());

    expect(dynamo).not.toHaveReceivedCommand(ScanCommand);
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
  });

  it.each([1, 1000])('accepts limit %s, the bounds', async (limit) => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await queryPage(client, input, page({ limit }));

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { Limit: limit });
  });

  it('names the bounds and the limit it refuses', async () => {
    await expect(queryPage(client, input, page({ limit: 1001 }))).rejects.toThrow(
      'queryPage: limit must be an integer from 1 to 1000, got 1001.',
    );
  });

  it('returns no items and no cursor when DynamoDB returns neither', async () => {
    dynamo.on(QueryCommand).resolves({});

    expect(await queryPage(client, input, page())).toEqual({ items: [] });
  });

  it('returns no cursor for an empty LastEvaluatedKey', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ sk: 'ORDER#1' }], LastEvaluatedKey: {} });

    expect(await queryPage(client, input, page())).toEqual({ items: [{ sk: 'ORDER#1' }] });
  });

  it('says why a genuine cursor of another query is refused', async () => {
    const cursor = codec.encode({ pk: 'CUSTOMER#alice' }, scope);

    await expect(queryPage(client, input, page({ cursor }))).rejects.toMatchObject({
      errors: [{ path: 'query.cursor', message: 'The cursor does not belong to this query.' }],
    });
  });

  it('takes the codec from a source read at cold start', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: { pk: 'A', sk: 'B' } });

    const result = await queryPage(client, input, page({ codec: () => Promise.resolve(codec) }));

    expect(codec.decode(result.nextCursor ?? '', scope)).toEqual({ pk: 'A', sk: 'B' });
  });
});
