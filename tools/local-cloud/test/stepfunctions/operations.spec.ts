import { planOperation } from '../../src/services/stepfunctions';
import { ROLE_ARN, harness, lambdaArn, thrown } from './fixtures';

describe('planOperation', () => {
  it('names the permission each call needs and answers it', async () => {
    const { sfn, clock } = harness();
    const machine = sfn.putStateMachine({
      name: 'Api',
      roleArn: ROLE_ARN,
      definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, End: true } } },
    });

    const start = planOperation(sfn, 'StartExecution', {
      stateMachineArn: machine.arn,
      name: 'a-1',
      input: '{}',
    });
    const started = (await start.run()) as { executionArn: string };
    const describe = planOperation(sfn, 'DescribeExecution', { executionArn: started.executionArn });
    await clock.advance(5000);

    expect(start.permission).toEqual({ action: 'states:StartExecution', resource: machine.arn });
    expect(describe.permission).toEqual({
      action: 'states:DescribeExecution',
      resource: started.executionArn,
    });
    expect(await describe.run()).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('asks for SendTaskSuccess on the state machine whose task holds the token', async () => {
    const { sfn, clock, integrations } = harness();
    let token = '';
    integrations.functions.set('cook', (payload) => {
      token = String((payload as { token: string }).token);
      return null;
    });
    const machine = sfn.putStateMachine({
      name: 'Tokens',
      roleArn: ROLE_ARN,
      definition: {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: lambdaArn('cook'), Payload: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      },
    });
    sfn.startExecution({ stateMachineArn: machine.arn });
    await clock.settle();

    const plan = planOperation(sfn, 'SendTaskSuccess', { taskToken: token, output: '{}' });

    expect(plan.permission).toEqual({ action: 'states:SendTaskSuccess', resource: machine.arn });
  });

  it('refuses an unknown operation and a body without its required fields', () => {
    const { sfn } = harness();

    expect(thrown(() => planOperation(sfn, 'CreateActivity', {}))).toMatchObject({
      code: 'ValidationException',
    });
    expect(() => planOperation(sfn, 'StartExecution', {})).toThrow(/stateMachineArn/);
    expect(() => planOperation(sfn, 'StartExecution', 'text')).toThrow(/JSON object/);
  });
});
