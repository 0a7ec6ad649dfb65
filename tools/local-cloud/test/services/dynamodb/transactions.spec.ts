import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactGetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type AwsEndpoint,
  type DynamoDbAnswer,
  createLocalIdentities,
  createStreamStore,
  createTableLocks,
  createTransactions,
  startAwsEndpoint,
} from '../../../src/endpoint';
import type { FunctionSpec, TableSpec } from '../../../src/model';
import { accountId, dynamoDbClient, region, testFunction, testTable } from '../../aws-fixtures';

/** Stream-enabled, as the services' tables are. */
const orders = testTable('Orders', { sortKey: true, viewType: 'NEW_AND_OLD_IMAGES' });
const stock = testTable('Stock', { sortKey: true });

const writer = testFunction('Writer', [
  { Effect: 'Allow', Action: 'dynamodb:*', Resource: [orders.arn, stock.arn] },
]);
/** May put orders and read stock, but not check a condition on stock. */
const placer = testFunction('Placer', [
  { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: orders.arn },
  { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: stock.arn },
]);

describe('DynamoDB transactions of the local AWS endpoint', () => {
  const local = createLocalIdentities();
  let aws: AwsEndpoint;
  let client: DynamoDBDocumentClient;

  const clientFor = (spec: FunctionSpec) =>
    DynamoDBDocumentClient.from(dynamoDbClient(aws.url, local.credentialsFor(spec)));

  beforeAll(async () => {
    aws = await startAwsEndpoint({
      region,
      accountId,
      tables: [orders, stock],
      functions: [writer, placer],
      identities: local.identities,
      parameters: new Map(),
      iam: 'enforce',
      ttlSweepIntervalMs: 0,
    });
    client = clientFor(writer);
  });

  afterAll(() => aws.stop());

  const get = async (spec: TableSpec, pk: string) =>
    (
      await client.send(
        new GetCommand({ TableName: spec.tableName, Key: { pk, sk: 'A' }, ConsistentRead: true }),
      )
    ).Item;
  const put = (spec: TableSpec, item: Record<string, unknown>) =>
    client.send(new PutCommand({ TableName: spec.tableName, Item: { sk: 'A', ...item } }));
  const transact = (input: TransactWriteCommandInput, caller = client) =>
    caller.send(new TransactWriteCommand(input));
  const orderRecords = () =>
    aws.streams.forTable(orders.tableName)?.entries.map((entry) => entry.record) ?? [];

  it('applies every item of a committed transaction and appends their stream records in request order', async () => {
    await put(stock, { pk: 'margherita', count: 5 });
    await put(orders, { pk: 'old-order', status: 'placed' });
    const before = orderRecords().length;

    await transact({
      TransactItems: [
        {
          Put: {
            TableName: orders.tableName,
            Item: { pk: 'order-1', sk: 'A', status: 'placed' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: stock.tableName,
            Key: { pk: 'margherita', sk: 'A' },
            UpdateExpression: 'SET #count = #count - :one',
            ConditionExpression: '#count >= :one',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        { Delete: { TableName: orders.tableName, Key: { pk: 'old-order', sk: 'A' } } },
        {
          ConditionCheck: {
            TableName: stock.tableName,
            Key: { pk: 'missing', sk: 'A' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });

    expect(await get(orders, 'order-1')).toEqual({ pk: 'order-1', sk: 'A', status: 'placed' });
    expect(await get(stock, 'margherita')).toEqual({ pk: 'margherita', sk: 'A', count: 4 });
    expect(await get(orders, 'old-order')).toBeUndefined();
    expect(await get(stock, 'missing')).toBeUndefined();
    const records = orderRecords().slice(before);
    expect(records.map((record) => [record.eventName, record.dynamodb.Keys.pk])).toEqual([
      ['INSERT', { S: 'order-1' }],
      ['REMOVE', { S: 'old-order' }],
    ]);
    expect(records[1]?.dynamodb.OldImage).toEqual({
      pk: { S: 'old-order' },
      sk: { S: 'A' },
      status: { S: 'placed' },
    });
    expect(records[0]?.userIdentity).toBeUndefined();
  });

  it('writes nothing when a condition fails, and names a reason for each item in request order', async () => {
    await put(stock, { pk: 'funghi', count: 0 });
    await put(orders, { pk: 'order-2', status: 'cancelled' });
    const before = orderRecords().length;

    const cancelled = transact({
      TransactItems: [
        { Put: { TableName: orders.tableName, Item: { pk: 'order-3', sk: 'A', status: 'placed' } } },
        {
          Update: {
            TableName: stock.tableName,
            Key: { pk: 'funghi', sk: 'A' },
            UpdateExpression: 'SET #count = #count - :one',
            ConditionExpression: '#count >= :one',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        {
          ConditionCheck: {
            TableName: orders.tableName,
            Key: { pk: 'order-2', sk: 'A' },
            ConditionExpression: '#status = :placed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':placed': 'placed' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    });

    await expect(cancelled).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      message:
        'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, ConditionalCheckFailed]',
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: { pk: { S: 'order-2' }, sk: { S: 'A' }, status: { S: 'cancelled' } },
        },
      ],
    });
    expect(await get(orders, 'order-3')).toBeUndefined();
    expect(await get(stock, 'funghi')).toEqual({ pk: 'funghi', sk: 'A', count: 0 });
    expect(orderRecords().slice(before)).toEqual([]);
  });

  it('cancels with a ValidationError reason when an update does not fit the stored item', async () => {
    await put(orders, { pk: 'order-4', status: 'placed' });

    const cancelled = transact({
      TransactItems: [
        {
          Update: {
            TableName: orders.tableName,
            Key: { pk: 'order-4', sk: 'A' },
            UpdateExpression: 'SET #status = :paid',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':paid': 'paid' },
          },
        },
        {
          Update: {
            TableName: stock.tableName,
            Key: { pk: 'calzone', sk: 'A' },
            UpdateExpression: 'SET #count = #count + :one',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    });

    await expect(cancelled).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ValidationError', Message: expect.stringContaining('does not exist in the item') },
      ],
    });
    // The first update was applied, then rolled back.
    expect(await get(orders, 'order-4')).toEqual({ pk: 'order-4', sk: 'A', status: 'placed' });
    expect(await get(stock, 'calzone')).toBeUndefined();
  });

  it('accepts 100 items and rejects 101 with a ValidationException, writing nothing', async () => {
    const puts = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, index) => ({
        Put: { TableName: stock.tableName, Item: { pk: `${prefix}-${index}`, sk: 'A' } },
      }));

    await expect(transact({ TransactItems: puts(101, 'too-many') })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 100'),
    });
    expect(await get(stock, 'too-many-0')).toBeUndefined();

    await transact({ TransactItems: puts(100, 'hundred') });
    expect(await get(stock, 'hundred-99')).toEqual({ pk: 'hundred-99', sk: 'A' });
  });

  it('rejects two operations on one item with a ValidationException, writing nothing', async () => {
    const twice = transact({
      TransactItems: [
        { Put: { TableName: orders.tableName, Item: { pk: 'order-5', sk: 'A', status: 'placed' } } },
        {
          ConditionCheck: {
            TableName: orders.tableName,
            Key: { pk: 'order-5', sk: 'A' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });

    await expect(twice).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Transaction request cannot include multiple operations on one item',
    });
    expect(await get(orders, 'order-5')).toBeUndefined();
  });

  it('rejects a key that names a non-key attribute with a ValidationException', async () => {
    const extra = transact({
      TransactItems: [
        { Delete: { TableName: stock.tableName, Key: { pk: 'margherita', sk: 'A', count: 5 } } },
      ],
    });

    await expect(extra).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'The provided key element does not match the schema',
    });
  });

  it('applies a request once per client request token and refuses the token for a different request', async () => {
    const increment = (by: number): TransactWriteCommandInput => ({
      ClientRequestToken: 'replay-token-1',
      TransactItems: [
        {
          Update: {
            TableName: stock.tableName,
            Key: { pk: 'counter', sk: 'A' },
            UpdateExpression: 'ADD #count :by',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':by': by },
          },
        },
      ],
    });

    await transact(increment(1));
    await transact(increment(1));
    await Promise.all([transact(increment(1)), transact(increment(1))]);
    expect(await get(stock, 'counter')).toEqual({ pk: 'counter', sk: 'A', count: 1 });

    await expect(transact(increment(2))).rejects.toMatchObject({
      name: 'IdempotentParameterMismatchException',
    });
    expect(await get(stock, 'counter')).toEqual({ pk: 'counter', sk: 'A', count: 1 });

    await transact({ ...increment(1), ClientRequestToken: 'replay-token-2' });
    expect(await get(stock, 'counter')).toEqual({ pk: 'counter', sk: 'A', count: 2 });
  });

  it('reads a consistent snapshot with TransactGetItems while transfers run, answering in request order', async () => {
    await put(stock, { pk: 'left', count: 10 });
    await put(stock, { pk: 'right', count: 0 });
    const move = (from: string, to: string) =>
      transact({
        TransactItems: [
          {
            Update: {
              TableName: stock.tableName,
              Key: { pk: from, sk: 'A' },
              UpdateExpression: 'SET #count = #count - :one',
              ConditionExpression: '#count >= :one',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          {
            Update: {
              TableName: stock.tableName,
              Key: { pk: to, sk: 'A' },
              UpdateExpression: 'SET #count = #count + :one',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
        ],
      });
    const snapshot = () =>
      client.send(
        new TransactGetCommand({
          TransactItems: [
            { Get: { TableName: stock.tableName, Key: { pk: 'right', sk: 'A' } } },
            { Get: { TableName: stock.tableName, Key: { pk: 'nowhere', sk: 'A' } } },
            { Get: { TableName: stock.tableName, Key: { pk: 'left', sk: 'A' } } },
          ],
        }),
      );

    const moves = Array.from({ length: 10 }, () => move('left', 'right'));
    const snapshots = await Promise.all(Array.from({ length: 10 }, () => snapshot()));
    await Promise.all(moves);

    for (const { Responses } of snapshots) {
      expect(Responses?.[0]?.Item?.pk).toBe('right');
      expect(Responses?.[1]).toEqual({});
      expect(Responses?.[2]?.Item?.pk).toBe('left');
      expect(Number(Responses?.[0]?.Item?.count) + Number(Responses?.[2]?.Item?.count)).toBe(10);
    }
    expect(await get(stock, 'right')).toEqual({ pk: 'right', sk: 'A', count: 10 });
  });

  it('never shows a cancelled transaction to a concurrent read', async () => {
    await put(stock, { pk: 'sold-out', count: 0 });
    const attempt = () =>
      transact({
        TransactItems: [
          { Put: { TableName: orders.tableName, Item: { pk: 'phantom', sk: 'A', status: 'placed' } } },
          {
            ConditionCheck: {
              TableName: stock.tableName,
              Key: { pk: 'sold-out', sk: 'A' },
              ConditionExpression: '#count > :zero',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':zero': 0 },
            },
          },
        ],
      }).catch((error: unknown) => error);

    let transacting = true;
    const seen: unknown[] = [];
    const reader = async () => {
      while (transacting) seen.push(await get(orders, 'phantom'));
    };
    const readers = [reader(), reader()];
    const outcomes: unknown[] = [];
    for (let attempts = 0; attempts < 10; attempts += 1) outcomes.push(await attempt());
    transacting = false;
    await Promise.all(readers);

    expect(outcomes.map((outcome) => (outcome instanceof Error ? outcome.name : outcome))).toEqual(
      Array.from({ length: 10 }, () => 'TransactionCanceledException'),
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((item) => item !== undefined)).toEqual([]);
  });

  it('denies a transaction whose caller lacks one item action, writing nothing', async () => {
    const denied = transact(
      {
        TransactItems: [
          { Put: { TableName: orders.tableName, Item: { pk: 'order-6', sk: 'A', status: 'placed' } } },
          {
            ConditionCheck: {
              TableName: stock.tableName,
              Key: { pk: 'margherita', sk: 'A' },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
      },
      clientFor(placer),
    );

    await expect(denied).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`dynamodb:ConditionCheckItem on resource: ${stock.arn}`),
    });
    expect(await get(orders, 'order-6')).toBeUndefined();
  });
});

describe('client request tokens of a transaction still running', () => {
  it('answers TransactionInProgressException to the same token while the first call runs, and applies it once', async () => {
    // A dynalite stand-in whose first write waits until the test lets it go.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writes: string[] = [];
    const call = async (operation: string): Promise<DynamoDbAnswer> => {
      if (operation === 'DescribeTable') {
        return { ok: true, output: { Table: { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] } } };
      }
      if (operation === 'GetItem') return { ok: true, output: {} };
      writes.push(operation);
      await held;
      return { ok: true, output: {} };
    };
    const transactions = createTransactions({
      call,
      locks: createTableLocks(),
      streams: createStreamStore({ region }),
    });
    const request = {
      ClientRequestToken: 'in-progress-token',
      TransactItems: [{ Put: { TableName: 'counters', Item: { pk: { S: 'one' } } } }],
    };

    const first = transactions.write(request);
    while (writes.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await expect(transactions.write(request)).rejects.toMatchObject({
      type: 'com.amazonaws.dynamodb.v20120810#TransactionInProgressException',
    });
    release();
    await expect(first).resolves.toEqual({});

    // Once done, the same call succeeds without writing again.
    await expect(transactions.write(request)).resolves.toEqual({});
    expect(writes).toEqual(['PutItem']);
  });
});
