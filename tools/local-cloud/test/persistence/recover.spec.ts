import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type AwsEndpoint, createLocalIdentities, startAwsEndpoint } from '../../src/endpoint';
import { journalFileName, openLocalState } from '../../src/persistence/state';
import { accountId, dynamoDbClient, region, testFunction, testTable } from '../aws-fixtures';

const orders = testTable('Orders', { viewType: 'NEW_AND_OLD_IMAGES' });
const writer = testFunction('Writer', [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: orders.arn }]);

describe('a write to a stream-enabled table cut off by a crash', () => {
  const local = createLocalIdentities();
  let dataDir: string;
  let logs: string[];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'slice-recover-'));
    logs = [];
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const session = async <T>(work: (client: DynamoDBDocumentClient, aws: AwsEndpoint) => Promise<T>) => {
    const aws = await startAwsEndpoint({
      region,
      accountId,
      tables: [orders],
      functions: [writer],
      identities: local.identities,
      parameters: new Map(),
      iam: 'enforce',
      ttlSweepIntervalMs: 0,
      dataDir,
      log: (line) => logs.push(line),
    });
    const client = DynamoDBDocumentClient.from(dynamoDbClient(aws.url, local.credentialsFor(writer)));
    try {
      return await work(client, aws);
    } finally {
      client.destroy();
      await aws.stop();
    }
  };
  const journal = () => join(dataDir, journalFileName);
  const kinds = () =>
    readFileSync(journal(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line.slice(17)) as { kind: string }).kind);
  /** Cuts the journal's last `count` lines off: what a crash right after the database's commit leaves. */
  const crashBefore = (count: number) => {
    const lines = readFileSync(journal(), 'utf8').trim().split('\n');
    writeFileSync(journal(), `${lines.slice(0, -count).join('\n')}\n`);
  };
  const recordsOf = (aws: AwsEndpoint) =>
    aws.streams
      .forTable(orders.tableName)
      ?.entries.map(({ record }) => [record.eventName, record.dynamodb.Keys]);

  it('gets its record on the next start when the database had committed it', async () => {
    // Prepare: a put, then the journal as a crash after the commit would leave it.
    await session((client) =>
      client.send(new PutCommand({ TableName: orders.tableName, Item: { pk: 'order-1', status: 'placed' } })),
    );
    expect(kinds().slice(-3)).toEqual(['write-begun', 'stream', 'write-done']);
    crashBefore(2);

    // Act
    const records = await session((_client, aws) => Promise.resolve(recordsOf(aws)));

    // Assess
    expect(records).toEqual([['INSERT', { pk: { S: 'order-1' } }]]);
    expect(logs).toContainEqual(
      expect.stringContaining('was committed before a crash without its stream record'),
    );
    expect(kinds().at(-1)).toBe('write-done');
  });

  it('gets the records of every item of a transaction the crash cut off', async () => {
    await session((client) =>
      client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: orders.tableName, Item: { pk: 'order-1', status: 'placed' } } },
            { Put: { TableName: orders.tableName, Item: { pk: 'order-2', status: 'placed' } } },
          ],
        }),
      ),
    );
    expect(kinds().slice(-4)).toEqual(['write-begun', 'stream', 'stream', 'write-done']);
    crashBefore(2);

    const records = await session((_client, aws) => Promise.resolve(recordsOf(aws)));

    expect(records).toEqual([
      ['INSERT', { pk: { S: 'order-1' } }],
      ['INSERT', { pk: { S: 'order-2' } }],
    ]);
  });

  it('gets no record when the crash came before the commit', async () => {
    // Prepare: a started table, then a write journaled as begun that never reached the database.
    await session(() => Promise.resolve());
    const state = openLocalState(dataDir, { sync: false });
    state.writes.begun([{ streamArn: orders.streamArn ?? '', key: { pk: { S: 'order-9' } }, after: '' }]);
    state.close();

    // Act
    const records = await session((_client, aws) => Promise.resolve(recordsOf(aws)));

    // Assess
    expect(records).toEqual([]);
    const reopened = openLocalState(dataDir, { sync: false });
    expect(reopened.writes.pending()).toEqual([]);
    reopened.close();
  });
});
