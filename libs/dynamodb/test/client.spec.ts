import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ServiceUnavailableError } from '@slice/contract';
import { createDocumentClient, mapErrors } from '../src';
import { rejectionOf } from './support';

/**
 * A stand-in DynamoDB endpoint that answers each request as the test says, so the SDK's real
 * retries, timeouts and marshalling run. It is reached only through AWS_ENDPOINT_URL_DYNAMODB,
 * as the local cloud reaches dynalite.
 */
type Answer = (response: ServerResponse) => void;

let server: Server;
let answer: Answer;
const received: Array<{ target: string; body: string }> = [];
const savedEnv = { ...process.env };

const dynamoError =
  (status: number, type: string, message: string): Answer =>
  (response) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify({ __type: type, message }));
  };
const ok =
  (body: unknown): Answer =>
  (response) => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(body));
  };
const hang: Answer = () => undefined;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ target: String(request.headers['x-amz-target']), body });
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});

afterAll(async () => {
  process.env = savedEnv;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

const get = new GetCommand({ TableName: 'orders-prod', Key: { pk: 'ORDER#1', sk: 'ORDER' } });

describe('createDocumentClient', () => {
  it('reaches the endpoint from AWS_ENDPOINT_URL_DYNAMODB and unmarshalls the answer', async () => {
    answer = ok({ Item: { pk: { S: 'ORDER#1' }, total: { N: '900' } } });

    const output = await createDocumentClient().send(get);

    expect(output.Item).toEqual({ pk: 'ORDER#1', total: 900 });
    expect(received).toEqual([
      { target: 'DynamoDB_20120810.GetItem', body: expect.stringContaining('ORDER#1') },
    ]);
  });

  it('drops undefined attributes instead of failing the write', async () => {
    answer = ok({});

    await createDocumentClient().send(
      new PutCommand({ TableName: 'orders-prod', Item: { pk: 'ORDER#1', note: undefined } }),
    );

    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({ Item: { pk: { S: 'ORDER#1' } } });
    expect(received[0]?.body).not.toContain('note');
  });

  it('refuses to store a class instance rather than flattening it silently', async () => {
    answer = ok({});
    class Money {
      constructor(readonly amount: number) {}
    }

    const put = new PutCommand({ TableName: 'orders-prod', Item: { pk: 'ORDER#1', total: new Money(900) } });

    await expect(createDocumentClient().send(put)).rejects.toThrow();
    expect(received).toHaveLength(0);
  });

  it('gives up an attempt after requestTimeoutMs, retries, and then answers 503', async () => {
    answer = hang;
    const client = createDocumentClient({ requestTimeoutMs: 100, maxAttempts: 2 });
    const started = Date.now();

    const error = await rejectionOf(mapErrors(() => client.send(get)));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({
      retryAfterSeconds: 1,
      cause: expect.objectContaining({ name: 'TimeoutError' }),
    });
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries throttling up to maxAttempts, then answers 503 without the table name', async () => {
    answer = dynamoError(
      400,
      'com.amazonaws.dynamodb.v20120810#ThrottlingException',
      'Throughput exceeds the current capacity of your table orders-prod',
    );

    const error = await rejectionOf(mapErrors(() => createDocumentClient({ maxAttempts: 2 }).send(get)));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ retryAfterSeconds: 1 });
    expect(error.message).not.toContain('orders-prod');
    expect(received).toHaveLength(2);
  });

  it('retries a 5xx three times by default, then answers 503', async () => {
    answer = dynamoError(
      500,
      'com.amazonaws.dynamodb.v20120810#InternalServerError',
      'Internal server error',
    );

    const error = await rejectionOf(mapErrors(() => createDocumentClient().send(get)));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(received).toHaveLength(3);
  });

  it('does not retry a failed condition, which is a 409', async () => {
    answer = dynamoError(
      400,
      'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      'The conditional request failed',
    );

    const error = await rejectionOf(mapErrors(() => createDocumentClient().send(get)));

    expect(error).toBeInstanceOf(ConflictError);
    expect(received).toHaveLength(1);
  });

  it('uses a given client as it is, with the house marshalling', async () => {
    answer = dynamoError(
      500,
      'com.amazonaws.dynamodb.v20120810#InternalServerError',
      'Internal server error',
    );
    const client = new DynamoDBClient({ maxAttempts: 1 });

    const documents = createDocumentClient({ client });
    await rejectionOf(documents.send(get));

    expect(received).toHaveLength(1);
    expect(documents.config.translateConfig?.marshallOptions).toMatchObject({
      removeUndefinedValues: true,
      convertClassInstanceToMap: false,
    });
  });

  it('refuses timeout or retry options next to a built client', () => {
    expect(() => createDocumentClient({ client: new DynamoDBClient({}), requestTimeoutMs: 500 })).toThrow(
      TypeError,
    );
  });

  it.each([
    ['requestTimeoutMs', { requestTimeoutMs: 0 }],
    ['connectionTimeoutMs', { connectionTimeoutMs: -5 }],
    ['maxAttempts', { maxAttempts: 0.5 }],
  ])('refuses a %s that is not a positive integer', (_name, options) => {
    expect(() => createDocumentClient(options)).toThrow(RangeError);
  });
});
