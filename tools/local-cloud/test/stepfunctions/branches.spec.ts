import { FunctionFailure, ROLE_ARN, eventOf, harness, historyOf, lambdaArn, types } from './fixtures';

describe('Parallel and Map failures', () => {
  it('fails a Map with the failing iteration’s error, records MapIterationFailed and MapStateFailed, and lets its Catch take it', async () => {
    // Prepare
    const { sfn, integrations } = harness();
    integrations.functions.set('top', (payload) => {
      if (payload === 'anchovies') throw new FunctionFailure('Topping.Refused', 'not on my pizza');
      return payload;
    });
    const machine = sfn.putStateMachine({
      name: 'Toppings',
      roleArn: ROLE_ARN,
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.toppings',
            MaxConcurrency: 1,
            ItemProcessor: {
              StartAt: 'Top',
              States: { Top: { Type: 'Task', Resource: lambdaArn('top'), End: true } },
            },
            Catch: [{ ErrorEquals: ['Topping.Refused'], ResultPath: '$.error', Next: 'Refused' }],
            ResultPath: '$.done',
            End: true,
          },
          Refused: { Type: 'Pass', OutputPath: '$.error.Error', End: true },
        },
      },
    });

    // Act
    const { executionArn } = sfn.startExecution({
      stateMachineArn: machine.arn,
      input: '{"toppings":["basil","anchovies","olives"]}',
    });
    const events = await historyOf(sfn, executionArn);

    // Assess: the third item never starts
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      output: '"Topping.Refused"',
    });
    expect(types(events).filter((type) => type.startsWith('Map'))).toEqual([
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationFailed',
      'MapStateFailed',
      'MapStateExited',
    ]);
    expect(eventOf(events, 'MapIterationFailed').mapIterationFailedEventDetails).toEqual({
      name: 'Each',
      index: 1,
    });
    expect(integrations.calls).toHaveLength(2);
  });

  it('fails a Parallel with the failing branch’s error and stops the other branch', async () => {
    const { sfn, clock } = harness();
    const machine = sfn.putStateMachine({
      name: 'Fork',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Fork',
        States: {
          Fork: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 3600, End: true } } },
              {
                StartAt: 'Boom',
                States: { Boom: { Type: 'Fail', Error: 'Oven.Exploded', Cause: 'too hot' } },
              },
            ],
            End: true,
          },
        },
      },
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    const events = await historyOf(sfn, executionArn);

    expect(types(events).slice(-3)).toEqual(['FailStateEntered', 'ParallelStateFailed', 'ExecutionFailed']);
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'Oven.Exploded',
      cause: 'too hot',
    });
    expect(clock.pending).toBe(0);
  });
});

describe('JSONPath Choice rules', () => {
  const route = async (input: unknown) => {
    const { sfn } = harness();
    const machine = sfn.putStateMachine({
      name: 'Router',
      roleArn: ROLE_ARN,
      definition: {
        StartAt: 'Route',
        States: {
          Route: {
            Type: 'Choice',
            Choices: [
              { Variable: '$.note', IsNull: true, Next: 'NoNote' },
              { Variable: '$.size', NumericGreaterThanEqualsPath: '$.limits.large', Next: 'Large' },
              {
                Or: [
                  { Variable: '$.due', TimestampLessThan: '2026-12-01T12:00:00Z' },
                  { Not: { Variable: '$.rush', BooleanEquals: false } },
                ],
                Next: 'Soon',
              },
            ],
            Default: 'Later',
          },
          NoNote: { Type: 'Pass', Result: 'no-note', End: true },
          Large: { Type: 'Pass', Result: 'large', End: true },
          Soon: { Type: 'Pass', Result: 'soon', End: true },
          Later: { Type: 'Pass', Result: 'later', End: true },
        },
      },
    });
    const { executionArn } = sfn.startExecution({
      stateMachineArn: machine.arn,
      input: JSON.stringify(input),
    });
    return (await sfn.whenDone(executionArn)).output;
  };
  const base = { note: 'x', size: 30, limits: { large: 40 }, due: '2026-12-01T18:00:00Z', rush: false };

  it.each<[string, Record<string, unknown>, string]>([
    ['IsNull', { note: null }, '"no-note"'],
    ['NumericGreaterThanEqualsPath', { size: 40 }, '"large"'],
    ['TimestampLessThan inside Or', { due: '2026-12-01T11:59:59Z' }, '"soon"'],
    ['Not BooleanEquals inside Or', { rush: true }, '"soon"'],
    ['Default when nothing matches', {}, '"later"'],
  ])('routes by %s', async (_rule, change, expected) => {
    expect(await route({ ...base, ...change })).toBe(expected);
  });
});
