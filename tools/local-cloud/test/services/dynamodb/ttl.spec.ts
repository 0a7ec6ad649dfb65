import {
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Dynalite, createTable, startDynalite } from '@slice/emulation';
import { TestClock } from '../../../src/clock';
import {
  type AwsEndpoint,
  type AwsEndpointOptions,
  createLocalIdentities,
  startAwsEndpoint,
} from '../../../src/endpoint';
import type { TableSpec } from '../../../src/model';
import { type DynamoDbCall, createDynamoDbCaller } from '../../../src/services/dynamodb/dynamodb';
import { createStreamStore } from '../../../src/services/dynamodb/streams';
import { createTableLocks } from '../../../src/services/dynamodb/table-locks';
import { createTimeToLive } from '../../../src/services/dynamodb/ttl';
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

  describe('checks', () => {
    let aws: AwsEndpoint;
    let documents: DynamoDBDocumentClient;

    beforeAll(async () => {
      aws = await start();
      documents = DynamoDBDocumentClient.from(clientOf(aws));
      // The first check scans every table: none has been scanned yet.
      await aws.timeToLive.check();
    });

    afterAll(async () => {
      documents.destroy();
      await aws.stop();
    });

    const expired = (pk: string) => ({ pk, expiresAt: nowSeconds() - 60 });

    it('sweeps a table after a PutItem through the endpoint', async () => {
      await documents.send(new PutCommand({ TableName: sessions.tableName, Item: expired('put') }));

      expect(await aws.timeToLive.check()).toBe(1);
      expect(await aws.timeToLive.check()).toBe(0);
    });

    it('sweeps the tables of a TransactWriteItems through the endpoint', async () => {
      await documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: sessions.arn, Item: expired('transacted') } },
            { Put: { TableName: carts.tableName, Item: { pk: 'cart' } } },
          ],
        }),
      );

      expect(await aws.timeToLive.check()).toBe(1);
    });
  });

  describe('the sweeper between scans', () => {
    let db: Dynalite;
    const scans: string[] = [];
    let call: DynamoDbCall;

    beforeAll(async () => {
      db = await startDynalite({ region });
      await createTable(db.client, sessions.createTableInput);
      const inner = createDynamoDbCaller({ listener: db.handle, region });
      call = (operation, input) => {
        if (operation === 'Scan') scans.push(String(input.TableName));
        return inner(operation, input);
      };
    });

    afterAll(() => db.stop());

    const timeToLive = (clock: TestClock) => {
      const ttl = createTimeToLive({
        call,
        locks: createTableLocks(),
        streams: createStreamStore({ region }),
        intervalMs: 0,
        clock,
      });
      ttl.enable(sessions.tableName, 'expiresAt');
      return ttl;
    };
    const exists = async (pk: string) =>
      (await db.documentClient.send(new GetCommand({ TableName: sessions.tableName, Key: { pk } }))).Item !==
      undefined;

    it('scans nothing until a write, then once, until the clock passes the next expiry', async () => {
      // Prepare: a table scanned once, holding an item that expires in an hour.
      const clock = new TestClock(Date.parse('2027-01-01T00:00:00Z'));
      const ttl = timeToLive(clock);
      const inAnHour = clock.now() / 1000 + 3600;
      await db.documentClient.send(
        new PutCommand({ TableName: sessions.tableName, Item: { pk: 'hour', expiresAt: inAnHour } }),
      );
      await ttl.check();
      const scanned = scans.length;

      // Act and assess: checks without a write or a due item read nothing.
      for (let i = 0; i < 5; i++) expect(await ttl.check()).toBe(0);
      expect(scans).toHaveLength(scanned);
      ttl.written(sessions.tableName);
      expect(await ttl.check()).toBe(0);
      expect(scans).toHaveLength(scanned + 1);
      await clock.advance(3599_000);
      expect(await ttl.check()).toBe(0);
      expect(scans).toHaveLength(scanned + 1);
      await clock.advance(2_000);
      expect(await ttl.check()).toBe(1);
      expect(await exists('hour')).toBe(false);
      expect(await ttl.check()).toBe(0);
      expect(scans).toHaveLength(scanned + 2);
      await ttl.stop();
    });

    it('notes the soonest expiry over every page of the scan', async () => {
      // Prepare: enough items for several scan pages (1 MB each), the soonest on no particular page.
      const clock = new TestClock(Date.parse('2027-06-01T00:00:00Z'));
      const base = clock.now() / 1000;
      const padding = 'x'.repeat(20_000);
      for (let n = 0; n < 120; n++) {
        await db.documentClient.send(
          new PutCommand({
            TableName: sessions.tableName,
            Item: { pk: `page-${n}`, expiresAt: base + (n === 77 ? 60 : 7200 + n), padding },
          }),
        );
      }
      const ttl = timeToLive(clock);
      const before = scans.length;
      await ttl.check();
      expect(scans.length - before).toBeGreaterThan(1);

      // Act: the clock passes the soonest expiry only.
      await clock.advance(61_000);

      // Assess
      expect(await ttl.check()).toBe(1);
      expect(await exists('page-77')).toBe(false);
      expect(await exists('page-78')).toBe(true);
      await ttl.stop();
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
