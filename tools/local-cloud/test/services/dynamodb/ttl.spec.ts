import {
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AwsEndpoint,
  type AwsEndpointOptions,
  createLocalIdentities,
  startAwsEndpoint,
} from '../../../src/endpoint';
import type { TableSpec } from '../../../src/model';
import { accountId, dynamoDbClient, region, testFunction, testTable } from '../../aws-fixtures';

const table = (name: string, ttlAttribute?: string) =>
  testTable(name, { viewType: 'NEW_AND_OLD_IMAGES', ...(ttlAttribute ? { ttlAttribute } : {}) });
const sessions = table('Sessions', 'expiresAt');
const carts = table('Carts');

const writer = testFunction('Writer', [
  { Effect: 'Allow', Action: 'dynamodb:*', Resource: [sessions.arn, carts.arn] },
]);

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sixYears = 6 * 365 * 24 * 60 * 60;

describe('TTL of the local AWS endpoint', () => {
  const local = createLocalIdentities();
  const start = (options: Partial<AwsEndpointOptions> = {}) =>
    startAwsEndpoint({
      region,
      accountId,
      tables: [sessions, carts],
      functions: [writer],
      identities: local.identities,
      parameters: new Map(),
      iam: 'enforce',
      ttlSweepIntervalMs: 0,
      ...options,
    });
  const clientOf = (aws: AwsEndpoint) => dynamoDbClient(aws.url, local.credentialsFor(writer));

  describe('sweeps', () => {
    let aws: AwsEndpoint;
    let client: DynamoDBClient;
    let documents: DynamoDBDocumentClient;

    beforeAll(async () => {
      aws = await start();
      client = clientOf(aws);
      documents = DynamoDBDocumentClient.from(client);
    });

    afterAll(() => aws.stop());

    const put = (spec: TableSpec, item: Record<string, unknown>) =>
      documents.send(new PutCommand({ TableName: spec.tableName, Item: item }));
    const exists = async (spec: TableSpec, pk: string) =>
      (await documents.send(new GetCommand({ TableName: spec.tableName, Key: { pk }, ConsistentRead: true })))
        .Item !== undefined;
    const records = (spec: TableSpec) =>
      aws.streams.forTable(spec.tableName)?.entries.map((entry) => entry.record) ?? [];

    it('deletes an expired item with the REMOVE record of the DynamoDB service principal', async () => {
      await put(sessions, { pk: 'expired', expiresAt: nowSeconds() - 60, user: 'alice' });
      const before = records(sessions).length;

      const deleted = await aws.timeToLive.sweep();

      expect(deleted).toBe(1);
      expect(await exists(sessions, 'expired')).toBe(false);
      const [removal, ...others] = records(sessions).slice(before);
      expect(others).toEqual([]);
      expect(removal).toMatchObject({
        eventName: 'REMOVE',
        userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
        dynamodb: {
          Keys: { pk: { S: 'expired' } },
          OldImage: { pk: { S: 'expired' }, user: { S: 'alice' } },
        },
      });
      expect(removal?.dynamodb.NewImage).toBeUndefined();
    });

    it('keeps unexpired items, non-number TTLs, items without one and TTLs more than five years old', async () => {
      await put(sessions, { pk: 'future', expiresAt: nowSeconds() + 3600 });
      await put(sessions, { pk: 'text', expiresAt: String(nowSeconds() - 60) });
      await put(sessions, { pk: 'none' });
      await put(sessions, { pk: 'ancient', expiresAt: nowSeconds() - sixYears });
      await put(carts, { pk: 'no-ttl-table', expiresAt: nowSeconds() - 60 });
      const before = records(sessions).length;

      const deleted = await aws.timeToLive.sweep();

      expect(deleted).toBe(0);
      for (const pk of ['future', 'text', 'none', 'ancient']) expect(await exists(sessions, pk)).toBe(true);
      expect(await exists(carts, 'no-ttl-table')).toBe(true);
      expect(records(sessions).slice(before)).toEqual([]);
    });

    it('describes the TTL of the template and applies UpdateTimeToLive at once', async () => {
      const describe = async (spec: TableSpec) =>
        (await client.send(new DescribeTimeToLiveCommand({ TableName: spec.tableName })))
          .TimeToLiveDescription;
      const update = (spec: TableSpec, Enabled: boolean) =>
        client.send(
          new UpdateTimeToLiveCommand({
            TableName: spec.tableName,
            TimeToLiveSpecification: { AttributeName: 'staleAfter', Enabled },
          }),
        );

      expect(await describe(sessions)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
      expect(await describe(carts)).toEqual({ TimeToLiveStatus: 'DISABLED' });

      await expect(update(carts, true)).resolves.toMatchObject({
        TimeToLiveSpecification: { AttributeName: 'staleAfter', Enabled: true },
      });
      expect(await describe(carts)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'staleAfter' });
      await expect(update(carts, true)).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'TimeToLive is already enabled',
      });
      await put(carts, { pk: 'stale', staleAfter: nowSeconds() - 1 });
      expect(await aws.timeToLive.sweep()).toBe(1);
      expect(await exists(carts, 'stale')).toBe(false);

      await update(carts, false);
      expect(await describe(carts)).toEqual({ TimeToLiveStatus: 'DISABLED' });
      await expect(update(carts, false)).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  it('passes over a table with TTL enabled that does not exist (yet), without failing the sweep', async () => {
    const logs: string[] = [];
    const aws = await start({ log: (text) => logs.push(text) });
    const documents = DynamoDBDocumentClient.from(clientOf(aws));
    try {
      aws.timeToLive.enable('SliceTest-dev-NotCreatedYet', 'expiresAt');
      await documents.send(
        new PutCommand({ TableName: sessions.tableName, Item: { pk: 'gone', expiresAt: nowSeconds() - 1 } }),
      );

      expect(await aws.timeToLive.sweep()).toBe(1);
      expect(logs.filter((line) => line.startsWith('TTL'))).toEqual([]);
    } finally {
      documents.destroy();
      await aws.stop();
    }
  });

  it('sweeps on its own every interval and stops sweeping on stop()', async () => {
    const logs: string[] = [];
    const aws = await start({ ttlSweepIntervalMs: 20, log: (text) => logs.push(text) });
    const documents = DynamoDBDocumentClient.from(clientOf(aws));
    try {
      await documents.send(
        new PutCommand({ TableName: sessions.tableName, Item: { pk: 'soon', expiresAt: nowSeconds() - 1 } }),
      );
      const deadline = Date.now() + 5000;
      let item: unknown = {};
      while (item !== undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        ({ Item: item } = await documents.send(
          new GetCommand({ TableName: sessions.tableName, Key: { pk: 'soon' }, ConsistentRead: true }),
        ));
      }
      expect(item).toBeUndefined();
    } finally {
      documents.destroy();
      await aws.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs.filter((line) => line.startsWith('TTL'))).toEqual([]);
  });
});
