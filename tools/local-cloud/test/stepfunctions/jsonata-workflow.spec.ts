import { ROLE_ARN, eventOf, harness, historyOf, lambdaArn, types } from './fixtures';

/** A kitchen ticket in JSONata, through every state type. */
const definition = {
  QueryLanguage: 'JSONata',
  StartAt: 'Accept',
  States: {
    Accept: {
      Type: 'Pass',
      Assign: {
        orderId: '{% $states.input.orderId %}',
        startedAt: '{% $states.context.Execution.StartTime %}',
      },
      Output: { items: '{% $states.input.items %}' },
      Next: 'Price',
    },
    Price: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: {
        FunctionName: lambdaArn('price'),
        Payload: { orderId: '{% $orderId %}', items: '{% $states.input.items %}' },
      },
      Assign: { total: '{% $states.result.Payload.total %}' },
      Output: '{% $states.input %}',
      Next: 'Prepare',
    },
    Prepare: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Dough',
          States: { Dough: { Type: 'Pass', Output: '{% "dough for " & $orderId %}', End: true } },
        },
        {
          StartAt: 'Toppings',
          States: {
            Toppings: {
              Type: 'Map',
              Items: '{% $states.input.items %}',
              ItemSelector: {
                name: '{% $states.context.Map.Item.Value.name %}',
                index: '{% $states.context.Map.Item.Index %}',
              },
              MaxConcurrency: 1,
              ItemProcessor: {
                StartAt: 'Top',
                States: { Top: { Type: 'Pass', Output: '{% $uppercase($states.input.name) %}', End: true } },
              },
              End: true,
            },
          },
        },
      ],
      Output: { dough: '{% $states.result[0] %}', toppings: '{% $states.result[1] %}' },
      Next: 'Bake',
    },
    Bake: { Type: 'Wait', Seconds: 600, Next: 'Done?' },
    'Done?': {
      Type: 'Choice',
      Choices: [{ Condition: '{% $total > 100 %}', Next: 'TooExpensive' }],
      Default: 'Ready',
    },
    TooExpensive: { Type: 'Fail', Error: 'Kitchen.TooExpensive', Cause: '{% "total " & $string($total) %}' },
    Ready: {
      Type: 'Succeed',
      Output: {
        orderId: '{% $orderId %}',
        total: '{% $total %}',
        dough: '{% $states.input.dough %}',
        toppings: '{% $states.input.toppings %}',
      },
    },
  },
};

const start = (total: number) => {
  const { sfn, clock, integrations } = harness();
  integrations.functions.set('price', () => ({ total }));
  const machine = sfn.putStateMachine({ name: 'KitchenTicket', definition, roleArn: ROLE_ARN });
  const { executionArn } = sfn.startExecution({
    stateMachineArn: machine.arn,
    name: 'order-1',
    input: JSON.stringify({ orderId: 'o-1', items: [{ name: 'basil' }, { name: 'mozzarella' }] }),
  });
  return { sfn, clock, integrations, executionArn };
};

describe('a JSONata state machine', () => {
  it('runs Pass, Task, Parallel, Map, Wait, Choice and Succeed with variables, and records what AWS records', async () => {
    // Prepare
    const { sfn, clock, integrations, executionArn } = start(42);

    // Act
    await clock.advance(10 * 60_000);
    const events = await historyOf(sfn, executionArn);

    // Assess
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({
        orderId: 'o-1',
        total: 42,
        dough: 'dough for o-1',
        toppings: ['BASIL', 'MOZZARELLA'],
      }),
      stopDate: Date.parse('2026-12-01T09:10:00.000Z') / 1000,
    });
    expect(integrations.calls[0]).toMatchObject({
      operation: 'Invoke',
      iamAction: 'lambda:InvokeFunction',
      roleArn: 'arn:aws:iam::000000000000:role/KitchenWorkflowRole',
      request: {
        FunctionName: lambdaArn('price'),
        Payload: { orderId: 'o-1', items: [{ name: 'basil' }, { name: 'mozzarella' }] },
      },
    });
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'PassStateEntered',
      'MapStateEntered',
      'PassStateExited',
      'MapStateStarted',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(eventOf(events, 'PassStateExited').stateExitedEventDetails).toEqual({
      name: 'Accept',
      output: JSON.stringify({ items: [{ name: 'basil' }, { name: 'mozzarella' }] }),
      outputDetails: { truncated: false },
      assignedVariables: { orderId: '"o-1"', startedAt: '"2026-12-01T09:00:00.000Z"' },
      assignedVariablesDetails: { truncated: false },
    });
    expect(eventOf(events, 'TaskScheduled').taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'eu-west-1',
      parameters: JSON.stringify({
        FunctionName: lambdaArn('price'),
        Payload: { orderId: 'o-1', items: [{ name: 'basil' }, { name: 'mozzarella' }] },
      }),
    });
    const succeeded = JSON.parse(
      String(eventOf(events, 'TaskSucceeded').taskSucceededEventDetails?.['output' as never]),
    );
    expect(succeeded).toMatchObject({ ExecutedVersion: '$LATEST', Payload: { total: 42 }, StatusCode: 200 });
    expect(eventOf(events, 'MapStateStarted').mapStateStartedEventDetails).toEqual({ length: 2 });
    expect(eventOf(events, 'MapIterationStarted', 1).mapIterationStartedEventDetails).toEqual({
      name: 'Toppings',
      index: 1,
    });
    expect(eventOf(events, 'WaitStateExited').timestamp).toBe(Date.parse('2026-12-01T09:10:00.000Z') / 1000);
  });

  it('waits on the clock: the Wait state is still running until ten minutes have passed', async () => {
    const { sfn, clock, executionArn } = start(42);

    await clock.advance(9 * 60_000 + 59_000);

    expect(sfn.describeExecution({ executionArn }).status).toBe('RUNNING');
    expect(types(sfn.getExecutionHistory({ executionArn }).events).at(-1)).toBe('WaitStateEntered');
    await clock.advance(1000);
    expect((await sfn.whenDone(executionArn)).status).toBe('SUCCEEDED');
  });

  it('fails the execution from a Fail state with its evaluated error and cause', async () => {
    const { sfn, clock, executionArn } = start(250);

    await clock.advance(10 * 60_000);
    const events = await historyOf(sfn, executionArn);

    expect(types(events).slice(-3)).toEqual(['ChoiceStateExited', 'FailStateEntered', 'ExecutionFailed']);
    expect(eventOf(events, 'ExecutionFailed').executionFailedEventDetails).toEqual({
      error: 'Kitchen.TooExpensive',
      cause: 'total 250',
    });
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'Kitchen.TooExpensive',
      cause: 'total 250',
    });
  });

  it('fails with States.QueryEvaluationError when an expression answers nothing', async () => {
    const { sfn } = harness();
    const machine = sfn.putStateMachine({
      name: 'Broken',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { Type: 'Pass', Output: '{% $states.input.missing %}', End: true } },
      },
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn, input: '{}' });
    const record = await sfn.whenDone(executionArn);

    expect(record).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(record.cause).toContain("'$states.input.missing'");
  });
});
