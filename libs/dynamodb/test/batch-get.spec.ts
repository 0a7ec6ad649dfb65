import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '@slice/contract';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { batchGet, createDocumentClient } from '../src';
import { rejectionOf } from './support';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient();
const TableName = 'menu-prod-Table1A2B3C';
const keyOf = (id: number) => ({ pk: `ITEM#${id}`, sk: 'ITEM' });
const rowOf = (id: number) => ({ ...keyOf(id), id });

beforeEach(() => dynamo.reset());

describe('batchGet', () => {
  it('reads a hundred keys per request, consistently when asked, and returns what it found', async () => {
    dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => {
      const keys = input.RequestItems[TableName]?.Keys ?? [];
      // Every third key names no item.
      const found = keys.filter((_, index) => index % 3 !== 0);
      return { Responses: { [TableName]: found } };
    });
    const keys = Array.from({ length: 150 }, (_, index) => keyOf(index));

    const rows = await batchGet(client, { TableName, Keys: keys, ConsistentRead: true });

    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 2);
    const sizes = dynamo
      .commandCalls(BatchGetCommand)
      .map((call) => call.args[0].input.RequestItems?.[TableName]?.Keys?.length);
    expect(sizes).toEqual([100, 50]);
    expect(
      dynamo.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TableName]?.ConsistentRead,
    ).toBe(true);
    expect(rows).toHaveLength(100 - 34 + (50 - 17));
  });

  it('retries the keys DynamoDB left unprocessed until every one is read', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TableName]: [rowOf(1)] },
        UnprocessedKeys: { [TableName]: { Keys: [keyOf(2), keyOf(3)] } },
      })
      .resolvesOnce({
        Responses: { [TableName]: [rowOf(2)] },
        UnprocessedKeys: { [TableName]: { Keys: [keyOf(3)] } },
      })
      .resolvesOnce({ Responses: { [TableName]: [rowOf(3)] } });

    const rows = await batchGet(client, { TableName, Keys: [keyOf(1), keyOf(2), keyOf(3)], baseDelayMs: 1 });

    expect(rows.map((row) => row.id)).toEqual([1, 2, 3]);
    expect(dynamo.commandCalls(BatchGetCommand)[2]?.args[0].input.RequestItems?.[TableName]?.Keys).toEqual([
      keyOf(3),
    ]);
  });

  it('is a 503 when keys stay unprocessed after its retries, or when DynamoDB throttles', async () => {
    dynamo.on(BatchGetCommand).resolves({ UnprocessedKeys: { [TableName]: { Keys: [keyOf(1)] } } });

    const stuck = await rejectionOf(
      batchGet(client, { TableName, Keys: [keyOf(1)], maxRetries: 2, baseDelayMs: 1 }),
    );
    expect(stuck).toBeInstanceOf(ServiceUnavailableError);
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 3);

    dynamo.reset();
    dynamo.on(BatchGetCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    expect(await rejectionOf(batchGet(client, { TableName, Keys: [keyOf(1)] }))).toBeInstanceOf(
      ServiceUnavailableError,
    );
  });

  it('sends nothing for no keys', async () => {
    expect(await batchGet(client, { TableName, Keys: [] })).toEqual([]);
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 0);
  });
});
