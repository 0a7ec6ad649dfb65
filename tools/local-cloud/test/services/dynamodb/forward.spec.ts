import { type Dynalite, createTable, startDynalite } from '@slice/emulation';
import { callDynalite, createDynaliteForwarder } from '../../../src/services/dynamodb/forward';

const headersFor = (operation: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `DynamoDB_20120810.${operation}`,
  'x-amz-date': '20260101T000000Z',
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=local',
});

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('dynalite in process', () => {
  let db: Dynalite;

  beforeAll(async () => {
    db = await startDynalite({ region: 'eu-west-1' });
    await createTable(db.client, {
      TableName: 'items',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
  });

  afterAll(() => db.stop());

  it('answers a write and a read with the bytes and checksum it answers over HTTP', async () => {
    // Act
    const put = await callDynalite(
      db.handle,
      headersFor('PutItem'),
      json({ TableName: 'items', Item: { pk: { S: 'a' }, n: { N: '1' } } }),
    );
    const get = json({ TableName: 'items', Key: { pk: { S: 'a' } }, ConsistentRead: true });
    const inProcess = await callDynalite(db.handle, headersFor('GetItem'), get);
    const overHttp = await fetch(db.endpoint, { method: 'POST', headers: headersFor('GetItem'), body: get });

    // Assess
    expect(put.status).toBe(200);
    expect(inProcess.status).toBe(200);
    expect(inProcess.body.toString()).toBe(await overHttp.text());
    expect(JSON.parse(inProcess.body.toString())).toEqual({ Item: { pk: { S: 'a' }, n: { N: '1' } } });
    expect(inProcess.headers['x-amz-crc32']).toBe(overHttp.headers.get('x-amz-crc32'));
    expect(inProcess.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(inProcess.headers['content-length']).toBe(String(inProcess.body.length));
  });

  it("answers dynalite's own errors as it writes them", async () => {
    const forward = createDynaliteForwarder(db.handle);

    const missing = await forward(
      headersFor('GetItem'),
      'GetItem',
      json({ TableName: 'nope', Key: { pk: { S: 'a' } } }),
    );
    const malformed = await forward(headersFor('GetItem'), 'GetItem', Buffer.from('{not json'));

    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body.toString())).toMatchObject({
      __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
    });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body.toString())).toEqual({
      __type: 'com.amazon.coral.service#SerializationException',
    });
  });

  it('sends the operation it is given, whatever target the caller sent', async () => {
    const forward = createDynaliteForwarder(db.handle);

    const answer = await forward(headersFor('GetItem'), 'DescribeTable', json({ TableName: 'items' }));

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ Table: { TableName: 'items' } });
  });
});
