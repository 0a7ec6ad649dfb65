import { ROLE_ARN, eventOf, harness, historyOf, lambdaArn, types } from './fixtures';

const QUEUE_URL = 'http://localhost:3000/000000000000/kitchen-tickets';

const single = (state: Record<string, unknown>) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'Call',
  States: { Call: { ...state, End: true } },
});

describe('task integrations', () => {
  it('fails the state with Lambda.AWSLambdaException when the role may not invoke the function', async () => {
    // Prepare
    const { sfn, integrations } = harness();
    integrations.denied.add('lambda:InvokeFunction');
    const machine = sfn.putStateMachine({
      name: 'Denied',
      roleArn: ROLE_ARN,
      definition: single({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: lambdaArn('price'), Payload: {} },
      }),
    });

    // Act
    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    const events = await historyOf(sfn, executionArn);

    // Assess
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'ExecutionFailed',
    ]);
    const failed = eventOf(events, 'TaskFailed').taskFailedEventDetails as Record<string, string>;
    expect(failed).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'Lambda.AWSLambdaException',
    });
    expect(failed.cause).toMatch(
      /^User: arn:aws:sts::000000000000:assumed-role\/KitchenWorkflowRole\/session is not authorized to perform: lambda:InvokeFunction on resource: .* \(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    );
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'Lambda.AWSLambdaException',
    });
  });

  it('names a denied DynamoDB call DynamoDB.AmazonDynamoDBException, which a Catch on States.TaskFailed takes', async () => {
    const { sfn, integrations } = harness();
    integrations.denied.add('dynamodb:PutItem');
    const machine = sfn.putStateMachine({
      name: 'DeniedTable',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Save',
        States: {
          Save: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Arguments: { TableName: 'kitchen', Item: { pk: { S: 'o-1' } } },
            Catch: [
              { ErrorEquals: ['States.TaskFailed'], Output: '{% $states.errorOutput %}', Next: 'Failed' },
            ],
            End: true,
          },
          Failed: { Type: 'Pass', End: true },
        },
      },
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    const record = await sfn.whenDone(executionArn);

    expect(integrations.calls[0]).toMatchObject({
      service: 'dynamodb',
      operation: 'PutItem',
      iamAction: 'dynamodb:PutItem',
    });
    expect(JSON.parse(String(record.output))).toMatchObject({ Error: 'DynamoDB.AmazonDynamoDBException' });
    expect(JSON.parse(String(record.output)).Cause).toContain(
      '(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: AccessDeniedException;',
    );
  });

  it('sends SQS, SNS, EventBridge and child-execution bodies as JSON text, and adds the SDK metadata to results', async () => {
    // Prepare
    const { sfn, integrations } = harness();
    integrations.responses.set('SendMessage', { MessageId: 'm-1', MD5OfMessageBody: 'abc' });
    integrations.responses.set('PutEvents', { Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 });
    const machine = sfn.putStateMachine({
      name: 'Messaging',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Queue',
        States: {
          Queue: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage',
            Arguments: { QueueUrl: QUEUE_URL, MessageBody: { orderId: 'o-1' } },
            Assign: { messageId: '{% $states.result.MessageId %}' },
            Next: 'Notify',
          },
          Notify: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sns:publish',
            Arguments: { TopicArn: 'arn:aws:sns:eu-west-1:000000000000:ready', Message: { ready: true } },
            Next: 'Announce',
          },
          Announce: {
            Type: 'Task',
            Resource: 'arn:aws:states:::events:putEvents',
            Arguments: {
              Entries: [
                {
                  Source: 'slice.kitchen',
                  DetailType: 'OrderReady',
                  Detail: { orderId: 'o-1' },
                  EventBusName: 'slice',
                },
              ],
            },
            Next: 'Child',
          },
          Child: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution',
            Arguments: {
              StateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:Delivery',
              Input: { orderId: 'o-1' },
            },
            Output: { messageId: '{% $messageId %}', events: '{% $states.input %}' },
            End: true,
          },
        },
      },
    });

    // Act
    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    const record = await sfn.whenDone(executionArn);

    // Assess
    expect(integrations.calls.map((call) => [call.iamAction, call.request])).toEqual([
      ['sqs:SendMessage', { QueueUrl: QUEUE_URL, MessageBody: '{"orderId":"o-1"}' }],
      ['sns:Publish', { TopicArn: 'arn:aws:sns:eu-west-1:000000000000:ready', Message: '{"ready":true}' }],
      [
        'events:PutEvents',
        {
          Entries: [
            {
              Source: 'slice.kitchen',
              DetailType: 'OrderReady',
              Detail: '{"orderId":"o-1"}',
              EventBusName: 'slice',
            },
          ],
        },
      ],
      [
        'states:StartExecution',
        {
          StateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:Delivery',
          Input: '{"orderId":"o-1"}',
        },
      ],
    ]);
    const output = JSON.parse(String(record.output));
    expect(output.messageId).toBe('m-1');
    expect(output.events).toMatchObject({
      Entries: [{ EventId: 'e-1' }],
      FailedEntryCount: 0,
      SdkHttpMetadata: { HttpStatusCode: 200 },
    });
  });

  it('fails with EventBridge.FailedEntry when PutEvents reports a failed entry', async () => {
    const { sfn, integrations } = harness();
    integrations.responses.set('PutEvents', {
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }],
      FailedEntryCount: 1,
    });
    const machine = sfn.putStateMachine({
      name: 'FailedEntry',
      roleArn: ROLE_ARN,
      definition: single({
        Type: 'Task',
        Resource: 'arn:aws:states:::events:putEvents',
        Arguments: { Entries: [{ Source: 's', DetailType: 'd', Detail: {} }] },
      }),
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });

    expect(await sfn.whenDone(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'EventBridge.FailedEntry',
    });
  });

  it('bounds a request/response task by TimeoutSeconds with TaskTimedOut', async () => {
    const { sfn, clock, integrations } = harness();
    integrations.functions.set('slow', () => new Promise(() => undefined));
    const machine = sfn.putStateMachine({
      name: 'Slow',
      roleArn: ROLE_ARN,
      definition: single({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'slow' },
        TimeoutSeconds: 30,
      }),
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    await clock.advance(30_000);
    const events = await historyOf(sfn, executionArn);

    expect(eventOf(events, 'TaskScheduled').taskScheduledEventDetails).toMatchObject({
      timeoutInSeconds: 30,
    });
    expect(eventOf(events, 'TaskTimedOut').taskTimedOutEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'States.Timeout',
    });
  });

  it('reads TimeoutSecondsPath and HeartbeatSecondsPath from the input', async () => {
    const { sfn, clock, integrations } = harness();
    integrations.functions.set('slow', () => new Promise(() => undefined));
    const machine = sfn.putStateMachine({
      name: 'SlowByPath',
      roleArn: ROLE_ARN,
      definition: {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'slow' },
            TimeoutSecondsPath: '$.limits.timeout',
            HeartbeatSecondsPath: '$.limits.heartbeat',
            End: true,
          },
        },
      },
    });

    const { executionArn } = sfn.startExecution({
      stateMachineArn: machine.arn,
      input: '{"limits":{"timeout":45,"heartbeat":40}}',
    });
    await clock.advance(44_999);
    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
    await clock.advance(1);
    const events = await historyOf(sfn, executionArn);

    expect(eventOf(events, 'TaskScheduled').taskScheduledEventDetails).toMatchObject({
      timeoutInSeconds: 45,
      heartbeatInSeconds: 40,
    });
    expect(eventOf(events, 'TaskTimedOut').taskTimedOutEventDetails).toMatchObject({
      error: 'States.Timeout',
    });
  });
});
