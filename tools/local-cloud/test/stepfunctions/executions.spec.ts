import {
  type ExecutionRecord,
  InvalidDefinition,
  StepFunctions,
  StepFunctionsError,
} from '../../src/services/stepfunctions';
import { ROLE_ARN, eventOf, harness, historyOf, types, thrown } from './fixtures';

const waiting = { StartAt: 'Bake', States: { Bake: { Type: 'Wait', Seconds: 600, End: true } } };

describe('executions', () => {
  it('answers the same execution for the same name and input while it runs, ExecutionAlreadyExists otherwise', async () => {
    // Prepare
    const { sfn, clock } = harness();
    const machine = sfn.putStateMachine({ name: 'Idempotent', roleArn: ROLE_ARN, definition: waiting });
    const first = sfn.startExecution({ stateMachineArn: machine.arn, name: 'order-1', input: '{"id":1}' });
    await clock.advance(1000);

    // Act and assess
    expect(sfn.startExecution({ stateMachineArn: machine.arn, name: 'order-1', input: '{"id":1}' })).toEqual(
      first,
    );
    expect(() =>
      sfn.startExecution({ stateMachineArn: machine.arn, name: 'order-1', input: '{"id":2}' }),
    ).toThrow(
      new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${first.executionArn}'`),
    );
    await clock.advance(600_000);
    await sfn.whenDone(first.executionArn);
    expect(
      thrown(() => sfn.startExecution({ stateMachineArn: machine.arn, name: 'order-1', input: '{"id":1}' })),
    ).toMatchObject({ code: 'ExecutionAlreadyExists' });
    expect(first.executionArn).toBe('arn:aws:states:eu-west-1:000000000000:execution:Idempotent:order-1');
    expect(sfn.executions()).toHaveLength(1);
  });

  it('refuses bad names, input that is not JSON and unknown state machines as AWS does', () => {
    const { sfn } = harness();
    const machine = sfn.putStateMachine({ name: 'Checks', roleArn: ROLE_ARN, definition: waiting });

    expect(
      thrown(() => sfn.startExecution({ stateMachineArn: machine.arn, name: 'has space' })),
    ).toMatchObject({ code: 'InvalidName' });
    expect(
      thrown(() => sfn.startExecution({ stateMachineArn: machine.arn, name: 'x'.repeat(81) })),
    ).toMatchObject({ code: 'InvalidName' });
    expect(thrown(() => sfn.startExecution({ stateMachineArn: machine.arn, input: '{oops' }))).toMatchObject({
      code: 'InvalidExecutionInput',
    });
    expect(thrown(() => sfn.startExecution({ stateMachineArn: `${machine.arn}Other` }))).toMatchObject({
      code: 'StateMachineDoesNotExist',
    });
    expect(thrown(() => sfn.startExecution({ stateMachineArn: 'not-an-arn' }))).toMatchObject({
      code: 'InvalidArn',
    });
    expect(
      thrown(() =>
        sfn.describeExecution({ executionArn: `${machine.arn.replace('stateMachine', 'execution')}:nope` }),
      ),
    ).toMatchObject({ code: 'ExecutionDoesNotExist' });
  });

  it('stops a running execution with StopExecution and records ExecutionAborted with its error and cause', async () => {
    const { sfn, clock } = harness();
    const machine = sfn.putStateMachine({ name: 'Stoppable', roleArn: ROLE_ARN, definition: waiting });
    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    await clock.advance(60_000);

    const { stopDate } = await sfn.stopExecution({
      executionArn,
      error: 'Customer.Cancelled',
      cause: 'changed their mind',
    });
    const events = await historyOf(sfn, executionArn);

    expect(stopDate).toBe(Date.parse('2026-12-01T09:01:00.000Z') / 1000);
    expect(types(events)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    expect(eventOf(events, 'ExecutionAborted').executionAbortedEventDetails).toEqual({
      error: 'Customer.Cancelled',
      cause: 'changed their mind',
    });
    expect(sfn.describeExecution({ executionArn }).status).toBe('ABORTED');
    expect(clock.pending).toBe(0);
  });

  it("times the execution out after the definition's TimeoutSeconds with ExecutionTimedOut", async () => {
    const { sfn, clock } = harness();
    const machine = sfn.putStateMachine({
      name: 'Bounded',
      roleArn: ROLE_ARN,
      definition: { ...waiting, TimeoutSeconds: 300 },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });

    await clock.advance(300_000);
    const events = await historyOf(sfn, executionArn);

    expect(types(events)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut']);
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
    });
  });

  it('runs an Express machine with StartSyncExecution, and keeps it out of DescribeExecution as AWS does', async () => {
    const { sfn } = harness();
    const machine = sfn.putStateMachine({
      name: 'Quote',
      type: 'EXPRESS',
      roleArn: ROLE_ARN,
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Q',
        States: { Q: { Type: 'Pass', Output: { price: '{% $states.input.n * 2 %}' }, End: true } },
      },
    });

    const answer = await sfn.startSyncExecution({
      stateMachineArn: machine.arn,
      name: 'q-1',
      input: '{"n":21}',
    });

    expect(answer).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"price":42}',
      name: 'q-1',
      stateMachineArn: machine.arn,
    });
    expect(String(answer.executionArn)).toMatch(
      /^arn:aws:states:eu-west-1:000000000000:express:Quote:q-1:[0-9a-f-]{36}$/,
    );
    expect(thrown(() => sfn.describeExecution({ executionArn: String(answer.executionArn) }))).toMatchObject({
      code: 'InvalidArn',
    });
    const standard = sfn.putStateMachine({ name: 'Std', roleArn: ROLE_ARN, definition: waiting });
    await expect(sfn.startSyncExecution({ stateMachineArn: standard.arn })).rejects.toMatchObject({
      code: 'StateMachineTypeNotSupported',
    });
  });

  it('pages the history with maxResults and nextToken, in either order', async () => {
    const { sfn } = harness();
    const machine = sfn.putStateMachine({
      name: 'Pages',
      roleArn: ROLE_ARN,
      definition: {
        StartAt: 'A',
        States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });
    await sfn.whenDone(executionArn);

    const first = sfn.getExecutionHistory({ executionArn, maxResults: 4 });
    const second = sfn.getExecutionHistory({ executionArn, maxResults: 4, nextToken: first.nextToken! });
    const reversed = sfn.getExecutionHistory({ executionArn, reverseOrder: true });

    expect(first.events.map((event) => event.id)).toEqual([1, 2, 3, 4]);
    expect(second.events.map((event) => event.id)).toEqual([5, 6]);
    expect(second.nextToken).toBeUndefined();
    expect(reversed.events.map((event) => event.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(first.events.map((event) => event.previousEventId)).toEqual([0, 1, 2, 3]);
    expect(eventOf(first.events, 'ExecutionStarted').executionStartedEventDetails).toEqual({
      input: '{}',
      inputDetails: { truncated: false },
      roleArn: ROLE_ARN,
    });
  });

  it('saves every change of an execution to the journal as plain data', async () => {
    const { clock, integrations } = harness();
    const saved: string[] = [];
    const sfn = new StepFunctions({
      clock,
      integrations,
      journal: { save: (record) => saved.push(JSON.stringify(record)) },
    });
    const machine = sfn.putStateMachine({ name: 'Journaled', roleArn: ROLE_ARN, definition: waiting });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn, name: 'j-1' });
    await clock.advance(600_000);
    await sfn.whenDone(executionArn);

    const last = JSON.parse(saved.at(-1)!) as ExecutionRecord;
    expect(last).toMatchObject({ executionArn, status: 'SUCCEEDED', output: '{}' });
    expect(last.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'ExecutionSucceeded',
    ]);
    const restored = new StepFunctions({ clock, integrations });
    expect(restored.restore([last])).toEqual([]);
    expect(restored.getExecutionHistory({ executionArn }).events).toHaveLength(4);
  });
});

