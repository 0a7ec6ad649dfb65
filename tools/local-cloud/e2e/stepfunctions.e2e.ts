/**
 * Step Functions in the local cloud, end to end on a synthesized CDK stack: executions started
 * over the local AWS endpoint, tasks calling Lambda, DynamoDB, EventBridge and SQS as the state
 * machine's role, a task token answered by another function, a Wait run by moving the clock, and
 * the histories AWS would record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { TestClock } from '../src/clock';
import type { HistoryEvent } from '../src/services/stepfunctions';
import {
  START,
  arnOf,
  aws,
  driveToEnd,
  driveUntil,
  history,
  states,
  types,
  until,
} from './stepfunctions-calls';
import { synthesizeFlow } from './stepfunctions-fixture';

const TASK = ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'];

describe('Step Functions from a synthesized stack', () => {
  let root: string;
  let cloud: LocalCloud;
  const clock = new TestClock(START);
  const logs: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'local-cloud-sfn-'));
    synthesizeFlow(root);
    cloud = await startLocalCloud({ root, port: 0, clock, log: (line) => logs.push(line) });
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('loads the state machines with their resolved definitions, substitutions and roles', async () => {
    const kitchen = arnOf(cloud, 'Kitchen');
    expect(kitchen).toBe('arn:aws:states:eu-west-1:000000000000:stateMachine:kitchen');
    // CloudFormation's generated name: the logical id and 12 characters.
    expect(arnOf(cloud, 'Pantry')).toMatch(/:stateMachine:Pantry[0-9A-F]{8}-[a-zA-Z0-9]{12}$/);
    const described = await states(cloud, 'DescribeStateMachine', { stateMachineArn: kitchen });
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ name: 'kitchen', type: 'STANDARD', status: 'ACTIVE' });
    const definition = JSON.parse(described.body.definition as string) as {
      States: Record<string, { Arguments: Record<string, unknown> }>;
    };
    const table = cloud.model.tables[0]?.tableName;
    expect(definition.States.Record?.Arguments.TableName).toBe(table);
    expect(definition.States.Bake?.Arguments.FunctionName).toMatch(
      /^arn:aws:lambda:eu-west-1:000000000000:function:/,
    );
    const listed = await states(cloud, 'ListStateMachines', {});
    expect(
      (listed.body.stateMachines as Array<{ name: string; type: string }>).map((m) => [m.name, m.type]),
    ).toEqual(
      expect.arrayContaining([
        ['kitchen', 'STANDARD'],
        ['quote', 'EXPRESS'],
      ]),
    );
  });

  it('runs the JSONata workflow: a task token answered by another function, a Wait on the clock, DynamoDB, EventBridge and SQS', async () => {
    const started = await states(cloud, 'StartExecution', {
      stateMachineArn: arnOf(cloud, 'Kitchen'),
      name: 'order-1',
      input: JSON.stringify({ orderId: 'order-1' }),
    });
    expect(started.status).toBe(200);
    const executionArn = started.body.executionArn as string;
    expect(executionArn).toBe('arn:aws:states:eu-west-1:000000000000:execution:kitchen:order-1');

    await until(cloud, executionArn, 'WaitStateEntered');
    expect((await states(cloud, 'DescribeExecution', { executionArn })).body.status).toBe('RUNNING');
    await clock.advance(10 * 60_000);
    const done = await cloud.stepFunctions.sfn.whenDone(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({ orderId: 'order-1', status: 'baked' });
    const events = (await states(cloud, 'GetExecutionHistory', { executionArn })).body
      .events as HistoryEvent[];
    expect(types(events)).toEqual([
      'ExecutionStarted',
      ...TASK,
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      ...TASK,
      ...TASK,
      ...TASK,
      'ExecutionSucceeded',
    ]);
    const waited = events
      .filter((event) => event.type.startsWith('WaitState'))
      .map((event) => event.timestamp);
    expect((waited[1] ?? 0) - (waited[0] ?? 0)).toBe(600);
    const bake = events.find(
      (event) => event.type === 'TaskScheduled' && JSON.stringify(event).includes('waitForTaskToken'),
    );
    expect(bake?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      heartbeatInSeconds: 600,
      timeoutInSeconds: 3600,
    });
    const tokenAnswer = events.find(
      (event) => event.type === 'TaskSucceeded' && JSON.stringify(event).includes('baked'),
    );
    expect(JSON.parse((tokenAnswer?.taskSucceededEventDetails as { output: string }).output)).toEqual({
      baked: true,
      orderId: 'order-1',
    });

    // What the tasks did, as the state machine's role.
    const item = await aws(cloud, 'DynamoDB_20120810.GetItem', {
      TableName: cloud.model.tables[0]?.tableName,
      Key: { pk: { S: 'order-1' } },
    });
    expect(item.body.Item).toEqual({ pk: { S: 'order-1' }, status: { S: 'baked' } });
    expect(cloud.localEvents({ source: 'slice.flow' }).map((event) => event.detail)).toEqual([
      { orderId: 'order-1' },
    ]);
    const couriers = cloud.endpoint.queues.all().find((queue) => queue.name.includes('Couriers'));
    expect(couriers?.messages().map((message) => JSON.parse(message.body) as unknown)).toEqual([
      { orderId: 'order-1' },
    ]);
  });

  it('runs the JSONPath workflow: a retry that succeeds, a Catch, a heartbeat time-out and a task whose role lacks the grant', async () => {
    const started = await states(cloud, 'StartExecution', {
      stateMachineArn: arnOf(cloud, 'Pantry'),
      input: JSON.stringify({ orderId: 'p-1', items: ['flour', 'yeast'] }),
    });
    const executionArn = started.body.executionArn as string;
    await driveToEnd(cloud, clock, executionArn);
    const events = history(cloud, executionArn);
    const record = cloud.stepFunctions.sfn.describeExecution({ executionArn });

    // Check: failed twice with the function's error, retried after 1 s then 2 s, then succeeded.
    const check = events
      .filter((event) => ['TaskScheduled', 'TaskFailed', 'TaskSucceeded'].includes(event.type))
      .slice(0, 6);
    expect(types(check)).toEqual([
      'TaskScheduled',
      'TaskFailed',
      'TaskScheduled',
      'TaskFailed',
      'TaskScheduled',
      'TaskSucceeded',
    ]);
    expect(check[1]?.taskFailedEventDetails).toMatchObject({
      error: 'Flaky',
      resourceType: 'lambda',
      resource: 'invoke',
    });
    expect((check[2]?.timestamp ?? 0) - (check[1]?.timestamp ?? 0)).toBeGreaterThanOrEqual(1);
    // Burn: the function's error, caught.
    const burnt = events.find(
      (event) =>
        event.type === 'TaskFailed' &&
        (event.taskFailedEventDetails as { error?: string }).error === 'OutOfDough',
    );
    expect(burnt).toBeDefined();
    // Park: submitted, then no heartbeat within 60 s.
    const timedOut = events.find((event) => event.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({
      error: 'States.HeartbeatTimeout',
      resource: 'invoke.waitForTaskToken',
    });
    expect(types(events)).toContain('TaskSubmitted');
    // Forbidden: the role may not send to the audit queue; the execution fails with SQS's error.
    const denied = events.filter((event) => event.type === 'TaskFailed').at(-1)?.taskFailedEventDetails as {
      error: string;
      cause: string;
      resourceType: string;
    };
    expect(denied).toMatchObject({ error: 'SQS.AmazonSQSException', resourceType: 'sqs' });
    expect(denied.cause).toMatch(
      /is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:eu-west-1:000000000000:.*Audit/,
    );
    expect(denied.cause).toMatch(/\(Service: AmazonSQS; Status Code: 400; Error Code: .*AccessDenied/);
    const scheduled = events.filter((event) => event.type === 'TaskScheduled').at(-1)
      ?.taskScheduledEventDetails as { parameters: string };
    expect(JSON.parse(scheduled.parameters)).toMatchObject({ MessageBody: { orderId: 'p-1', count: 2 } });
    expect(types(events).at(-1)).toBe('ExecutionFailed');
    expect(record).toMatchObject({ status: 'FAILED', error: 'SQS.AmazonSQSException' });
  }, 60_000);

  it('keeps a waiting task alive with SendTaskHeartbeat and fails it with SendTaskFailure, over the endpoint', async () => {
    const started = await states(cloud, 'StartExecution', {
      stateMachineArn: arnOf(cloud, 'Pantry'),
      name: 'p-heartbeat',
      input: JSON.stringify({ orderId: 'p-2', items: [] }),
    });
    const executionArn = started.body.executionArn as string;
    await driveUntil(cloud, clock, executionArn, 'TaskSubmitted');
    const parked = history(cloud, executionArn)
      .filter((event) => event.type === 'TaskScheduled')
      .at(-1)?.taskScheduledEventDetails as { parameters: string };
    const taskToken = (JSON.parse(parked.parameters) as { Payload: { token: string } }).Payload.token;

    // Two heartbeats 50 s apart: 100 s in all, the 60 s heartbeat time-out never reached.
    for (let beat = 0; beat < 2; beat++) {
      await clock.advance(50_000);
      expect(await states(cloud, 'SendTaskHeartbeat', { taskToken })).toEqual({ status: 200, body: {} });
    }
    expect(cloud.stepFunctions.sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
    const failed = await states(cloud, 'SendTaskFailure', {
      taskToken,
      error: 'Oven.Broken',
      cause: 'the oven is cold',
    });
    expect(failed).toEqual({ status: 200, body: {} });

    const done = await cloud.stepFunctions.sfn.whenDone(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Oven.Broken', cause: 'the oven is cold' });
    expect(
      history(cloud, executionArn).find(
        (event) =>
          event.type === 'TaskFailed' &&
          event.taskFailedEventDetails !== undefined &&
          (event.taskFailedEventDetails as { error: string }).error === 'Oven.Broken',
      ),
    ).toBeDefined();
    const late = await states(cloud, 'SendTaskSuccess', { taskToken, output: '{}' });
    expect(late).toMatchObject({ status: 400, body: { __type: 'TaskTimedOut' } });
  }, 60_000);

  it('runs a workflow built with the CDK task constructs: a caught ConditionalCheckFailedException, logging and tracing ignored', async () => {
    const started = await states(cloud, 'StartExecution', {
      stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:oven',
      input: JSON.stringify({ orderId: 'o-1' }),
    });
    const executionArn = started.body.executionArn as string;
    await until(cloud, executionArn, 'WaitStateEntered');
    await clock.advance(60_000);
    const done = await cloud.stepFunctions.sfn.whenDone(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    const failed = history(cloud, executionArn).find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({
      resourceType: 'dynamodb',
      resource: 'updateItem',
      error: 'DynamoDB.ConditionalCheckFailedException',
    });
    expect(cloud.localEvents({ detailType: 'OrderMissing' }).map((event) => event.detail)).toEqual([
      { orderId: 'o-1' },
    ]);
    expect(cloud.model.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/SliceFlow-dev\/Oven.* has a LoggingConfiguration/) as unknown,
        expect.stringMatching(/SliceFlow-dev\/Oven.* enables X-Ray tracing/) as unknown,
      ]),
    );
  }, 60_000);

  it('answers StartSyncExecution for an Express workflow', async () => {
    const answer = await states(cloud, 'StartSyncExecution', {
      stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:quote',
      input: '{"n":21}',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'SUCCEEDED', output: '{"total":42}' });
    expect(answer.body.executionArn).toMatch(/^arn:aws:states:eu-west-1:000000000000:express:quote:/);
  });

  it('checks StartExecution against the caller role: allowed on the granted state machine, AccessDenied on another', async () => {
    const starter = cloud.model.functions.find((fn) => fn.logicalId.startsWith('Starter'));
    if (!starter) throw new Error('no Starter function');
    const denied = await cloud.runtime.invoke(starter.id, {
      action: 'start',
      stateMachineArn: arnOf(cloud, 'Pantry'),
    });
    expect(denied).toMatchObject({
      ok: true,
      payload: { status: 400, body: { __type: 'AccessDeniedException' } },
    });
    const message = (denied as { payload: { body: { message: string } } }).payload.body.message;
    expect(message).toMatch(
      /is not authorized to perform: states:StartExecution on resource: arn:aws:states:eu-west-1:000000000000:stateMachine:Pantry/,
    );
    const allowed = await cloud.runtime.invoke(starter.id, {
      action: 'start',
      stateMachineArn: arnOf(cloud, 'Kitchen'),
    });
    expect(allowed).toMatchObject({
      ok: true,
      payload: {
        status: 200,
        body: { executionArn: expect.stringContaining(':execution:kitchen:') as unknown },
      },
    });
    // Cancelled, as the Kitchen service stops an order's workflow: parked in its Wait, it is aborted.
    const executionArn = (allowed as { payload: { body: { executionArn: string } } }).payload.body
      .executionArn;
    await until(cloud, executionArn, 'WaitStateEntered');
    const stopped = await states(cloud, 'StopExecution', { executionArn, cause: 'order cancelled' });
    expect(stopped).toEqual({ status: 200, body: { stopDate: clock.now() / 1000 } });
    const described = await states(cloud, 'DescribeExecution', { executionArn });
    expect(described.body).toMatchObject({ status: 'ABORTED', cause: 'order cancelled' });
    expect(history(cloud, executionArn).at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { cause: 'order cancelled' },
    });
  });

  it('answers the API errors in AWS shapes', async () => {
    const missing = await states(cloud, 'DescribeExecution', {
      executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:kitchen:nope',
    });
    expect(missing).toEqual({
      status: 400,
      body: { __type: 'ExecutionDoesNotExist', message: expect.any(String) as unknown },
    });
    const again = await states(cloud, 'StartExecution', {
      stateMachineArn: arnOf(cloud, 'Kitchen'),
      name: 'order-1',
      input: '{"orderId":"other"}',
    });
    expect(again.body.__type).toBe('ExecutionAlreadyExists');
    const token = await states(cloud, 'SendTaskSuccess', { taskToken: 'not-a-token', output: '{}' });
    expect(token.body.__type).toBe('InvalidToken');
  });

  it('lists executions with their history at GET /_local/executions', async () => {
    const response = await fetch(`${cloud.url}/_local/executions?stateMachine=kitchen`);
    const body = (await response.json()) as {
      executions: Array<{ name: string; status: string; events: unknown[]; stateMachineName: string }>;
    };
    expect(response.status).toBe(200);
    expect(body.executions.map((each) => each.stateMachineName)).toEqual(expect.arrayContaining(['kitchen']));
    expect(new Set(body.executions.map((each) => each.stateMachineName))).toEqual(new Set(['kitchen']));
    const first = body.executions.find((each) => each.name === 'order-1');
    expect(first).toMatchObject({ status: 'SUCCEEDED' });
    expect(first?.events.length).toBeGreaterThan(20);
  });
});
