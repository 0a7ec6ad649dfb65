import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createTable, type Dynalite, startDynalite, tableInputFromTemplate, tableLogicalIds } from '../src';

// What CDK's TableV2 synthesizes (trimmed to one GSI), plus a classic table.
const template = {
  Resources: {
    OrdersTable1A2B3C4D: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byCustomer',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        Replicas: [{ Region: { Ref: 'AWS::Region' }, GlobalSecondaryIndexes: [{ IndexName: 'byCustomer' }] }],
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
      UpdateReplacePolicy: 'Retain',
      DeletionPolicy: 'Retain',
    },
    LegacyTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: { 'Fn::Join': ['-', ['legacy', { Ref: 'AWS::StackName' }]] },
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'createdAt', AttributeType: 'N' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        LocalSecondaryIndexes: [],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byDate',
            KeySchema: [
              { AttributeName: 'id', KeyType: 'HASH' },
              { AttributeName: 'createdAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
            ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          },
        ],
      },
    },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
  },
};

describe('tableInputFromTemplate', () => {
  it('builds the CreateTable input of a TableV2 table', () => {
    expect(tableInputFromTemplate(template, 'OrdersTable1A2B3C4D', 'orders')).toEqual({
      TableName: 'orders',
      AttributeDefinitions: template.Resources.OrdersTable1A2B3C4D.Properties.AttributeDefinitions,
      KeySchema: template.Resources.OrdersTable1A2B3C4D.Properties.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: template.Resources.OrdersTable1A2B3C4D.Properties.GlobalSecondaryIndexes,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('bills a provisioned table on demand and drops index throughput and empty index lists', () => {
    const input = tableInputFromTemplate(template, 'LegacyTable', 'legacy');

    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input).not.toHaveProperty('ProvisionedThroughput');
    expect(input).not.toHaveProperty('LocalSecondaryIndexes');
    expect(input.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byDate',
        KeySchema: [
          { AttributeName: 'id', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
      },
    ]);
  });

  it('names the table after its logical id when its name cannot be resolved', () => {
    expect(tableInputFromTemplate(template, 'LegacyTable').TableName).toBe('LegacyTable');
    expect(tableInputFromTemplate(template, 'OrdersTable1A2B3C4D').TableName).toBe('OrdersTable1A2B3C4D');
  });

  it('keeps a literal table name unless another is asked for', () => {
    const named = {
      Resources: {
        T: {
          Type: 'AWS::DynamoDB::Table',
          Properties: { ...template.Resources.LegacyTable.Properties, TableName: 'legacy' },
        },
      },
    };

    expect(tableInputFromTemplate(named, 'T').TableName).toBe('legacy');
    expect(tableInputFromTemplate(named, 'T', 'legacy-test').TableName).toBe('legacy-test');
  });

  it('copies local secondary indexes with their projection', () => {
    const withLsi = {
      Resources: {
        T: {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: {
            ...template.Resources.OrdersTable1A2B3C4D.Properties,
            LocalSecondaryIndexes: [
              {
                IndexName: 'byStatus',
                KeySchema: [
                  { AttributeName: 'pk', KeyType: 'HASH' },
                  { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'KEYS_ONLY' },
              },
            ],
          },
        },
      },
    };

    expect(tableInputFromTemplate(withLsi, 'T').LocalSecondaryIndexes).toEqual(
      withLsi.Resources.T.Properties.LocalSecondaryIndexes,
    );
  });

  it('lists the tables of the template', () => {
    expect(tableLogicalIds(template)).toEqual(['OrdersTable1A2B3C4D', 'LegacyTable']);
  });

  it('names the tables it has when the logical id is not one of them', () => {
    expect(() => tableInputFromTemplate(template, 'Queue')).toThrow(
      'The template has no DynamoDB table Queue (its tables: OrdersTable1A2B3C4D, LegacyTable).',
    );
    expect(() => tableInputFromTemplate({ Resources: {} }, 'T')).toThrow(
      'The template has no DynamoDB table T (it has no tables).',
    );
  });

  it('refuses something that is not a template', () => {
    expect(() => tableInputFromTemplate({}, 'T')).toThrow('The template has no Resources section.');
  });

  it('names the property it cannot use', () => {
    const broken = {
      Resources: {
        T: {
          Type: 'AWS::DynamoDB::Table',
          Properties: { KeySchema: [{ AttributeName: { Ref: 'Key' }, KeyType: 'HASH' }] },
        },
      },
    };

    expect(() => tableInputFromTemplate(broken, 'T')).toThrow(
      /^The table T cannot be created locally: .*KeySchema\.0\.AttributeName/,
    );
  });
});

describe('startDynalite', () => {
  let db: Dynalite;

  beforeAll(async () => {
    db = await startDynalite();
  });

  afterAll(async () => {
    await db.stop();
  });

  it('listens on a free port of the loopback address and exposes it to the SDK through the environment', () => {
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(db.env).toEqual({
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
  });

  it('creates a table from a template and queries it through its GSI', async () => {
    const table = await createTable(
      db.client,
      tableInputFromTemplate(template, 'OrdersTable1A2B3C4D', 'orders'),
    );
    const order = (id: string, customer: string, placedAt: string) => ({
      pk: `ORDER#${id}`,
      sk: 'ORDER',
      gsi1pk: `CUSTOMER#${customer}`,
      gsi1sk: placedAt,
      id,
    });
    await db.documentClient.send(
      new PutCommand({ TableName: 'orders', Item: order('o-1', 'c-1', '2025-01-02') }),
    );
    await db.documentClient.send(
      new PutCommand({ TableName: 'orders', Item: order('o-2', 'c-2', '2025-01-03') }),
    );
    await db.documentClient.send(
      new PutCommand({ TableName: 'orders', Item: order('o-3', 'c-1', '2025-01-01') }),
    );

    const { Items } = await db.documentClient.send(
      new QueryCommand({
        TableName: 'orders',
        IndexName: 'byCustomer',
        KeyConditionExpression: 'gsi1pk = :customer',
        ExpressionAttributeValues: { ':customer': 'CUSTOMER#c-1' },
      }),
    );

    expect(table.TableStatus).toBe('ACTIVE');
    expect(table.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byCustomer']);
    expect(Items).toEqual([order('o-3', 'c-1', '2025-01-01'), order('o-1', 'c-1', '2025-01-02')]);
  });

  it('keeps data in the table it was written to', async () => {
    await createTable(db.client, tableInputFromTemplate(template, 'LegacyTable', 'legacy'));
    await db.documentClient.send(new PutCommand({ TableName: 'legacy', Item: { id: 'x', createdAt: 1 } }));

    const { Item } = await db.documentClient.send(new GetCommand({ TableName: 'legacy', Key: { id: 'x' } }));

    expect(Item).toEqual({ id: 'x', createdAt: 1 });
  });

  it('rejects creating a table that already exists', async () => {
    await createTable(db.client, tableInputFromTemplate(template, 'LegacyTable', 'twice'));

    await expect(
      createTable(db.client, tableInputFromTemplate(template, 'LegacyTable', 'twice')),
    ).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
  });

  it('starts each dynalite empty', async () => {
    const other = await startDynalite();
    try {
      await expect(
        other.client.send(new DescribeTableCommand({ TableName: 'orders' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    } finally {
      await other.stop();
    }
  });
});
