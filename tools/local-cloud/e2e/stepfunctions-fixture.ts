/**
 * A small service synthesized with aws-cdk-lib for the Step Functions end-to-end tests: a JSONata
 * workflow (DynamoDB put and update, a `.waitForTaskToken` Lambda task answered by another
 * function calling SendTaskSuccess, a ten-minute Wait, EventBridge and SQS), a JSONPath workflow
 * (Pass with an intrinsic, a retry that succeeds, a Catch, a heartbeat time-out, a task whose
 * role lacks the grant) and an Express workflow.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  ArnFormat,
  Duration,
  Stack,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_sqs as sqs,
  aws_logs as logs,
  aws_stepfunctions as sfn,
  aws_stepfunctions_tasks as tasks,
} from 'aws-cdk-lib';

export const STACK = 'SliceFlow-dev';

/** One handler for every fixture function, by `event.action`; it calls Step Functions with its own key. */
const handlerSource = `
const states = async (operation, body) => {
  const response = await fetch(process.env.AWS_ENDPOINT_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AWSStepFunctions.' + operation,
      authorization: 'AWS4-HMAC-SHA256 Credential=' + process.env.AWS_ACCESS_KEY_ID + '/20261201/' + process.env.AWS_REGION + '/states/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};
const failure = (name, message) => Object.assign(new Error(message), { name });
export const handler = async (event) => {
  switch (event.action) {
    case 'flaky':
      if (event.retryCount < 2) throw failure('Flaky', 'attempt ' + event.retryCount + ' failed');
      return { value: 42 };
    case 'fail':
      throw failure('OutOfDough', 'no dough left');
    case 'callback':
      return states('SendTaskSuccess', { taskToken: event.token, output: JSON.stringify({ baked: true, orderId: event.orderId }) });
    case 'park':
      return { parked: true };
    case 'start':
      return states('StartExecution', { stateMachineArn: event.stateMachineArn, input: '{"orderId":"from-a-function"}' });
    default:
      throw failure('UnknownAction', String(event.action));
  }
};
`;

/** The JSONata workflow: what the Kitchen service's order workflow does, in small. */
const kitchenDefinition = (refs: Record<string, string>, restSeconds: number) => ({
  QueryLanguage: 'JSONata',
  Comment: 'Order to oven to courier',
  StartAt: 'Record',
  States: {
    Record: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Arguments: {
        TableName: '${TableName}',
        Item: { pk: { S: '{% $states.input.orderId %}' }, status: { S: 'received' } },
      },
      Assign: { orderId: '{% $states.input.orderId %}' },
      Next: 'Bake',
    },
    Bake: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Arguments: {
        FunctionName: refs.callback,
        Payload: { action: 'callback', token: '{% $states.context.Task.Token %}', orderId: '{% $orderId %}' },
      },
      HeartbeatSeconds: 600,
      TimeoutSeconds: 3600,
      Output: '{% $states.result %}',
      Next: 'Rest',
    },
    Rest: { Type: 'Wait', Seconds: restSeconds, Next: 'MarkBaked' },
    MarkBaked: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Arguments: {
        TableName: '${TableName}',
        Key: { pk: { S: '{% $orderId %}' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'baked' } },
      },
      Next: 'Announce',
    },
    Announce: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Arguments: {
        Entries: [
          {
            EventBusName: refs.bus,
            Source: 'slice.flow',
            DetailType: 'OrderBaked',
            Detail: { orderId: '{% $orderId %}' },
          },
        ],
      },
      Next: 'Enqueue',
    },
    Enqueue: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Arguments: { QueueUrl: refs.queue, MessageBody: { orderId: '{% $orderId %}' } },
      Output: { orderId: '{% $orderId %}', status: 'baked' },
      End: true,
    },
  },
});

/** The JSONPath workflow: a retry that succeeds, a Catch, a heartbeat time-out, a missing grant. */
const pantryDefinition = (refs: Record<string, string>) => ({
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Pass',
      Parameters: { 'orderId.$': '$.orderId', 'count.$': 'States.ArrayLength($.items)' },
      ResultPath: '$.prepared',
      Next: 'Check',
    },
    Check: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: refs.worker,
        Payload: { action: 'flaky', 'retryCount.$': '$$.State.RetryCount' },
      },
      ResultSelector: { 'value.$': '$.Payload.value' },
      ResultPath: '$.check',
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
      Next: 'Burn',
    },
    Burn: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: refs.worker, Payload: { action: 'fail' } },
      Catch: [{ ErrorEquals: ['OutOfDough'], ResultPath: '$.burnt', Next: 'Park' }],
      Next: 'Park',
    },
    Park: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: refs.worker, Payload: { action: 'park', 'token.$': '$$.Task.Token' } },
      HeartbeatSeconds: 60,
      Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.parked', Next: 'Forbidden' }],
      Next: 'Forbidden',
    },
    Forbidden: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: refs.deniedQueue, 'MessageBody.$': '$.prepared' },
      End: true,
    },
  },
});

const quoteDefinition = {
  QueryLanguage: 'JSONata',
  StartAt: 'Quote',
  States: { Quote: { Type: 'Pass', Output: { total: '{% $states.input.n * 2 %}' }, End: true } },
};

function functionOf(stack: Stack, id: string, code: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(code),
  });
}

