import { FunctionFailure, ROLE_ARN, eventOf, harness, historyOf, lambdaArn, types } from './fixtures';

const invoke = (name: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Arguments: { FunctionName: lambdaArn(name), Payload: '{% $states.input %}' },
  Output: '{% $states.result.Payload %}',
});

describe('Retry and Catch', () => {
  it('retries a failing task with backoff on the clock until it succeeds', async () => {
    // Prepare
    const { sfn, clock, integrations } = harness();
    let calls = 0;
    integrations.functions.set('flaky', () => {
      calls += 1;
      if (calls < 3) throw new FunctionFailure('Oven.Busy', `busy ${calls}`);
      return { baked: true, attempts: calls };
    });
    const machine = sfn.putStateMachine({
      name: 'Retrying',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Bake',
        States: {
          Bake: {
            ...invoke('flaky'),
            Output: {
              result: '{% $states.result.Payload %}',
              retries: '{% $states.context.State.RetryCount %}',
            },
            Retry: [{ ErrorEquals: ['Oven.Busy'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3 }],
            End: true,
          },
        },
      },
    });

    // Act
    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn, input: '{}' });
    await clock.advance(1999);
    const callsBeforeFirstInterval = calls;
    await clock.advance(1 + 6000);
    const events = await historyOf(sfn, executionArn);

    // Assess: 2 s, then 2 × 3 = 6 s later the third attempt succeeds
    expect(callsBeforeFirstInterval).toBe(1);
    expect(calls).toBe(3);
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ result: { baked: true, attempts: 3 }, retries: 2 }),
    });
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(eventOf(events, 'TaskFailed').taskFailedEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'Oven.Busy',
      cause: JSON.stringify({ errorType: 'Oven.Busy', errorMessage: 'busy 1', trace: [] }),
    });
    const scheduledAt = events
      .filter((event) => event.type === 'TaskScheduled')
      .map((event) => event.timestamp - events[0]!.timestamp);
    expect(scheduledAt).toEqual([0, 2, 8]);
  });

  it('catches an error the retriers gave up on, with ResultPath, and assigns variables from it', async () => {
    const { sfn, clock, integrations } = harness();
    integrations.functions.set('broken', () => {
      throw new FunctionFailure('Oven.Broken', 'no heat');
    });
    const machine = sfn.putStateMachine({
      name: 'Catching',
      roleArn: ROLE_ARN,
      definition: {
        StartAt: 'Bake',
        States: {
          Bake: {
            Type: 'Task',
            Resource: lambdaArn('broken'),
            Retry: [
              { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1, JitterStrategy: 'FULL' },
            ],
            Catch: [
              { ErrorEquals: ['Oven.Cold'], Next: 'Unreachable' },
              {
                ErrorEquals: ['States.TaskFailed'],
                ResultPath: '$.failure',
                Assign: { 'reason.$': '$.Cause' },
                Next: 'Apologise',
              },
            ],
            End: true,
          },
          Unreachable: { Type: 'Succeed' },
          Apologise: {
            Type: 'Pass',
            Parameters: { 'order.$': '$.order', 'error.$': '$.failure.Error', 'reason.$': '$reason' },
            End: true,
          },
        },
      },
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"order":"o-9"}' });
    await clock.advance(1000);
    const events = await historyOf(sfn, executionArn);

    const cause = JSON.stringify({ errorType: 'Oven.Broken', errorMessage: 'no heat', trace: [] });
    expect(JSON.parse(String(sfn.describeExecution({ executionArn }).output))).toEqual({
      order: 'o-9',
      error: 'Oven.Broken',
      reason: cause,
    });
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    // FULL jitter with the harness's random() = 0.5: half of the 1 s interval
    expect(events[5]!.timestamp - events[4]!.timestamp).toBe(0.5);
    expect(eventOf(events, 'TaskStateExited').stateExitedEventDetails).toMatchObject({
      output: JSON.stringify({ order: 'o-9', failure: { Error: 'Oven.Broken', Cause: cause } }),
      assignedVariables: { reason: JSON.stringify(cause) },
    });
  });

  it('catches in JSONata with Output and Assign reading $states.errorOutput', async () => {
    const { sfn, integrations } = harness();
    integrations.functions.set('broken', () => {
      throw new FunctionFailure('Oven.Broken', 'no heat');
    });
    const machine = sfn.putStateMachine({
      name: 'CatchingJsonata',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Bake',
        States: {
          Bake: {
            ...invoke('broken'),
            Catch: [
              {
                ErrorEquals: ['States.ALL'],
                Output: { failed: '{% $states.errorOutput.Error %}', input: '{% $states.input %}' },
                Assign: { lastError: '{% $states.errorOutput.Error %}' },
                Next: 'Report',
              },
            ],
            End: true,
          },
          Report: {
            Type: 'Pass',
            Output: { failed: '{% $states.input.failed %}', variable: '{% $lastError %}' },
            End: true,
          },
        },
      },
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"order":"o-10"}' });
    await sfn.whenDone(executionArn);

    expect(sfn.describeExecution({ executionArn }).output).toBe(
      JSON.stringify({ failed: 'Oven.Broken', variable: 'Oven.Broken' }),
    );
  });

  it('fails the execution with the task error when nothing catches it', async () => {
    const { sfn, integrations } = harness();
    integrations.functions.set('broken', () => {
      throw new FunctionFailure('Oven.Broken', 'no heat');
    });
    const machine = sfn.putStateMachine({
      name: 'Uncaught',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Bake',
        States: {
          Bake: {
            ...invoke('broken'),
            Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Done' }],
            End: true,
          },
          Done: { Type: 'Succeed' },
        },
      },
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    const events = await historyOf(sfn, executionArn);

    expect(types(events).slice(-2)).toEqual(['TaskFailed', 'ExecutionFailed']);
    expect(eventOf(events, 'ExecutionFailed').executionFailedEventDetails).toMatchObject({
      error: 'Oven.Broken',
    });
  });
});
