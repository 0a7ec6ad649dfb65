import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AwsEndpoint,
  type StreamViewType,
  createLocalIdentities,
  startAwsEndpoint,
} from '../../../src/endpoint';
import type { TableSpec } from '../../../src/model';
import { accountId, dynamoDbClient, region, testFunction, testTable } from '../../aws-fixtures';

const table = (name: string, viewType?: StreamViewType) =>
  testTable(name, { sortKey: true, ...(viewType ? { viewType } : {}) });
const tables = {
  NEW_AND_OLD_IMAGES: table('Both', 'NEW_AND_OLD_IMAGES'),
  NEW_IMAGE: table('New', 'NEW_IMAGE'),
  OLD_IMAGE: table('Old', 'OLD_IMAGE'),
  KEYS_ONLY: table('Keys', 'KEYS_ONLY'),
};
const plain = table('Plain');
const all = [...Object.values(tables), plain];

const writer = testFunction('Writer', [
  { Effect: 'Allow', Action: 'dynamodb:*', Resource: all.map((spec) => spec.arn) },
]);

describe('DynamoDB streams of the local AWS endpoint', () => {
  const local = createLocalIdentities();
  let aws: AwsEndpoint;
  let client: DynamoDBDocumentClient;

  beforeAll(async () => {
    local.credentialsFor(writer);
    aws = await startAwsEndpoint({
      region,
      accountId,
      tables: all,
      functions: [writer],
      identities: local.identities,
      parameters: new Map(),
      iam: 'enforce',
    });
    client = DynamoDBDocumentClient.from(dynamoDbClient(aws.url, local.credentialsFor(writer)));
  });

  afterAll(() => aws.stop());

  const recordsOf = (spec: TableSpec) =>
    aws.streams.forTable(spec.tableName)?.entries.map((entry) => entry.record) ?? [];

  /** Inserts, modifies and removes one item, returning the three records. */
  const lifecycle = async (spec: TableSpec, pk: string) => {
    const before = recordsOf(spec).length;
    const key = { pk, sk: 'ITEM' };
    await client.send(new PutCommand({ TableName: spec.tableName, Item: { ...key, status: 'new' } }));
    await client.send(
      new UpdateCommand({
        TableName: spec.tableName,
        Key: key,
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'done' },
      }),
    );
    await client.send(new DeleteCommand({ TableName: spec.tableName, Key: key }));
    return recordsOf(spec).slice(before);
  };

  const keys = (pk: string) => ({ pk: { S: pk }, sk: { S: 'ITEM' } });
  const item = (pk: string, status: string) => ({ ...keys(pk), status: { S: status } });

  it('records INSERT, MODIFY and REMOVE with both images for NEW_AND_OLD_IMAGES', async () => {
    const spec = tables.NEW_AND_OLD_IMAGES;

    const records = await lifecycle(spec, 'A');

    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(records.map((record) => record.dynamodb)).toEqual([
      expect.objectContaining({ Keys: keys('A'), NewImage: item('A', 'new') }),
      expect.objectContaining({ Keys: keys('A'), OldImage: item('A', 'new'), NewImage: item('A', 'done') }),
      expect.objectContaining({ Keys: keys('A'), OldImage: item('A', 'done') }),
    ]);
    expect(records[0]?.dynamodb).not.toHaveProperty('OldImage');
    expect(records[2]?.dynamodb).not.toHaveProperty('NewImage');
    expect(records[0]).toMatchObject({
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      eventSourceARN: spec.streamArn,
      dynamodb: { StreamViewType: 'NEW_AND_OLD_IMAGES', SizeBytes: expect.any(Number) as number },
    });
  });

  it.each([
    ['NEW_IMAGE', [true, true, false], [false, false, false]],
    ['OLD_IMAGE', [false, false, false], [false, true, true]],
    ['KEYS_ONLY', [false, false, false], [false, false, false]],
  ] as const)('carries only the images %s asks for', async (viewType, hasNew, hasOld) => {
    const records = await lifecycle(tables[viewType], 'B');

    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(records.map((record) => 'NewImage' in record.dynamodb)).toEqual(hasNew);
    expect(records.map((record) => 'OldImage' in record.dynamodb)).toEqual(hasOld);
    expect(records.every((record) => record.dynamodb.StreamViewType === viewType)).toBe(true);
    expect(records.map((record) => record.dynamodb.Keys)).toEqual([keys('B'), keys('B'), keys('B')]);
  });

  it('records nothing for a write whose condition failed, or that changed nothing', async () => {
    const spec = tables.NEW_AND_OLD_IMAGES;
    await client.send(
      new PutCommand({ TableName: spec.tableName, Item: { pk: 'C', sk: 'ITEM', status: 'new' } }),
    );
    const before = recordsOf(spec).length;

    await expect(
      client.send(
        new PutCommand({
          TableName: spec.tableName,
          Item: { pk: 'C', sk: 'ITEM', status: 'other' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await client.send(
      new PutCommand({ TableName: spec.tableName, Item: { pk: 'C', sk: 'ITEM', status: 'new' } }),
    );
    await client.send(new DeleteCommand({ TableName: spec.tableName, Key: { pk: 'NOPE', sk: 'ITEM' } }));

    expect(recordsOf(spec)).toHaveLength(before);
  });

  it('records every item of a BatchWriteItem, addressed by table ARN too', async () => {
    const spec = tables.NEW_AND_OLD_IMAGES;
    const before = recordsOf(spec).length;

    await client.send(
      new BatchWriteCommand({
        RequestItems: {
          [spec.tableName]: [
            { PutRequest: { Item: { pk: 'D1', sk: 'ITEM' } } },
            { PutRequest: { Item: { pk: 'D2', sk: 'ITEM' } } },
          ],
          [plain.tableName]: [{ PutRequest: { Item: { pk: 'D3', sk: 'ITEM' } } }],
        },
      }),
    );
    await client.send(new DeleteCommand({ TableName: spec.arn, Key: { pk: 'D1', sk: 'ITEM' } }));

    const records = recordsOf(spec).slice(before);
    expect(records.map((record) => [record.eventName, record.dynamodb.Keys.pk])).toEqual([
      ['INSERT', { S: 'D1' }],
      ['INSERT', { S: 'D2' }],
      ['REMOVE', { S: 'D1' }],
    ]);
    expect(aws.streams.forTable(plain.tableName)).toBeUndefined();
  });

  it('orders concurrent writes to one item by sequence number, each old image the previous new one', async () => {
    const spec = tables.NEW_AND_OLD_IMAGES;
    const before = recordsOf(spec).length;

    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        client.send(
          new UpdateCommand({
            TableName: spec.tableName,
            Key: { pk: 'E', sk: 'ITEM' },
            UpdateExpression: 'ADD #n :one SET #last = :index',
            ExpressionAttributeNames: { '#n': 'count', '#last': 'last' },
            ExpressionAttributeValues: { ':one': 1, ':index': index },
          }),
        ),
      ),
    );

    const records = recordsOf(spec).slice(before);
    expect(records).toHaveLength(10);
    const sequence = records.map((record) => record.dynamodb.SequenceNumber);
    expect([...sequence].sort()).toEqual(sequence);
    expect(new Set(sequence).size).toBe(10);
    expect(records.map((record) => record.dynamodb.NewImage?.count)).toEqual(
      Array.from({ length: 10 }, (_, index) => ({ N: String(index + 1) })),
    );
    records.slice(1).forEach((record, index) => {
      expect(record.dynamodb.OldImage).toEqual(records[index]?.dynamodb.NewImage);
    });
  });
});
