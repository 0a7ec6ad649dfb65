import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClock } from '../../src/clock';
import type { ExecutionRecord } from '../../src/services/stepfunctions';
import { openExecutionStore } from '../../src/services/stepfunctions/file-journal';
import { RESTART_ERROR, createLocalStepFunctions } from '../../src/services/stepfunctions/local';
import { START } from './fixtures';

const arn = 'arn:aws:states:eu-west-1:000000000000:execution:kitchen:order-9';

/** An execution the journal last saw running: the process was killed while it waited. */
const running: ExecutionRecord = {
  executionArn: arn,
  stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:kitchen',
  name: 'order-9',
  type: 'STANDARD',
  status: 'RUNNING',
  startDate: START.getTime() / 1000,
  input: '{}',
  events: [
    { id: 1, previousEventId: 0, timestamp: START.getTime() / 1000, type: 'ExecutionStarted' },
    { id: 2, previousEventId: 1, timestamp: START.getTime() / 1000, type: 'WaitStateEntered' },
  ],
};

describe('executions in the data directory', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sfn-journal-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const open = (clock: TestClock) =>
    createLocalStepFunctions({
      clock,
      region: 'eu-west-1',
      accountId: '000000000000',
      endpointUrl: () => 'http://127.0.0.1:1',
      credentialsFor: () => ({ accessKeyId: 'AKIATEST' }),
      dataDir,
      log: () => undefined,
    });

  it('closes an execution that was running when the process ended as failed, saying why, and keeps it so', async () => {
    const store = openExecutionStore(dataDir, () => undefined);
    store.save({ ...running, events: running.events.slice(0, 1) });
    store.save(running);
    store.close();
    const clock = new TestClock(START.getTime() + 5_000);

    const stepFunctions = open(clock);
    const described = stepFunctions.sfn.describeExecution({ executionArn: arn });
    const events = stepFunctions.sfn.getExecutionHistory({ executionArn: arn }).events;
    await stepFunctions.stop();

    expect(described).toMatchObject({
      status: 'FAILED',
      error: RESTART_ERROR,
      stopDate: START.getTime() / 1000 + 5,
    });
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'ExecutionFailed',
    ]);
    expect(events[2]).toMatchObject({
      id: 3,
      previousEventId: 2,
      executionFailedEventDetails: { error: RESTART_ERROR },
    });
    // Reopened, it is the closed record that comes back.
    const again = open(new TestClock(START.getTime() + 60_000));
    expect(again.executions()).toEqual([
      expect.objectContaining({ status: 'FAILED', stateMachineName: 'kitchen' }) as unknown,
    ]);
    await again.stop();
  });

  it('restores the last saved state of each execution only, from a compacted journal', () => {
    const store = openExecutionStore(dataDir, () => undefined);
    const ended: ExecutionRecord = {
      ...running,
      status: 'SUCCEEDED',
      output: '{"ok":true}',
      stopDate: running.startDate + 1,
    };
    store.save(running);
    store.save(ended);
    store.close();

    const reopened = openExecutionStore(dataDir, () => undefined);
    expect(reopened.restored).toEqual([ended]);
    reopened.close();
  });
});
