import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IdempotencyTable, ServiceFunction, ServiceTable } from '../src';
import { fixtureEntry, pizzasStack } from './support';

/** The cdk-nag acknowledgments written on a resource of the template. */
function acknowledgedOn(template: Template, type: string): string[] {
  return Object.values(template.findResources(type)).flatMap(
    (resource: { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string }[] } } }) =>
      resource.Metadata?.cdk_nag?.rules_to_suppress.map((rule) => rule.id) ?? [],
  );
}

const reader = (stack: Stack, id: string) =>
  new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

describe('ServiceTable', () => {
  it('is on-demand, keyed pk/sk, with point-in-time recovery and the AWS managed key', () => {
    const { stack } = pizzasStack('prod');
    new ServiceTable(stack, 'Table');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  it('is protected from deletion and retained outside development', () => {
    const { stack } = pizzasStack('prod');
    new ServiceTable(stack, 'Table');

    Template.fromStack(stack).hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
      }),
    });
  });

  it('is unprotected and destroyed with a development stack', () => {
    const { stack } = pizzasStack('dev');
    new ServiceTable(stack, 'Table');

    Template.fromStack(stack).hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
      }),
    });
  });

  it('keeps a removal policy and protection given in its props', () => {
    const { stack } = pizzasStack('dev');
    new ServiceTable(stack, 'Table', { removalPolicy: RemovalPolicy.RETAIN, deletionProtection: true });

    Template.fromStack(stack).hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
    });
  });

  it('streams the view type it is given, and has no stream otherwise', () => {
    const { stack } = pizzasStack('prod');
    const streamed = new ServiceTable(stack, 'Streamed', {
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    const quiet = new ServiceTable(stack, 'Quiet');

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    template.resourcePropertiesCountIs(
      'AWS::DynamoDB::GlobalTable',
      { StreamSpecification: Match.absent() },
      1,
    );
    expect(streamed.tableStreamArn).toBeDefined();
    expect(quiet.tableStreamArn).toBeUndefined();
  });

  it('takes other keys, a time to live and global secondary indexes', () => {
    const { stack } = pizzasStack('prod');
    new ServiceTable(stack, 'Table', {
      partitionKey: { name: 'tenant', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'at', type: dynamodb.AttributeType.NUMBER },
      timeToLiveAttribute: 'expiresAt',
      globalSecondaryIndexes: [
        {
          indexName: 'byCustomer',
          partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
        },
      ],
    });

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'tenant', KeyType: 'HASH' },
        { AttributeName: 'at', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byCustomer' })],
    });
  });

  it('can be keyed by its partition key alone', () => {
    const { stack } = pizzasStack('prod');
    new ServiceTable(stack, 'Table', { sortKey: false });

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
  });

  it('grants access and acknowledges the index wildcard only when the table has indexes', () => {
    const { stack } = pizzasStack('prod');
    const indexed = new ServiceTable(stack, 'Indexed', {
      globalSecondaryIndexes: [
        {
          indexName: 'byCustomer',
          partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
        },
      ],
    });
    const plain = new ServiceTable(stack, 'Plain');
    indexed.grantReadData(reader(stack, 'IndexedReader'));
    plain.grantReadWriteData(reader(stack, 'PlainWriter'));

    const template = Template.fromStack(stack);
    const indexedId = stack.resolve(
      (indexed.table.node.defaultChild as dynamodb.CfnGlobalTable).logicalId,
    ) as string;
    expect(acknowledgedOn(template, 'AWS::IAM::Policy')).toEqual([
      `AwsSolutions-IAM5[Resource::<${indexedId}.Arn>/index/*]`,
    ]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['dynamodb:Query', 'dynamodb:PutItem']) }),
        ]),
      },
    });
  });

  it('grants stream reads only when the table has a stream', () => {
    const { stack } = pizzasStack('prod');
    const streamed = new ServiceTable(stack, 'Streamed', { stream: dynamodb.StreamViewType.NEW_IMAGE });
    const quiet = new ServiceTable(stack, 'Quiet');
    const nobody = reader(stack, 'Nobody');

    expect(() => quiet.grantStreamRead(nobody)).toThrow(/Quiet has no stream/);
    streamed.grantStreamRead(reader(stack, 'Publisher'));

    expect(acknowledgedOn(Template.fromStack(stack), 'AWS::IAM::Policy')).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
    ]);
  });

  it('needs a stage when it is not inside a ServiceStack', () => {
    expect(() => new ServiceTable(new Stack(new App(), 'Plain'), 'Table')).toThrow(/cannot tell the stage/);
  });
});

describe('IdempotencyTable', () => {
  it('has the shape Powertools idempotency expects', () => {
    const { stack } = pizzasStack('prod');
    new IdempotencyTable(stack, 'Idempotency');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('gives a function the record actions and the table name it reads', () => {
    const { stack } = pizzasStack('prod');
    const idempotency = new IdempotencyTable(stack, 'Idempotency');
    const fn = new ServiceFunction(stack, 'PlaceOrder', { entry: fixtureEntry });

    idempotency.grantIdempotency(fn);

    const template = Template.fromStack(stack);
    const tableId = stack.resolve(
      (idempotency.table.node.defaultChild as dynamodb.CfnGlobalTable).logicalId,
    ) as string;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: { Ref: tableId } }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
          },
        ]),
      },
    });
  }, 30_000);
});
