import {
  ConditionalCheckFailedException,
  InternalServerError as DynamoInternalServerError,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ServiceUnavailableError } from '@slice/contract';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { buildUpdate, createDocumentClient, putNew, updateVersioned, type VersionedUpdate } from '../src';
import { rejectionOf } from './support';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = createDocumentClient();
const TableName = 'orders-prod-Table1A2B3C';
const Key = { pk: 'ORDER#o-1', sk: 'ORDER' };

beforeEach(() => dynamo.reset());

describe('buildUpdate', () => {
  it('sets each allowed field through name and value placeholders', () => {
    expect(buildUpdate({ note: 'ring twice', status: 'CANCELLED' }, ['note', 'status', 'total'])).toEqual({
      UpdateExpression: 'SET #u0 = :u0, #u1 = :u1',
      ExpressionAttributeNames: { '#u0': 'note', '#u1': 'status' },
      ExpressionAttributeValues: { ':u0': 'ring twice', ':u1': 'CANCELLED' },
    });
  });

  it('keeps attribute names that are reserved words or odd characters out of the expression', () => {
    const update = buildUpdate({ name: 'x', 'a.b': 1, 'weird #:name': 2 }, ['name', 'a.b', 'weird #:name']);

    expect(update.UpdateExpression).toBe('SET #u0 = :u0, #u1 = :u1, #u2 = :u2');
    expect(Object.values(update.ExpressionAttributeNames)).toEqual(['name', 'a.b', 'weird #:name']);
  });

  it('leaves fields whose value is undefined unchanged', () => {
    expect(buildUpdate({ note: undefined, status: 'READY' }, ['note', 'status'])).toEqual({
      UpdateExpression: 'SET #u0 = :u0',
      ExpressionAttributeNames: { '#u0': 'status' },
      ExpressionAttributeValues: { ':u0': 'READY' },
    });
  });

  it('removes the allowed fields it is told to remove', () => {
    expect(buildUpdate({ status: 'READY' }, ['note', 'status'], { remove: ['note'] })).toEqual({
      UpdateExpression: 'SET #u0 = :u0 REMOVE #u1',
      ExpressionAttributeNames: { '#u0': 'status', '#u1': 'note' },
      ExpressionAttributeValues: { ':u0': 'READY' },
    });
  });

  it('leaves out ExpressionAttributeValues when it only removes (DynamoDB rejects an empty map)', () => {
    expect(buildUpdate({}, ['note'], { remove: ['note'] })).toEqual({
      UpdateExpression: 'REMOVE #u0',
      ExpressionAttributeNames: { '#u0': 'note' },
    });
  });

  it.each([
    ['a key attribute', { pk: 'CUSTOMER#mallory' }],
    ['the version', { version: 99 }],
    ['an owner field', { note: 'x', customerId: 'mallory' }],
    ['a disallowed field even when undefined', { status: undefined }],
  ])('throws on %s outside the allowed fields (mass assignment)', (_case, changes) => {
    expect(() => buildUpdate(changes, ['note'])).toThrow(/may not be updated/);
  });

  it('throws when a removed field is not allowed', () => {
    expect(() => buildUpdate({ note: 'x' }, ['note'], { remove: ['status'] })).toThrow(
      /status may not be updated/,
    );
  });

  it('throws when a field is both set and removed', () => {
    expect(() => buildUpdate({ note: 'x' }, ['note'], { remove: ['note'] })).toThrow(
      /both changed and removed/,
    );
  });

  it('throws when there is nothing to update', () => {
    expect(() => buildUpdate({ note: undefined }, ['note'])).toThrow(/nothing to update/);
  });

  it('throws when changes is not an object', () => {
    expect(() => buildUpdate(null as unknown as Record<string, unknown>, ['note'])).toThrow(TypeError);
  });
});

