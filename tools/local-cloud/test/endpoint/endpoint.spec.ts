import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AwsEndpoint, createLocalIdentities, startAwsEndpoint } from '../../src/endpoint';
import type { FunctionSpec, PolicyStatement, TableSpec } from '../../src/model';
import { testFunction as fn } from '../aws-fixtures';

const region = 'eu-west-1';
const accountId = '123456789012';

function table(name: string): TableSpec {
  return {
    id: `SliceTest-dev/${name}`,
    stackName: 'SliceTest-dev',
    logicalId: name,
    tableName: `SliceTest-dev-${name}`,
    arn: `arn:aws:dynamodb:${region}:${accountId}:table/SliceTest-dev-${name}`,
    createTableInput: {
      TableName: `SliceTest-dev-${name}`,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  };
}

const orders = table('Orders');
const audit = table('Audit');
const busArn = `arn:aws:events:${region}:${accountId}:event-bus/slice-dev`;

const xray: PolicyStatement = { Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: '*' };
const writer = fn('PlaceOrder', [
  xray,
  {
    Effect: 'Allow',
    Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchWriteItem'],
    Resource: [orders.arn, `${orders.arn}/index/*`],
  },
  { Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn },
  {
    Effect: 'Allow',
    Action: 'ssm:GetParameter*',
    Resource: `arn:aws:ssm:${region}:${accountId}:parameter/slice/dev/*`,
  },
]);
const reader = fn('ListOrders', [
  xray,
  {
    Effect: 'Allow',
    Action: ['dynamodb:Query', 'dynamodb:GetItem'],
    Resource: [orders.arn, `${orders.arn}/index/*`],
  },
]);

describe('startAwsEndpoint', () => {
  const local = createLocalIdentities();
  const logs: string[] = [];
  let aws: AwsEndpoint;

  const documentClient = (caller: FunctionSpec | { accessKeyId: string; secretAccessKey: string }) => {
    const credentials = 'id' in caller ? local.credentialsFor(caller) : caller;
    return DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: aws.url, region, credentials, maxAttempts: 1 }),
    );
  };
  const eventBridge = (caller: FunctionSpec) =>
    new EventBridgeClient({
      endpoint: aws.url,
      region,
      credentials: local.credentialsFor(caller),
      maxAttempts: 1,
    });
  const ssm = (caller: FunctionSpec) =>
    new SSMClient({ endpoint: aws.url, region, credentials: local.credentialsFor(caller), maxAttempts: 1 });

  beforeAll(async () => {
    for (const spec of [writer, reader]) local.credentialsFor(spec);
    aws = await startAwsEndpoint({
      region,
      accountId,
      tables: [orders, audit],
      functions: [writer, reader],
      identities: local.identities,
      parameters: new Map([['/slice/dev/platform/event-bus-name', 'slice-dev']]),
      secrets: new Map([
        [`arn:aws:secretsmanager:${region}:${accountId}:secret:cursor-key-AbCdEf`, 's3cr3t'],
      ]),
      iam: 'enforce',
      log: (text) => logs.push(text),
    });
  });

  afterAll(() => aws.stop());

  describe('DynamoDB', () => {
    it('lets a function write and read its table as its policy allows', async () => {
      const client = documentClient(writer);
      const item = { pk: 'ORDER#1', sk: 'ORDER', gsi1pk: 'CUSTOMER#1', total: 12 };

      await client.send(new PutCommand({ TableName: orders.tableName, Item: item }));
      const { Item } = await client.send(
        new GetCommand({ TableName: orders.tableName, Key: { pk: 'ORDER#1', sk: 'ORDER' } }),
      );

      expect(Item).toEqual(item);
    });

    it('lets a function query an index its policy covers', async () => {
      await documentClient(writer).send(
        new PutCommand({
          TableName: orders.tableName,
          Item: { pk: 'ORDER#2', sk: 'ORDER', gsi1pk: 'CUSTOMER#2' },
        }),
      );

      const { Items } = await documentClient(reader).send(
        new QueryCommand({
          TableName: orders.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :customer',
          ExpressionAttributeValues: { ':customer': 'CUSTOMER#2' },
        }),
      );

      expect(Items).toEqual([{ pk: 'ORDER#2', sk: 'ORDER', gsi1pk: 'CUSTOMER#2' }]);
    });

    it('denies a write the policy lacks with AccessDeniedException, writing nothing', async () => {
      const put = documentClient(reader).send(
        new PutCommand({ TableName: orders.tableName, Item: { pk: 'ORDER#3', sk: 'ORDER' } }),
      );

      await expect(put).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message:
          `User: arn:aws:sts::${accountId}:assumed-role/SliceTest-dev-ListOrdersRole/SliceTest-dev-ListOrders ` +
          `is not authorized to perform: dynamodb:PutItem on resource: ${orders.arn} ` +
          'because no identity-based policy allows the dynamodb:PutItem action',
        $metadata: { httpStatusCode: 400 },
      });
      const { Item } = await documentClient(writer).send(
        new GetCommand({ TableName: orders.tableName, Key: { pk: 'ORDER#3', sk: 'ORDER' } }),
      );
      expect(Item).toBeUndefined();
      expect(logs.some((line) => line.startsWith('IAM denied: SliceTest-dev/ListOrders:'))).toBe(true);
    });

    it("denies access to another table than the policy's", async () => {
      const get = documentClient(reader).send(
        new GetCommand({ TableName: audit.tableName, Key: { pk: 'a', sk: 'b' } }),
      );

      await expect(get).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(audit.arn),
      });
    });

    it('denies a batch write when one of its tables is not allowed', async () => {
      const batch = documentClient(writer).send(
        new BatchWriteCommand({
          RequestItems: {
            [orders.tableName]: [{ PutRequest: { Item: { pk: 'ORDER#4', sk: 'ORDER' } } }],
            [audit.tableName]: [{ PutRequest: { Item: { pk: 'AUDIT#1', sk: 'AUDIT' } } }],
          },
        }),
      );

      await expect(batch).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(`dynamodb:BatchWriteItem on resource: ${audit.arn}`),
      });
    });

    it('checks a transaction item by item before applying it', async () => {
      const transact = (client: DynamoDBDocumentClient) =>
        client.send(
          new TransactWriteCommand({
            TransactItems: [{ Put: { TableName: orders.tableName, Item: { pk: 'ORDER#5', sk: 'ORDER' } } }],
          }),
        );

      await expect(transact(documentClient(reader))).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('dynamodb:PutItem'),
      });
      await transact(documentClient(writer));
      const { Item } = await documentClient(writer).send(
        new GetCommand({ TableName: orders.tableName, Key: { pk: 'ORDER#5', sk: 'ORDER' } }),
      );
      expect(Item).toEqual({ pk: 'ORDER#5', sk: 'ORDER' });
    });

    it('refuses a caller whose access key it does not know', async () => {
      const stranger = documentClient({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' });

      await expect(
        stranger.send(new GetCommand({ TableName: orders.tableName, Key: { pk: 'ORDER#1', sk: 'ORDER' } })),
      ).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
    });

    it('checks the policy of the function as last deployed', async () => {
      const client = documentClient(reader);
      const key = { TableName: orders.tableName, Key: { pk: 'ORDER#1', sk: 'ORDER' } };

      aws.setFunctions([writer, { ...reader, policy: [xray] }]);
      try {
        await expect(client.send(new GetCommand(key))).rejects.toMatchObject({
          name: 'AccessDeniedException',
        });
      } finally {
        aws.setFunctions([writer, reader]);
      }
      await expect(client.send(new GetCommand(key))).resolves.toMatchObject({ Item: { pk: 'ORDER#1' } });
    });

    it('creates tables added later, keeping the data of those that exist', async () => {
      const extra = table('Extra');
      const owner = fn('Extra', [
        { Effect: 'Allow', Action: 'dynamodb:*', Resource: [extra.arn, orders.arn] },
      ]);
      aws.setFunctions([writer, reader, owner]);
      local.credentialsFor(owner);

      await aws.addTables([extra, orders]);
      await documentClient(owner).send(
        new PutCommand({ TableName: extra.tableName, Item: { pk: 'x', sk: 'y' } }),
      );
      const kept = await documentClient(owner).send(
        new GetCommand({ TableName: orders.tableName, Key: { pk: 'ORDER#1', sk: 'ORDER' } }),
      );

      expect(kept.Item).toMatchObject({ total: 12 });
      expect(logs).toContain(`Table ${orders.tableName} (${orders.id}) already exists: its data is kept`);
    });
  });

  describe('EventBridge', () => {
    it('stores the events a function puts, with the calling function', async () => {
      const before = aws.events.length;

      const answer = await eventBridge(writer).send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'slice-dev',
              Source: 'slice.orders',
              DetailType: 'OrderPlaced',
              Detail: JSON.stringify({ id: 'o-1', version: 1 }),
              Time: new Date('2025-03-01T10:00:00.123Z'),
            },
            {
              EventBusName: busArn,
              Source: 'slice.orders',
              DetailType: 'OrderCancelled',
              Detail: '{"id":"o-2"}',
            },
          ],
        }),
      );

      expect(answer.FailedEntryCount).toBe(0);
      const stored = aws.events.slice(before);
      expect(stored).toEqual([
        {
          id: answer.Entries?.[0]?.EventId,
          time: '2025-03-01T10:00:00Z',
          source: 'slice.orders',
          detailType: 'OrderPlaced',
          detail: { id: 'o-1', version: 1 },
          eventBusName: 'slice-dev',
          resources: [],
          functionId: writer.id,
        },
        expect.objectContaining({
          id: answer.Entries?.[1]?.EventId,
          eventBusName: 'slice-dev',
          detailType: 'OrderCancelled',
        }),
      ]);
    });

    it('fails only the entries whose detail is malformed or missing', async () => {
      const before = aws.events.length;

      const answer = await eventBridge(writer).send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'slice-dev',
              Source: 'slice.orders',
              DetailType: 'OrderPlaced',
              Detail: '{"id":"ok"}',
            },
            {
              EventBusName: 'slice-dev',
              Source: 'slice.orders',
              DetailType: 'OrderPlaced',
              Detail: '{not json',
            },
            {
              EventBusName: 'slice-dev',
              Source: 'slice.orders',
              DetailType: 'OrderPlaced',
              Detail: '[1, 2]',
            },
            { EventBusName: 'slice-dev', DetailType: 'OrderPlaced', Detail: '{}' },
          ],
        }),
      );

      expect(answer.FailedEntryCount).toBe(3);
      expect(answer.Entries).toEqual([
        { EventId: expect.any(String) },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
        {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: expect.stringContaining('Source is a required argument'),
        },
      ]);
      expect(aws.events.slice(before).map((event) => event.detail)).toEqual([{ id: 'ok' }]);
    });

    it('refuses more than 10 entries with a ValidationException', async () => {
      const entry = {
        EventBusName: 'slice-dev',
        Source: 'slice.orders',
        DetailType: 'OrderPlaced',
        Detail: '{}',
      };

      await expect(
        eventBridge(writer).send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('refuses entries over 256 KB in all with a ValidationException', async () => {
      const detail = JSON.stringify({ padding: 'x'.repeat(100 * 1024) });
      const entry = {
        EventBusName: 'slice-dev',
        Source: 'slice.orders',
        DetailType: 'OrderPlaced',
        Detail: detail,
      };

      await expect(
        eventBridge(writer).send(new PutEventsCommand({ Entries: [entry, entry, entry] })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Total size of the entries in the request is over the limit.',
      });
    });

    it('denies putting on a bus the policy does not name, storing nothing', async () => {
      const before = aws.events.length;

      const put = eventBridge(writer).send(
        new PutEventsCommand({
          Entries: [{ Source: 'slice.orders', DetailType: 'OrderPlaced', Detail: '{}' }],
        }),
      );

      await expect(put).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(
          `events:PutEvents on resource: arn:aws:events:${region}:${accountId}:event-bus/default`,
        ),
      });
      expect(aws.events.length).toBe(before);
    });
  });

  describe('SSM and Secrets Manager', () => {
    it('answers a parameter the policy allows', async () => {
      const { Parameter } = await ssm(writer).send(
        new GetParameterCommand({ Name: '/slice/dev/platform/event-bus-name' }),
      );

      expect(Parameter).toMatchObject({
        Name: '/slice/dev/platform/event-bus-name',
        Value: 'slice-dev',
        Type: 'String',
        ARN: `arn:aws:ssm:${region}:${accountId}:parameter/slice/dev/platform/event-bus-name`,
      });
    });

    it('answers ParameterNotFound for a missing parameter, and lists missing ones of a batch', async () => {
      await expect(
        ssm(writer).send(new GetParameterCommand({ Name: '/slice/dev/nope' })),
      ).rejects.toMatchObject({
        name: 'ParameterNotFound',
      });
      const batch = await ssm(writer).send(
        new GetParametersCommand({ Names: ['/slice/dev/platform/event-bus-name', '/slice/dev/nope'] }),
      );
      expect(batch.Parameters?.map((parameter) => parameter.Value)).toEqual(['slice-dev']);
      expect(batch.InvalidParameters).toEqual(['/slice/dev/nope']);
    });

    it('denies a parameter the policy does not allow', async () => {
      await expect(
        ssm(reader).send(new GetParameterCommand({ Name: '/slice/dev/platform/event-bus-name' })),
      ).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('ssm:GetParameter'),
      });
    });

    it('answers a secret by name to a function allowed to read it, and denies the others', async () => {
      const secretArn = `arn:aws:secretsmanager:${region}:${accountId}:secret:cursor-key-AbCdEf`;
      const owner = fn('Secretive', [
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn },
      ]);
      aws.setFunctions([writer, reader, owner]);
      const getSecret = (caller: FunctionSpec) =>
        fetch(aws.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'secretsmanager.GetSecretValue',
            authorization: `AWS4-HMAC-SHA256 Credential=${local.credentialsFor(caller).accessKeyId}/20250301/${region}/secretsmanager/aws4_request, SignedHeaders=host, Signature=0`,
          },
          body: JSON.stringify({ SecretId: 'cursor-key' }),
        });

      const allowed = await getSecret(owner);
      const denied = await getSecret(reader);

      expect(allowed.status).toBe(200);
      expect(await allowed.json()).toMatchObject({
        ARN: secretArn,
        Name: 'cursor-key',
        SecretString: 's3cr3t',
      });
      expect(denied.status).toBe(400);
      expect(await denied.json()).toMatchObject({ __type: 'AccessDeniedException' });
    });
  });

  describe('requests it cannot attribute or serve', () => {
    it('answers MissingAuthenticationTokenException to an unsigned request', async () => {
      const response = await fetch(aws.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
        },
        body: '{}',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
        message: 'Request is missing Authentication Token',
      });
    });

    it('names a service it does not emulate, and logs the call', async () => {
      const response = await fetch(aws.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'Kinesis_20131202.PutRecord',
          authorization: `AWS4-HMAC-SHA256 Credential=${local.credentialsFor(writer).accessKeyId}/20250301/${region}/kinesis/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: '{}',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        message: expect.stringContaining('does not emulate Kinesis_20131202.PutRecord'),
      });
      expect(logs.some((line) => line.includes('Kinesis_20131202.PutRecord'))).toBe(true);
    });
  });
});

describe('startAwsEndpoint in warn mode', () => {
  it('lets a call the policy would deny through, and logs the denial', async () => {
    const local = createLocalIdentities();
    const logs: string[] = [];
    const credentials = local.credentialsFor(reader);
    const aws = await startAwsEndpoint({
      region,
      accountId,
      tables: [orders],
      functions: [reader],
      identities: local.identities,
      parameters: new Map(),
      iam: 'warn',
      log: (text) => logs.push(text),
    });
    try {
      const client = DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: aws.url, region, credentials }),
      );

      await client.send(new PutCommand({ TableName: orders.tableName, Item: { pk: 'WARN#1', sk: 'ORDER' } }));
      const { Item } = await client.send(
        new GetCommand({ TableName: orders.tableName, Key: { pk: 'WARN#1', sk: 'ORDER' } }),
      );

      expect(Item).toEqual({ pk: 'WARN#1', sk: 'ORDER' });
      expect(logs).toEqual([
        expect.stringMatching(
          /^IAM \(warn, allowed anyway\): SliceTest-dev\/ListOrders: .* dynamodb:PutItem on resource/,
        ),
      ]);
    } finally {
      await aws.stop();
    }
  });
});
