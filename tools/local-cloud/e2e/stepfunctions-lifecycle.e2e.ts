/**
 * Step Functions across the local cloud's life: an invalid definition stops the start naming the
 * stack and state machine, executions survive a restart with a data directory, and a redeploy
 * lets running executions finish on the definition they started with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { TestClock } from '../src/clock';
import { START, arnOf, history, states, until } from './stepfunctions-calls';
import { synthesizeFlow } from './stepfunctions-fixture';

const order = (cloud: LocalCloud, name: string) =>
  states(cloud, 'StartExecution', {
    stateMachineArn: arnOf(cloud, 'Kitchen'),
    name,
    input: JSON.stringify({ orderId: name }),
  }).then((answer) => answer.body.executionArn as string);

describe('Step Functions across restarts and redeploys', () => {
  let root: string;
  const clock = new TestClock(START);
  const logs: string[] = [];
  const clouds: LocalCloud[] = [];
  const start = async (options: { dataDir?: string } = {}) => {
    const cloud = await startLocalCloud({ root, port: 0, clock, log: (line) => logs.push(line), ...options });
    clouds.push(cloud);
    return cloud;
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'local-cloud-sfn-life-'));
  });

  afterAll(async () => {
    for (const cloud of clouds) await cloud.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses to start with an invalid definition, naming the stack and the state machine', async () => {
    synthesizeFlow(root, { kitchen: { StartAt: 'Missing', States: { Only: { Type: 'Pass', End: true } } } });
    await expect(start()).rejects.toThrow(
      /SliceFlow-dev: Kitchen[0-9A-F]{8}\.Properties\.DefinitionString: State machine kitchen has an invalid definition: .*Missing/,
    );
  }, 60_000);

  it('keeps executions in the data directory: ended ones come back, running ones were aborted at stop', async () => {
    synthesizeFlow(root);
    const dataDir = join(root, 'data');
    const first = await start({ dataDir });
    const done = await order(first, 'kept-1');
    await until(first, done, 'WaitStateEntered');
    await clock.advance(600_000);
    expect((await first.stepFunctions.sfn.whenDone(done)).status).toBe('SUCCEEDED');
    const running = await order(first, 'kept-2');
    await until(first, running, 'WaitStateEntered');
    const events = history(first, done);
    await first.stop();

    const second = await start({ dataDir });
    expect((await states(second, 'DescribeExecution', { executionArn: done })).body).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"orderId":"kept-1","status":"baked"}',
    });
    expect((await states(second, 'GetExecutionHistory', { executionArn: done })).body.events).toEqual(events);
    expect((await states(second, 'DescribeExecution', { executionArn: running })).body).toMatchObject({
      status: 'ABORTED',
      error: 'States.Aborted',
      cause: 'The local cloud stopped.',
    });
    // The name stays taken, as in AWS.
    expect(
      (await states(second, 'StartExecution', { stateMachineArn: arnOf(second, 'Kitchen'), name: 'kept-1' }))
        .body.__type,
    ).toBe('ExecutionAlreadyExists');
    const listed = await states(second, 'ListExecutions', { stateMachineArn: arnOf(second, 'Kitchen') });
    expect(
      (listed.body.executions as Array<{ name: string; status: string }>).map((each) => [
        each.name,
        each.status,
      ]),
    ).toEqual([
      ['kept-2', 'ABORTED'],
      ['kept-1', 'SUCCEEDED'],
    ]);
  }, 120_000);

  it('lets a running execution finish on the definition it started with after a redeploy', async () => {
    const cloud = clouds.at(-1) as LocalCloud;
    const old = await order(cloud, 'before-redeploy');
    await until(cloud, old, 'WaitStateEntered');

    const summary = await cloud.redeploy(synthesizeFlow(root, { restSeconds: 60 }));
    expect(summary.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/state machine SliceFlow-dev\/Kitchen.* changed: running executions finish/),
      ]),
    );
    const fresh = await order(cloud, 'after-redeploy');
    await until(cloud, fresh, 'WaitStateEntered');
    await clock.advance(60_000);
    expect((await cloud.stepFunctions.sfn.whenDone(fresh)).status).toBe('SUCCEEDED');
    expect(cloud.stepFunctions.sfn.describeExecution({ executionArn: old }).status).toBe('RUNNING');
    await clock.advance(540_000);
    expect((await cloud.stepFunctions.sfn.whenDone(old)).status).toBe('SUCCEEDED');
  }, 120_000);
});