/**
 * A JSONata workflow built with the CDK's task constructs, as the Kitchen service builds its own:
 * a `.waitForTaskToken` Lambda task with a heartbeat, a Wait of an expression, a conditional
 * DynamoDB update whose `ConditionalCheckFailedException` is caught, an EventBridge event; with
 * logging and tracing, which the local cloud ignores.
 */
function ovenOf(
  stack: Stack,
  refs: { table: dynamodb.TableV2; bus: events.EventBus; callback: lambda.Function },
): sfn.StateMachine {
  const awaitCook = tasks.LambdaInvoke.jsonata(stack, 'AwaitCook', {
    lambdaFunction: refs.callback,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      action: 'callback',
      token: '{% $states.context.Task.Token %}',
      orderId: '{% $states.input.orderId %}',
    }),
    heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(15)),
    assign: { orderId: '{% $states.input.orderId %}' },
  });
  const bake = sfn.Wait.jsonata(stack, 'OvenBake', { time: sfn.WaitTime.seconds('{% 30 + 30 %}') });
  const markReady = tasks.DynamoUpdateItem.jsonata(stack, 'OvenReady', {
    table: refs.table,
    key: { pk: tasks.DynamoAttributeValue.fromString('{% $orderId %}') },
    conditionExpression: 'attribute_exists(pk)',
    updateExpression: 'SET #s = :s',
    expressionAttributeNames: { '#s': 'status' },
    expressionAttributeValues: { ':s': tasks.DynamoAttributeValue.fromString('READY') },
  });
  const missing = tasks.EventBridgePutEvents.jsonata(stack, 'AnnounceMissing', {
    entries: [
      {
        eventBus: refs.bus,
        source: 'slice.flow',
        detailType: 'OrderMissing',
        detail: sfn.TaskInput.fromObject({ orderId: '{% $orderId %}' }),
      },
    ],
  });
  markReady.addCatch(missing.next(sfn.Succeed.jsonata(stack, 'Reported')), {
    errors: ['DynamoDB.ConditionalCheckFailedException'],
  });
  return new sfn.StateMachine(stack, 'Oven', {
    stateMachineName: 'oven',
    queryLanguage: sfn.QueryLanguage.JSONATA,
    definitionBody: sfn.DefinitionBody.fromChainable(awaitCook.next(bake).next(markReady)),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'OvenLogs'), level: sfn.LogLevel.ALL },
  });
}

/** What {@link synthesizeFlow} can change, for the tests that need another version. */
export interface FlowOptions {
  /** Replaces the Kitchen definition (an invalid one, for the start-up error). */
  readonly kitchen?: Record<string, unknown>;
  /** How long the Kitchen's Wait rests. @default 600 */
  readonly restSeconds?: number;
}

/** Synthesizes the fixture service into `<root>/dist/apps/flow/cdk.out`. */
export function synthesizeFlow(root: string, options: FlowOptions = {}): string {
  const code = join(root, 'code', 'flow');
  mkdirSync(code, { recursive: true });
  writeFileSync(join(code, 'index.mjs'), handlerSource);
  const outdir = join(root, 'dist/apps/flow/cdk.out');
  const app = new App({ outdir });
  const stack = new Stack(app, STACK, { env: { region: 'eu-west-1' } });
  const table = new dynamodb.TableV2(stack, 'Orders', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  const queue = new sqs.Queue(stack, 'Couriers');
  const deniedQueue = new sqs.Queue(stack, 'Audit');
  const bus = new events.EventBus(stack, 'Bus');
  const worker = functionOf(stack, 'Worker', code);
  const callback = functionOf(stack, 'Callback', code);
  const starter = functionOf(stack, 'Starter', code);

  const kitchen = new sfn.StateMachine(stack, 'Kitchen', {
    stateMachineName: 'kitchen',
    definitionBody: sfn.DefinitionBody.fromString(
      stack.toJsonString(
        options.kitchen ??
          kitchenDefinition(
            { callback: callback.functionArn, bus: bus.eventBusName, queue: queue.queueUrl },
            options.restSeconds ?? 600,
          ),
      ),
    ),
    definitionSubstitutions: { TableName: table.tableName },
  });
  table.grantReadWriteData(kitchen);
  callback.grantInvoke(kitchen);
  bus.grantPutEventsTo(kitchen);
  queue.grantSendMessages(kitchen);
  // By the name's ARN, not a reference: the Kitchen's definition refers to the callback already.
  callback.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
      resources: ['kitchen', 'oven'].map((resourceName) =>
        stack.formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    }),
  );
  kitchen.grantStartExecution(starter);

  // No name: CloudFormation's generated one. Its role may invoke the worker, not write to the audit queue.
  const pantry = new sfn.StateMachine(stack, 'Pantry', {
    definitionBody: sfn.DefinitionBody.fromString(
      stack.toJsonString(pantryDefinition({ worker: worker.functionArn, deniedQueue: deniedQueue.queueUrl })),
    ),
  });
  worker.grantInvoke(pantry);

  ovenOf(stack, { table, bus, callback });

  new sfn.StateMachine(stack, 'Quote', {
    stateMachineName: 'quote',
    stateMachineType: sfn.StateMachineType.EXPRESS,
    definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(quoteDefinition)),
  });
  app.synth();
  return outdir;
}
