import { ROLE_ARN, eventOf, harness, historyOf, lambdaArn, types } from './fixtures';

/** The same kind of ticket in JSONPath, through every state type, paths and intrinsics. */
const definition = {
  StartAt: 'Accept',
  States: {
    Accept: {
      Type: 'Pass',
      InputPath: '$.order',
      Parameters: {
        'orderId.$': '$.id',
        'label.$': "States.Format('Order {} for {}', $.id, $.customer)",
        'count.$': 'States.ArrayLength($.items)',
        'execution.$': '$$.Execution.Name',
        'items.$': '$.items',
      },
      Assign: { 'orderId.$': '$.orderId' },
      ResultPath: '$.ticket',
      Next: 'Price',
    },
    Price: {
      Type: 'Task',
      Resource: lambdaArn('price'),
      Parameters: { 'orderId.$': '$orderId', 'items.$': '$.ticket.items' },
      ResultSelector: { 'total.$': '$.total' },
      ResultPath: '$.price',
      OutputPath: '$.ticket',
      Next: 'Prepare',
    },
    Prepare: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Label', States: { Label: { Type: 'Pass', InputPath: '$.label', End: true } } },
        {
          StartAt: 'Toppings',
          States: {
            Toppings: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: 1,
              ItemSelector: { 'name.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
              ItemProcessor: {
                StartAt: 'Top',
                States: {
                  Top: {
                    Type: 'Pass',
                    Parameters: { 'line.$': "States.Format('{}. {}', $.index, $.name)" },
                    OutputPath: '$.line',
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        },
      ],
      ResultSelector: { 'label.$': '$[0]', 'lines.$': '$[1]' },
      Next: 'Bake',
    },
    Bake: { Type: 'Wait', SecondsPath: '$bakeSeconds', Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.lines[0]', IsPresent: true },
            { Variable: '$.label', StringMatches: 'Order * for alice' },
          ],
          Next: 'Ready',
        },
      ],
      Default: 'Rejected',
    },
    Rejected: {
      Type: 'Fail',
      Error: 'Kitchen.Rejected',
      CausePath: "States.Format('No match for {}', $.label)",
    },
    Ready: { Type: 'Succeed', OutputPath: '$.lines' },
  },
};

const run = async (customer: string) => {
  const { sfn, clock, integrations } = harness();
  integrations.functions.set('price', () => ({ total: 17.5, currency: 'EUR' }));
  const machine = sfn.putStateMachine({
    name: 'KitchenTicketJsonPath',
    roleArn: ROLE_ARN,
    definition: {
      ...definition,
      States: { Init: { Type: 'Pass', Assign: { bakeSeconds: 90 }, Next: 'Accept' }, ...definition.States },
      StartAt: 'Init',
    },
  });
  const { executionArn } = sfn.startExecution({
    stateMachineArn: machine.arn,
    name: 'ticket-7',
    input: JSON.stringify({ order: { id: 'o-7', customer, items: ['basil', 'olives'] } }),
  });
  await clock.advance(90_000);
  return { sfn, integrations, executionArn, events: await historyOf(sfn, executionArn) };
};

describe('a JSONPath state machine', () => {
  it('runs every state type with paths, payload templates, intrinsics, the context object and variables', async () => {
    const { sfn, integrations, executionArn, events } = await run('alice');

    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify(['0. basil', '1. olives']),
    });
    expect(integrations.calls[0]?.request).toEqual({
      FunctionName: lambdaArn('price'),
      Payload: { orderId: 'o-7', items: ['basil', 'olives'] },
    });
    expect(eventOf(events, 'PassStateExited', 1).stateExitedEventDetails).toMatchObject({
      name: 'Accept',
      // ResultPath places the result in the state's raw input, not in what InputPath selected.
      output: JSON.stringify({
        order: { id: 'o-7', customer: 'alice', items: ['basil', 'olives'] },
        ticket: {
          orderId: 'o-7',
          label: 'Order o-7 for alice',
          count: 2,
          execution: 'ticket-7',
          items: ['basil', 'olives'],
        },
      }),
      assignedVariables: { orderId: '"o-7"' },
    });
    expect(eventOf(events, 'LambdaFunctionScheduled').lambdaFunctionScheduledEventDetails).toEqual({
      resource: lambdaArn('price'),
      input: JSON.stringify({ orderId: 'o-7', items: ['basil', 'olives'] }),
    });
    expect(eventOf(events, 'LambdaFunctionSucceeded').lambdaFunctionSucceededEventDetails).toEqual({
      output: JSON.stringify({ total: 17.5, currency: 'EUR' }),
      outputDetails: { truncated: false },
    });
    expect(eventOf(events, 'TaskStateExited').stateExitedEventDetails).toMatchObject({
      output: JSON.stringify({
        orderId: 'o-7',
        label: 'Order o-7 for alice',
        count: 2,
        execution: 'ticket-7',
        items: ['basil', 'olives'],
      }),
    });
    expect(types(events)).toEqual(
      expect.arrayContaining([
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'MapIterationSucceeded',
      ]),
    );
    expect(eventOf(events, 'WaitStateExited').timestamp - eventOf(events, 'WaitStateEntered').timestamp).toBe(
      90,
    );
    expect(types(events).slice(-5)).toEqual([
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('takes the Default of a Choice and fails with the cause an intrinsic function formats', async () => {
    const { sfn, executionArn, events } = await run('bob');

    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'Kitchen.Rejected',
      cause: 'No match for Order o-7 for bob',
    });
    expect(types(events).slice(-2)).toEqual(['FailStateEntered', 'ExecutionFailed']);
  });

  it('fails with States.Runtime when a path selects nothing, which no Catch can take', async () => {
    const { sfn } = harness();
    const machine = sfn.putStateMachine({
      name: 'MissingPath',
      roleArn: ROLE_ARN,
      definition: {
        StartAt: 'P',
        States: { P: { Type: 'Pass', Parameters: { 'id.$': '$.order.id' }, End: true } },
      },
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn, input: '{"order":{}}' });
    const record = await sfn.whenDone(executionArn);

    expect(record).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(record.cause).toBe(
      `The JSONPath '$.order.id' specified for the field 'id.$' could not be found in the input '{"order":{}}'`,
    );
  });
});
