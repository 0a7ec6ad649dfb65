import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { checkTemplate } from '../src';

/** A template from real L2 constructs, changed through the escape hatches a stack can use. */
function templateWith(change: (table: dynamodb.CfnTable, queue: sqs.CfnQueue) => void): unknown {
  const stack = new Stack(new App(), 'Checked');
  const table = new dynamodb.TableV2(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  const queue = new sqs.Queue(stack, 'Queue', { enforceSSL: true });
  change(table.node.defaultChild as dynamodb.CfnTable, queue.node.defaultChild as sqs.CfnQueue);
  return Template.fromStack(stack).toJSON();
}

describe('checkTemplate', () => {
  it('accepts what the L2 constructs synthesize', () => {
    expect(checkTemplate(templateWith(() => undefined))).toEqual([]);
  });

  it('rejects an unknown property set through an override', () => {
    const template = templateWith((table) => table.addPropertyOverride('BillingMod', 'PAY_PER_REQUEST'));

    expect(checkTemplate(template)).toEqual([
      {
        path: expect.stringMatching(/^Resources\.Table[0-9A-F]+\.Properties\.BillingMod$/),
        message: 'AWS::DynamoDB::GlobalTable has no property BillingMod',
      },
    ]);
  });

  it('rejects an unknown property inside a nested type', () => {
    const template = templateWith((table) =>
      table.addPropertyOverride('StreamSpecification.Viewtype', 'KEYS_ONLY'),
    );

    expect(checkTemplate(template).map((problem) => problem.message)).toEqual([
      'StreamSpecification requires StreamViewType',
      'StreamSpecification has no property Viewtype',
    ]);
  });

  it('rejects a value of the wrong type', () => {
    const template = templateWith((_table, queue) => {
      queue.addPropertyOverride('VisibilityTimeout', { seconds: 30 });
      queue.addPropertyOverride('FifoQueue', 'yes');
    });

    expect(checkTemplate(template)).toEqual([
      {
        path: expect.stringMatching(/\.Properties\.VisibilityTimeout$/),
        message: 'expected an integer, got an object with seconds',
      },
      {
        path: expect.stringMatching(/\.Properties\.FifoQueue$/),
        message: 'expected a boolean, got string "yes"',
      },
    ]);
  });

  it('rejects an unknown resource type and takes deploy-time values for any type', () => {
    const template = {
      Resources: {
        Typo: { Type: 'AWS::SQS::Queu', Properties: {} },
        Computed: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: { Ref: 'Timeout' } } },
        Custom: {
          Type: 'Custom::Seed',
          Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Any: 1 },
        },
      },
    };

    expect(checkTemplate(template)).toEqual([
      { path: 'Resources.Typo', message: 'unknown resource type AWS::SQS::Queu' },
    ]);
  });
});
