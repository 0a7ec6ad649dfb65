import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsEndpoint, createLocalIdentities, startAwsEndpoint } from '../../src/endpoint';
import { dynamoDbClient, region, testFunction, testTable } from '../aws-fixtures';

const orders = testTable('Orders');
const writer = testFunction('Writer', [
  { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem'], Resource: orders.arn },
]);

/** What the client of a raw request saw: the answer, or the error its connection ended with. */
type Seen =
  | { readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: string }
  | { readonly error: string };

/**
 * A signed `PutItem` whose body arrives in two parts: the first now, the rest when `rest()` is
 * called, so the call is in flight at the endpoint in between.
 */
function slowPutItem(url: string, accessKeyId: string, item: Record<string, unknown>) {
  const body = Buffer.from(JSON.stringify({ TableName: orders.tableName, Item: item }));
  const half = Math.floor(body.length / 2);
  const { hostname, port } = new URL(url);
  let answered: (seen: Seen) => void = () => undefined;
  const seen = new Promise<Seen>((resolve) => (answered = resolve));
  const call = request(
    {
      hostname,
      port,
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(body.length),
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        'x-amz-date': '20260101T000000Z',
        authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
    },
    (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        answered({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
      );
      response.on('error', (error) => answered({ error: error.message }));
    },
  );
  call.on('error', (error) => answered({ error: error.message }));
  call.write(body.subarray(0, half));
  return { seen, rest: () => call.end(body.subarray(half)) };
}

describe('stopping the local AWS endpoint', () => {
  let dataDir: string;
  const local = createLocalIdentities();
  const start = () =>
    startAwsEndpoint({
      region,
      accountId: '123456789012',
      tables: [orders],
      functions: [writer],
      identities: local.identities,
      parameters: new Map(),
      iam: 'enforce',
      dataDir,
    });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'slice-endpoint-drain-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finishes a write in flight before it closes the table, and tells the client the connection ends', async () => {
    // Prepare: a write whose body is still arriving when the endpoint is told to stop.
    const { accessKeyId } = local.credentialsFor(writer);
    const aws: AwsEndpoint = await start();
    const put = slowPutItem(aws.url, accessKeyId, { pk: { S: 'in-flight' } });
    await new Promise((done) => setTimeout(done, 200));

    // Act
    let stopped = false;
    const stopping = aws.stop().then(() => (stopped = true));
    await new Promise((done) => setTimeout(done, 100));
    const stillRunning = !stopped;
    put.rest();
    const seen = await put.seen;
    await stopping;

    // Assess: answered in full, and the item is in the table after a restart on the same data.
    expect(stillRunning).toBe(true);
    expect(seen).toEqual({
      status: 200,
      headers: expect.objectContaining({ connection: 'close' }),
      body: '{}',
    });
    const again = await start();
    try {
      const documents = DynamoDBDocumentClient.from(dynamoDbClient(again.url, local.credentialsFor(writer)));
      const { Item } = await documents.send(
        new GetCommand({ TableName: orders.tableName, Key: { pk: 'in-flight' } }),
      );
      expect(Item).toEqual({ pk: 'in-flight' });
    } finally {
      await again.stop();
    }
  });

  it('stops at once when no call is in flight, closing idle keep-alive connections', async () => {
    const aws = await start();
    const documents = DynamoDBDocumentClient.from(dynamoDbClient(aws.url, local.credentialsFor(writer)));
    await documents.send(new GetCommand({ TableName: orders.tableName, Key: { pk: 'none' } }));

    const began = Date.now();
    await aws.stop();

    expect(Date.now() - began).toBeLessThan(2_000);
    await expect(
      documents.send(new GetCommand({ TableName: orders.tableName, Key: { pk: 'none' } })),
    ).rejects.toThrow(/ECONNREFUSED/);
    documents.destroy();
  });
});
