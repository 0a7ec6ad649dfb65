/** Calls and waits the Step Functions end-to-end tests share. */
import type { LocalCloud } from '../src/cloud';
import type { TestClock } from '../src/clock';
import { operatorCredentials } from '../src/endpoint/identities';
import type { HistoryEvent } from '../src/services/stepfunctions';

export const START = new Date('2026-12-01T09:00:00.000Z');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Calls the local AWS endpoint's JSON API as the operator (or another access key). */
export async function aws(
  cloud: LocalCloud,
  target: string,
  body: unknown,
  accessKeyId = operatorCredentials.accessKeyId,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const service = target.startsWith('AWSStepFunctions') ? 'states' : 'dynamodb';
  const response = await fetch(cloud.endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      'x-amz-date': '20261201T090000Z',
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261201/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export const states = (cloud: LocalCloud, operation: string, body: unknown) =>
  aws(cloud, `AWSStepFunctions.${operation}`, body);

export const arnOf = (cloud: LocalCloud, logicalId: string): string => {
  const machine = cloud.model.stateMachines?.find((each) => each.logicalId.startsWith(logicalId));
  if (!machine) throw new Error(`no state machine ${logicalId}`);
  return machine.arn;
};

export const history = (cloud: LocalCloud, executionArn: string): readonly HistoryEvent[] =>
  cloud.stepFunctions.sfn.getExecutionHistory({ executionArn, maxResults: 1000 }).events;

/** Waits (in real time) until the execution has recorded an event of `type`. */
export async function until(cloud: LocalCloud, executionArn: string, type: string): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 20) {
    if (history(cloud, executionArn).some((event) => event.type === type)) return;
    await sleep(20);
  }
  throw new Error(`${executionArn} never recorded ${type}: ${JSON.stringify(history(cloud, executionArn))}`);
}

/** Moves the test clock a second at a time, letting functions answer in between, until the execution ends. */
export async function driveToEnd(cloud: LocalCloud, clock: TestClock, executionArn: string): Promise<void> {
  for (let step = 0; step < 400; step++) {
    if (cloud.stepFunctions.sfn.describeExecution({ executionArn }).status !== 'RUNNING') return;
    await sleep(25);
    await clock.advance(1000);
  }
  throw new Error(`${executionArn} did not end: ${JSON.stringify(history(cloud, executionArn).slice(-4))}`);
}

export const types = (events: readonly HistoryEvent[]) => events.map((event) => event.type);

/**
 * Runs the execution until it records an event of `type`, moving the test clock a second only
 * while it waits out a retry (its last event a failed task), never while a function runs: the
 * clock stays where a heartbeat test needs it.
 */
export async function driveUntil(
  cloud: LocalCloud,
  clock: TestClock,
  executionArn: string,
  type: string,
): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 20) {
    const events = history(cloud, executionArn);
    if (events.some((event) => event.type === type)) return;
    if (events.at(-1)?.type === 'TaskFailed') await clock.advance(1000);
    await sleep(20);
  }
  throw new Error(
    `${executionArn} never recorded ${type}: ${types(history(cloud, executionArn)).join(', ')}`,
  );
}