describe('definitions', () => {
  it('refuses an invalid definition with an error naming the state machine and the problem', () => {
    const { sfn } = harness();

    const refuse = () =>
      sfn.putStateMachine({
        name: 'KitchenOrder',
        roleArn: ROLE_ARN,
        definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } },
      });

    expect(refuse).toThrow(InvalidDefinition);
    expect(refuse).toThrow(/^State machine KitchenOrder has an invalid definition: .*Nowhere/);
  });

  it('refuses a Task resource the local cloud does not run, and task tokens in an Express machine', () => {
    const { sfn } = harness();
    const task = (Resource: string) => ({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource, End: true } },
    });

    expect(() =>
      sfn.putStateMachine({
        name: 'Glue',
        roleArn: ROLE_ARN,
        definition: task('arn:aws:states:::glue:startJobRun.sync'),
      }),
    ).toThrow(
      'State machine Glue has an invalid definition: the Task resource arn:aws:states:::glue:startJobRun.sync is not one the local cloud runs',
    );
    expect(() =>
      sfn.putStateMachine({
        name: 'Fast',
        type: 'EXPRESS',
        roleArn: ROLE_ARN,
        definition: task('arn:aws:states:::lambda:invoke.waitForTaskToken'),
      }),
    ).toThrow(/Express state machines do not support/);
  });

  it('replaces DefinitionSubstitutions before parsing', async () => {
    const { sfn } = harness();
    const machine = sfn.putStateMachine({
      name: 'Substituted',
      roleArn: ROLE_ARN,
      definition: JSON.stringify({
        StartAt: 'P',
        States: { P: { Type: 'Pass', Result: { table: '${TableName}' }, End: true } },
      }),
      definitionSubstitutions: { TableName: 'kitchen-"dev"' },
    });

    const { executionArn } = sfn.startExecution({ stateMachineArn: machine.arn });

    expect((await sfn.whenDone(executionArn)).output).toBe('{"table":"kitchen-\\"dev\\""}');
  });
});
