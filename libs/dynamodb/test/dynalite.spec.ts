import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError } from '@slice/contract';
import { createTable, startDynalite, type Dynalite } from '@slice/testing';
import {
  createCursorCodec,
  createDocumentClient,
  key,
  keyPrefix,
  putNew,
  queryPage,
  updateVersioned,
  type PageRequest,
} from '../src';

const TableName = 'orders';
const codec = createCursorCodec('integration-test-secret-0123456789');

let db: Dynalite;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynalite();
  client = createDocumentClient({ client: db.client });
  await createTable(db.client, {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  });
});

afterAll(() => db.stop());

/** Writes `count` orders for a customer, numbered from 1, all in the given status. */
async function seedOrders(customer: string, count: number, status = 'PLACED'): Promise<void> {
  const orders = Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(3, '0');
    return {
      pk: key('CUSTOMER', customer),
      sk: key('ORDER', number),
      gsi1pk: key('STATUS', status),
      gsi1sk: key(customer, number),
      number,
      version: 1,
    };
  });
  for (let start = 0; start < orders.length; start += 25) {
    const batch = orders.slice(start, start + 25);
    await client.send(
      new BatchWriteCommand({
        RequestItems: { [TableName]: batch.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

const ordersOf = (customer: string) => ({
  TableName,
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :order)',
  ExpressionAttributeValues: { ':pk': key('CUSTOMER', customer), ':order': keyPrefix('ORDER') },
});

const pageOf = (customer: string, cursor?: string): PageRequest => ({
  limit: 10,
  cursor,
  codec,
  scope: `orders:customer#${customer}`,
  keyAttributes: ['pk', 'sk'],
});

describe('queryPage against dynalite', () => {
  beforeAll(async () => {
    await seedOrders('alice', 25);
    await seedOrders('bob', 3);
    await seedOrders('carol', 20, 'READY');
  });

  it('reads 25 items in pages of 10, 10 and 5, in sort order, with no cursor at the end', async () => {
    const first = await queryPage(client, ordersOf('alice'), pageOf('alice'));
    const second = await queryPage(client, ordersOf('alice'), pageOf('alice', first.nextCursor));
    const third = await queryPage(client, ordersOf('alice'), pageOf('alice', second.nextCursor));

    expect([first, second, third].map((page) => page.items.length)).toEqual([10, 10, 5]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second.nextCursor).toEqual(expect.any(String));
    expect(third.nextCursor).toBeUndefined();
    const numbers = [first, second, third].flatMap((page) => page.items.map((item) => item.number));
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, index) => String(index + 1).padStart(3, '0')));
  });

  it('reads every item exactly once when the count is a multiple of the limit', async () => {
    const numbers: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await queryPage(client, ordersOf('carol'), pageOf('carol', cursor));
      numbers.push(...page.items.map((item) => item.number));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);

    expect(cursor).toBeUndefined();
    expect(numbers).toHaveLength(20);
    expect(new Set(numbers).size).toBe(20);
  });

  it('pages an index query with a cursor over the table and index keys', async () => {
    const byStatus = {
      TableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :status',
      ExpressionAttributeValues: { ':status': key('STATUS', 'READY') },
    };
    const request = (cursor?: string): PageRequest => ({
      limit: 15,
      cursor,
      codec,
      scope: 'orders:status#READY',
      keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    });

    const first = await queryPage(client, byStatus, request());
    const second = await queryPage(client, byStatus, request(first.nextCursor));

    expect(first.items).toHaveLength(15);
    expect(second.items).toHaveLength(5);
    expect(codec.decode(first.nextCursor ?? '', 'orders:status#READY')).toEqual({
      pk: 'CUSTOMER#carol',
      sk: 'ORDER#015',
      gsi1pk: 'STATUS#READY',
      gsi1sk: 'carol#015',
    });
  });

  it('rejects a forged cursor with a 400 before DynamoDB sees it', async () => {
    const forged = `${Buffer.from(JSON.stringify({ v: 1, k: { pk: 'CUSTOMER#alice', sk: 'ORDER#010' } })).toString('base64url')}.${'A'.repeat(43)}`;

    await expect(queryPage(client, ordersOf('alice'), pageOf('alice', forged))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("rejects alice's cursor in bob's query", async () => {
    const { nextCursor } = await queryPage(client, ordersOf('alice'), pageOf('alice'));

    await expect(queryPage(client, ordersOf('bob'), pageOf('bob', nextCursor))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('putNew and updateVersioned against dynalite', () => {
  const Key = { pk: key('ORDER', 'o-1'), sk: 'ORDER' };
  const read = async () => (await client.send(new GetCommand({ TableName, Key }))).Item;

  beforeAll(async () => {
    await putNew(client, { TableName, Item: { ...Key, status: 'PLACED', note: 'ring twice', version: 1 } });
  });

  it('refuses to create an item that exists, and leaves it unchanged', async () => {
    const again = putNew(client, { TableName, Item: { ...Key, status: 'HIJACKED', version: 1 } });

    await expect(again).rejects.toBeInstanceOf(ConflictError);
    expect(await read()).toMatchObject({ status: 'PLACED', version: 1 });
  });

  it('lets exactly one of two writers of the same version win; the other gets 409', async () => {
    const update = (status: string) =>
      updateVersioned(client, {
        TableName,
        Key,
        expectedVersion: 1,
        changes: { status },
        allowed: ['status', 'note'],
      });

    const results = await Promise.allSettled([update('CANCELLED'), update('READY')]);

    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(ConflictError);
    const winner = won[0]?.value;
    expect(winner).toMatchObject({ version: 2, note: 'ring twice' });
    expect(await read()).toEqual(winner);
  });

  it('applies an update on the current version, raises it and removes cleared fields', async () => {
    const current = await read();

    const updated = await updateVersioned(client, {
      TableName,
      Key,
      expectedVersion: Number(current?.version),
      changes: { status: 'DELIVERED' },
      remove: ['note'],
      allowed: ['status', 'note'],
    });

    expect(updated).toEqual({ ...Key, status: 'DELIVERED', version: Number(current?.version) + 1 });
    expect(await read()).toEqual(updated);
  });

  it('answers 409 for an item that does not exist, and creates nothing', async () => {
    const missing = { pk: key('ORDER', 'nope'), sk: 'ORDER' };

    const update = updateVersioned(client, {
      TableName,
      Key: missing,
      expectedVersion: 1,
      changes: { status: 'READY' },
      allowed: ['status'],
    });

    await expect(update).rejects.toBeInstanceOf(ConflictError);
    expect((await client.send(new GetCommand({ TableName, Key: missing }))).Item).toBeUndefined();
  });
});
