import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ServiceFunction, ServiceTable, TableStreamSubscription } from '../src';
import { fixtureEntry, pizzasStack } from './support';

describe('TableStreamSubscription', () => {
  const outbox = (window?: Duration) => {
    const { stack } = pizzasStack('dev');
    const table = new ServiceTable(stack, 'Table', { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES });
    const handler = new ServiceFunction(stack, 'Publish', { entry: fixtureEntry });
    new TableStreamSubscription(stack, 'Outbox', {
      table,
      handler,
      ...(window ? { maxBatchingWindow: window } : {}),
    });
    return Template.fromStack(stack);
  };

  it('hands a change to the function as soon as it is read: no batching window', () => {
    outbox().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 0,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
    });
  });

  it('gathers records for the window it is given', () => {
    outbox(Duration.seconds(2)).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumBatchingWindowInSeconds: 2,
    });
  });
});
