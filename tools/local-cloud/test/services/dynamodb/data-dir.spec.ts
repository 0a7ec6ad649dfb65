import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AwsEndpoint,
  DataDirInUseError,
  createLocalIdentities,
  startAwsEndpoint,
} from '../../../src/endpoint';
import { accountId, dynamoDbClient, region, testFunction, testTable } from '../../aws-fixtures';

const orders = testTable('Orders', { viewType: 'NEW_AND_OLD_IMAGES' });
const { tableName } = orders;

const writer = testFunction('Writer', [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: orders.arn }]);

describe('the local AWS endpoint with a data directory', () => {
  const local = createLocalIdentities();
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'slice-data-dir-'));
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Starts an endpoint, runs `work` with a client of it, and stops it again. */
  const session = async <T>(
    options: { dataDir?: string; log?: (text: string) => void },
    work: (client: DynamoDBDocumentClient, aws: AwsEndpoint) => Promise<T>,
  ): Promise<T> => {
    const aws = await startAwsEndpoint({
      region,
      accountId,
      tables: [orders],
      functions: [writer],
      identities: local.identities,
      parameters: new Map(),
      iam: 'enforce',
      ttlSweepIntervalMs: 0,
      ...options,
    });
    const client = DynamoDBDocumentClient.from(dynamoDbClient(aws.url, local.credentialsFor(writer)));
    try {
      return await work(client, aws);
    } finally {
      client.destroy();
      await aws.stop();
    }
  };
  const get = async (client: DynamoDBDocumentClient, pk: string) =>
    (await client.send(new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }))).Item;

  it('keeps the items and their stream records across a restart', async () => {
    await session({ dataDir }, async (client) => {
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'order-1', status: 'placed' } }));
      await client.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: tableName, Item: { pk: 'order-2', status: 'paid' } } }],
        }),
      );
    });

    const logs: string[] = [];
    const after = await session({ dataDir, log: (text) => logs.push(text) }, async (client, aws) => ({
      first: await get(client, 'order-1'),
      second: await get(client, 'order-2'),
      records: aws.streams
        .forTable(tableName)
        ?.entries.map(({ record }) => [record.eventName, record.dynamodb.Keys]),
    }));

    expect(after).toEqual({
      first: { pk: 'order-1', status: 'placed' },
      second: { pk: 'order-2', status: 'paid' },
      records: [
        ['INSERT', { pk: { S: 'order-1' } }],
        ['INSERT', { pk: { S: 'order-2' } }],
      ],
    });
    expect(logs).toContain(`Table ${tableName} (${orders.id}) already exists: its data is kept`);
  });

  it('refuses a second local cloud on the same directory while the first runs', async () => {
    await session({ dataDir }, async (client) => {
      await expect(session({ dataDir }, () => Promise.resolve())).rejects.toBeInstanceOf(DataDirInUseError);

      await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'order-1', status: 'placed' } }));
      expect(await get(client, 'order-1')).toEqual({ pk: 'order-1', status: 'placed' });
    });
    expect(existsSync(join(dataDir, 'slice-local-cloud.pid'))).toBe(false);
  });

  it('takes over the claim of a local cloud that no longer runs', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dataDir, 'slice-local-cloud.pid'), String(gone));

    const item = await session({ dataDir }, async (client) => {
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'order-1', status: 'placed' } }));
      return get(client, 'order-1');
    });

    expect(item).toEqual({ pk: 'order-1', status: 'placed' });
  });

  it('keeps nothing across a restart without one', async () => {
    await session({}, (client) =>
      client.send(new PutCommand({ TableName: tableName, Item: { pk: 'order-1', status: 'placed' } })),
    );

    expect(await session({}, (client) => get(client, 'order-1'))).toBeUndefined();
  });
});
