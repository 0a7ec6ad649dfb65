/** The idempotency store's own parts, against a mocked DynamoDB: what it writes and what a refusal carries. */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyItemAlreadyExistsError,
} from '@aws-lambda-powertools/idempotency';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { defaultIdempotencyStore } from '../src/idempotency';
import { asRecordOwner, IdempotencyStore, secondsUntilUnlocked } from '../src/idempotency-store';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const storeOf = () =>
  new IdempotencyStore({ tableName: 'idempotency', client: new DynamoDBClient({ region: 'eu-west-1' }) });

describe('secondsUntilUnlocked', () => {
  const inProgress = (inProgressExpiryTimestamp?: number) =>
    new IdempotencyAlreadyInProgressError(
      'in progress',
      new IdempotencyRecord({ idempotencyKey: 'k', status: 'INPROGRESS', inProgressExpiryTimestamp }),
    );

  it('is the whole seconds until the record stops blocking the key, at least one', () => {
    expect(secondsUntilUnlocked(inProgress(10_500), 1_000)).toBe(10);
    expect(secondsUntilUnlocked(inProgress(1_000), 5_000)).toBe(1);
  });

  it('is unknown without an in-progress record that names its expiry', () => {
    expect(secondsUntilUnlocked(inProgress(undefined), 1_000)).toBeUndefined();
    expect(secondsUntilUnlocked(new IdempotencyAlreadyInProgressError('no record'), 1_000)).toBeUndefined();
    expect(secondsUntilUnlocked(new Error('other'), 1_000)).toBeUndefined();
  });
});

describe('IdempotencyStore', () => {
  it("refuses an attempt's write over another request's record with that record", async () => {
    dynamo.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: marshall({
          id: 'stored-key',
          status: 'INPROGRESS',
          expiration: 1_800_000_000,
          in_progress_expiration: 1_800_000_000_500,
          validation: 'hash',
        }),
      }),
    );

    const attempt = asRecordOwner(() => storeOf().saveInProgress({ order: 1 }, 10_000));

    await expect(attempt).rejects.toBeInstanceOf(IdempotencyItemAlreadyExistsError);
    await expect(attempt).rejects.toMatchObject({
      existingRecord: {
        idempotencyKey: 'stored-key',
        expiryTimestamp: 1_800_000_000,
        inProgressExpiryTimestamp: 1_800_000_000_500,
        payloadHash: 'hash',
      },
    });
  });

  it('writes as its owner inside an attempt, and as Powertools does outside one', async () => {
    dynamo.on(PutItemCommand).resolves({});

    await asRecordOwner(() => storeOf().saveInProgress({ order: 1 }, 10_000));
    await storeOf().saveInProgress({ order: 2 }, 10_000);

    const [owned, plain] = dynamo.commandCalls(PutItemCommand).map((call) => call.args[0].input);
    expect(owned?.Item).toHaveProperty('owner');
    expect(owned?.ConditionExpression).toMatch(/#owner = :owner$/);
    // A refused write answers with the record in the way, whose expiry the 409 states.
    expect(owned?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(plain?.Item).not.toHaveProperty('owner');
    expect(plain?.ConditionExpression).not.toMatch(/owner/);
  });
});

describe('IdempotencyStore.releaseOwn', () => {
  it('deletes nothing outside an attempt', async () => {
    dynamo.on(DeleteItemCommand).resolves({});

    await storeOf().releaseOwn({ order: 1 });

    expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(0);
  });

  it("deletes only the attempt's own in-progress record, and leaves another's without an error", async () => {
    // Prepare: the record under the key is not this attempt's, so the condition fails.
    dynamo
      .on(DeleteItemCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    // Act
    const released = asRecordOwner(() => storeOf().releaseOwn({ order: 1 }));

    // Assess
    await expect(released).resolves.toBeUndefined();
    const [deleted] = dynamo.commandCalls(DeleteItemCommand).map((call) => call.args[0].input);
    expect(deleted?.ConditionExpression).toBe('#owner = :owner AND #status = :inprogress');
  });

  it('passes on a failure of the store', async () => {
    dynamo.on(DeleteItemCommand).rejects(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));

    await expect(asRecordOwner(() => storeOf().releaseOwn({ order: 1 }))).rejects.toThrow('timed out');
  });
});

describe('defaultIdempotencyStore', () => {
  const saved = process.env.IDEMPOTENCY_TABLE_NAME;
  afterEach(() => {
    if (saved === undefined) delete process.env.IDEMPOTENCY_TABLE_NAME;
    else process.env.IDEMPOTENCY_TABLE_NAME = saved;
  });

  // First: the store is created once per module, by the first test that asks for it.
  it('keeps its records in the table IDEMPOTENCY_TABLE_NAME names', async () => {
    process.env.IDEMPOTENCY_TABLE_NAME = 'idempotency';
    dynamo.on(PutItemCommand).resolves({});

    await defaultIdempotencyStore().saveInProgress({ order: 1 }, 10_000);

    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.TableName).toBe('idempotency');
  });

  it('needs IDEMPOTENCY_TABLE_NAME, and is one store for the function', () => {
    delete process.env.IDEMPOTENCY_TABLE_NAME;
    expect(() => defaultIdempotencyStore()).toThrow(
      'IDEMPOTENCY_TABLE_NAME is required for routes that take an Idempotency-Key.',
    );
    process.env.IDEMPOTENCY_TABLE_NAME = 'idempotency';
    const store = defaultIdempotencyStore();
    expect(store).toBeInstanceOf(IdempotencyStore);
    expect(defaultIdempotencyStore()).toBe(store);
  });
});
