import { StepFunctionsError } from '../../src/services/stepfunctions';
import { ROLE_ARN, eventOf, harness, historyOf, lambdaArn, types, thrown } from './fixtures';

/** The cook's step: the workflow hands a token to the kitchen screen and waits for the cook. */
const cookDefinition = (limits: Record<string, number> = {}) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'WaitForCook',
  States: {
    WaitForCook: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Arguments: {
        FunctionName: lambdaArn('notify-cook'),
        Payload: { orderId: '{% $states.input.orderId %}', token: '{% $states.context.Task.Token %}' },
      },
      ...limits,
      End: true,
    },
  },
});

const startCook = (limits?: Record<string, number>) => {
  const { sfn, clock, integrations } = harness();
  const tokens: string[] = [];
  integrations.functions.set('notify-cook', (payload) => {
    tokens.push(String((payload as { token: string }).token));
    return { notified: true };
  });
  const machine = sfn.putStateMachine({
    name: 'Cook',
    roleArn: ROLE_ARN,
    definition: cookDefinition(limits),
  });
  const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"orderId":"o-3"}' });
  return { sfn, clock, tokens, executionArn };
};

describe('a .waitForTaskToken task', () => {
  it('waits until another party sends the token back with SendTaskSuccess, and records TaskSubmitted', async () => {
    // Prepare
    const { sfn, clock, tokens, executionArn } = startCook({ HeartbeatSeconds: 600 });
    await clock.advance(5 * 60_000);
    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');

    // Act: the cook, five minutes later, from another function
    sfn.sendTaskSuccess({ taskToken: tokens[0]!, output: '{"cookedBy":"chef-1"}' });
    const events = await historyOf(sfn, executionArn);

    // Assess
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"cookedBy":"chef-1"}',
    });
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(eventOf(events, 'TaskScheduled').taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      heartbeatInSeconds: 600,
      parameters: JSON.stringify({
        FunctionName: lambdaArn('notify-cook'),
        Payload: { orderId: 'o-3', token: tokens[0] },
      }),
    });
    expect(
      JSON.parse(String(eventOf(events, 'TaskSubmitted').taskSubmittedEventDetails?.['output' as never])),
    ).toMatchObject({
      Payload: { notified: true },
      StatusCode: 200,
    });
    expect(eventOf(events, 'TaskSucceeded').taskSucceededEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      output: '{"cookedBy":"chef-1"}',
      outputDetails: { truncated: false },
    });
  });

  it('fails the task with the error and cause SendTaskFailure gives', async () => {
    const { sfn, clock, tokens, executionArn } = startCook();
    await clock.settle();

    sfn.sendTaskFailure({ taskToken: tokens[0]!, error: 'Kitchen.OutOfDough', cause: 'no dough left' });
    const events = await historyOf(sfn, executionArn);

    expect(eventOf(events, 'TaskFailed').taskFailedEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'Kitchen.OutOfDough',
      cause: 'no dough left',
    });
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'Kitchen.OutOfDough',
    });
  });

  it('times out with States.HeartbeatTimeout when no heartbeat comes within HeartbeatSeconds', async () => {
    // Prepare: heartbeats every 50 s keep it alive, then the cook goes quiet
    const { sfn, clock, tokens, executionArn } = startCook({ HeartbeatSeconds: 60, TimeoutSeconds: 3600 });
    await clock.settle();
    for (let beat = 0; beat < 3; beat++) {
      await clock.advance(50_000);
      sfn.sendTaskHeartbeat({ taskToken: tokens[0]! });
    }
    await clock.advance(59_999);
    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');

    // Act
    await clock.advance(1);
    const events = await historyOf(sfn, executionArn);

    // Assess
    expect(types(events).slice(-2)).toEqual(['TaskTimedOut', 'ExecutionFailed']);
    expect(eventOf(events, 'TaskTimedOut').taskTimedOutEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'States.HeartbeatTimeout',
    });
    expect(eventOf(events, 'TaskTimedOut').timestamp - events[0]!.timestamp).toBe(210);
    expect(() => sfn.sendTaskSuccess({ taskToken: tokens[0]!, output: '{}' })).toThrow(
      new StepFunctionsError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'"),
    );
  });

  it('times out with States.HeartbeatTimeout when no heartbeat ever comes, counted from the task start', async () => {
    const { sfn, clock, executionArn } = startCook({ HeartbeatSeconds: 60 });
    await clock.settle();
    await clock.advance(59_999);
    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');

    await clock.advance(1);
    const events = await historyOf(sfn, executionArn);

    expect(types(events).slice(-2)).toEqual(['TaskTimedOut', 'ExecutionFailed']);
    expect(eventOf(events, 'TaskTimedOut').timestamp - events[0]!.timestamp).toBe(60);
  });

  it('times out with States.Timeout after TimeoutSeconds, heartbeats or not', async () => {
    const { sfn, clock, tokens, executionArn } = startCook({ HeartbeatSeconds: 60, TimeoutSeconds: 100 });
    await clock.settle();
    await clock.advance(50_000);
    sfn.sendTaskHeartbeat({ taskToken: tokens[0]! });

    await clock.advance(50_000);
    const events = await historyOf(sfn, executionArn);

    expect(eventOf(events, 'TaskTimedOut').taskTimedOutEventDetails).toMatchObject({
      error: 'States.Timeout',
    });
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'States.Timeout',
    });
  });

  it('answers InvalidToken for a token it never issued, and InvalidOutput for output that is not JSON', async () => {
    const { sfn, clock, tokens } = startCook();
    await clock.settle();

    expect(thrown(() => sfn.sendTaskHeartbeat({ taskToken: 'not-a-token' }))).toMatchObject({
      code: 'InvalidToken',
    });
    expect(thrown(() => sfn.sendTaskSuccess({ taskToken: tokens[0]!, output: 'cooked' }))).toMatchObject({
      code: 'InvalidOutput',
    });
    expect(() => sfn.sendTaskSuccess({ taskToken: tokens[0]!, output: '"cooked"' })).not.toThrow();
    expect(thrown(() => sfn.sendTaskSuccess({ taskToken: tokens[0]!, output: '"twice"' }))).toMatchObject({
      code: 'TaskTimedOut',
    });
  });
});
