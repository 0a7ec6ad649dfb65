import './env';
import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext, restApiEvent } from '@slice/testing';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handler as batchGet } from '../src/handlers/batch-get-menu-items';
import { handler as getItem } from '../src/handlers/get-menu-item';
import { handler as updateItem } from '../src/handlers/update-menu-item';

const dynamo = mockClient(DynamoDBDocumentClient);
beforeEach(() => dynamo.reset());

const staff = { sub: 'dana', 'cognito:groups': 'staff' };
const stored = {
  pk: 'ITEM#margherita',
  sk: 'ITEM',
  gsi1pk: 'MENU',
  gsi1sk: 'pizza#margherita#margherita',
  id: 'margherita',
  name: 'Margherita',
  description: 'Tomato, mozzarella, basil.',
  category: 'pizza',
  price: { amount: 900, currency: 'EUR' },
  available: true,
  version: 3,
  updatedAt: '2026-11-01T09:00:00.000Z',
};
const body = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;
const get = (itemId: string) =>
  getItem(
    restApiEvent({
      method: 'GET',
      path: `/menu/items/${itemId}`,
      resource: '/menu/items/{itemId}',
      pathParameters: { itemId },
    }),
    lambdaContext(),
  );
const put = (itemId: string, update: object) =>
  updateItem(
    restApiEvent({
      method: 'PUT',
      path: `/menu/items/${itemId}`,
      resource: '/menu/items/{itemId}',
      pathParameters: { itemId },
      body: update,
      claims: staff,
    }),
    lambdaContext(),
  );
const update = {
  name: 'Margherita',
  description: 'Classic.',
  category: 'pizza',
  price: { amount: 950, currency: 'EUR' },
  available: true,
};

const getMany = (ids: string) =>
  batchGet(
    restApiEvent({ method: 'GET', path: '/menu/items', resource: '/menu/items', query: { ids } }),
    lambdaContext(),
  );

describe('GET /menu/items?ids=', () => {
  it('reads the distinct ids in one BatchGetItem and answers them in the order asked', async () => {
    dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => {
      const [table] = Object.keys(input.RequestItems);
      return { Responses: { [table ?? '']: [stored] } };
    });

    const response = await getMany('no-such-item,margherita,margherita');

    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({
      items: [{ id: 'margherita', version: 3 }],
      missing: ['no-such-item'],
    });
    const keys = dynamo.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems;
    expect(Object.values(keys ?? {})[0]?.Keys).toEqual([
      { pk: 'ITEM#no-such-item', sk: 'ITEM' },
      { pk: 'ITEM#margherita', sk: 'ITEM' },
    ]);
  });

  it('refuses a list it cannot read with a 400 naming the field, reading nothing', async () => {
    for (const ids of [
      '',
      'Margherita',
      'a,,b',
      Array.from({ length: 51 }, (_, index) => `item-${index}`).join(','),
    ]) {
      const response = await getMany(ids);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('ids');
    }
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 0);
  });
});

describe('GET /menu/items/{itemId}', () => {
  it('answers the item without its keys', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored });
    const response = await get('margherita');
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({
      id: 'margherita',
      name: 'Margherita',
      description: 'Tomato, mozzarella, basil.',
      category: 'pizza',
      price: { amount: 900, currency: 'EUR' },
      available: true,
      version: 3,
      updatedAt: '2026-11-01T09:00:00.000Z',
    });
  });

  it('answers 404 for an unknown item', async () => {
    dynamo.on(GetCommand).resolves({});
    expect((await get('calzone')).statusCode).toBe(404);
  });

  it('answers 503 with Retry-After when DynamoDB keeps throttling', async () => {
    dynamo.on(GetCommand).rejects(
      new ProvisionedThroughputExceededException({
        message: 'Rate exceeded for table menu-prod',
        $metadata: {},
      }),
    );
    const response = await get('margherita');
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(response.body).not.toMatch(/menu-prod/);
  });

  it('answers 503 when DynamoDB fails with a 5xx', async () => {
    dynamo.on(GetCommand).rejects(
      new DynamoDBServiceException({
        name: 'InternalServerError',
        $fault: 'server',
        message: 'boom',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    expect((await get('margherita')).statusCode).toBe(503);
  });
});

describe('PUT /menu/items/{itemId}', () => {
  it('replaces the item when the version matches, and bumps it', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored });
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...stored, version: 4 } });
    const response = await put('margherita', { ...update, version: 3 });
    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({ version: 4, price: { amount: 950, currency: 'EUR' } });
    const sent = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(sent?.ConditionExpression).toMatch(/#version = :expectedVersion/);
    expect(sent?.ExpressionAttributeValues).toMatchObject({ ':expectedVersion': 3 });
  });

  it('answers 409 for a stale version without writing', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored });
    const response = await put('margherita', { ...update, version: 2 });
    expect(response.statusCode).toBe(409);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 409 when another writer wins between the read and the write', async () => {
    dynamo.on(GetCommand).resolves({ Item: stored });
    dynamo
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const response = await put('margherita', { ...update, version: 3 });
    expect(response.statusCode).toBe(409);
    expect(body(response).detail).toMatch(/changed since version 3/);
  });

  it('answers 403 to a customer and 400 to a body with a key in it', async () => {
    const customer = await updateItem(
      restApiEvent({
        method: 'PUT',
        path: '/menu/items/margherita',
        resource: '/menu/items/{itemId}',
        pathParameters: { itemId: 'margherita' },
        body: { ...update, version: 3 },
        claims: { sub: 'alice', 'cognito:groups': 'customer' },
      }),
      lambdaContext(),
    );
    expect(customer.statusCode).toBe(403);
    expect((await put('margherita', { ...update, version: 3, pk: 'ITEM#other' })).statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });
});