describe('updateVersioned', () => {
  const update = (overrides: Partial<VersionedUpdate> = {}): VersionedUpdate => ({
    TableName,
    Key,
    expectedVersion: 3,
    changes: { status: 'CANCELLED' },
    allowed: ['status', 'note'],
    ...overrides,
  });

  it('sets the allowed changes and the next version on the expected version only', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...Key, status: 'CANCELLED', version: 4 } });

    const item = await updateVersioned(client, update());

    expect(item).toEqual({ ...Key, status: 'CANCELLED', version: 4 });
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      TableName,
      Key,
      UpdateExpression: 'SET #u0 = :u0, #version = :nextVersion',
      ConditionExpression: 'attribute_exists(#pk) AND #version = :expectedVersion',
      ExpressionAttributeNames: { '#u0': 'status', '#pk': 'pk', '#version': 'version' },
      ExpressionAttributeValues: { ':u0': 'CANCELLED', ':expectedVersion': 3, ':nextVersion': 4 },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('checks the partition key attribute it is given', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: {} });

    await updateVersioned(client, update({ Key: { id: 'o-1' }, partitionKey: 'id' }));

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeNames: expect.objectContaining({ '#pk': 'id' }),
    });
  });

  it('removes allowed fields and still raises the version', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: {} });

    await updateVersioned(client, update({ changes: {}, remove: ['note'] }));

    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET #version = :nextVersion REMOVE #u0',
      ExpressionAttributeNames: { '#u0': 'note', '#pk': 'pk', '#version': 'version' },
    });
  });

  it('maps a failed condition to 409 saying the item changed or does not exist', async () => {
    dynamo.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: `The conditional request failed for ${TableName}`,
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const error = await rejectionOf(updateVersioned(client, update()));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409 });
    expect(error.message).toMatch(/changed .*does not exist/);
    expect(error.message).not.toContain(TableName);
  });

  it('maps throttling after the retries to 503 with Retry-After', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(
        new ThrottlingException({ message: `Rate exceeded for ${TableName}`, $metadata: { attempts: 3 } }),
      );

    const error = await rejectionOf(updateVersioned(client, update()));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ retryAfterSeconds: 1 });
    expect(error.message).not.toContain(TableName);
  });

  it('maps a 5xx to 503', async () => {
    dynamo.on(UpdateCommand).rejects(
      new DynamoInternalServerError({
        message: 'Internal server error',
        $metadata: { httpStatusCode: 500 },
      }),
    );

    await expect(updateVersioned(client, update())).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('maps a timeout to 503', async () => {
    dynamo.on(UpdateCommand).rejects(Object.assign(new Error('request timed out'), { name: 'TimeoutError' }));

    await expect(updateVersioned(client, update())).rejects.toMatchObject({
      status: 503,
      retryAfterSeconds: 1,
    });
  });

  it.each([
    ['a key attribute in the changes', { changes: { pk: 'ORDER#o-2' } }],
    ['the version in the changes', { changes: { version: 1 } }],
    ['an unlisted field in the changes', { changes: { customerId: 'mallory' } }],
    ['a key attribute in allowed', { allowed: ['status', 'sk'] }],
    ['the version in allowed', { allowed: ['status', 'version'] }],
  ])('throws on %s and sends nothing', async (_case, overrides) => {
    await expect(updateVersioned(client, update(overrides))).rejects.toThrow(/may (not|never) be updated/);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it.each([-1, 1.5, Number.NaN])('refuses expectedVersion %s', async (expectedVersion) => {
    await expect(updateVersioned(client, update({ expectedVersion }))).rejects.toThrow(TypeError);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('refuses a Key without the partition key attribute', async () => {
    await expect(updateVersioned(client, update({ Key: { id: 'o-1' } }))).rejects.toThrow(/partition key/);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });
});

describe('putNew', () => {
  const Item = { ...Key, status: 'PLACED', version: 1 };

  it('puts the item only if no item has its key', async () => {
    dynamo.on(PutCommand).resolves({});

    await putNew(client, { TableName, Item });

    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName,
      Item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
    });
  });

  it('maps an existing item to 409 "already exists"', async () => {
    dynamo.on(PutCommand).rejects(
      new ConditionalCheckFailedException({
        message: `The conditional request failed on ${TableName}`,
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const error = await rejectionOf(putNew(client, { TableName, Item }));

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('The item already exists.');
    expect(error.cause).toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('maps throttling to 503', async () => {
    dynamo.on(PutCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    await expect(putNew(client, { TableName, Item })).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('refuses an input with its own condition, or an item without the partition key', async () => {
    const withCondition = { TableName, Item, ConditionExpression: 'attribute_exists(sk)' };

    await expect(putNew(client, withCondition)).rejects.toThrow(TypeError);
    await expect(putNew(client, { TableName, Item: { sk: 'x' } })).rejects.toThrow(/partition key/);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });
});
