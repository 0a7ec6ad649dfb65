import { TestClock } from '../../src/clock';
import {
  readSchedule,
  readScheduledRule,
  Scheduler,
  ScheduleTemplateError,
  type DeadLetter,
  type ResourceSite,
  type TargetInvocation,
} from '../../src/services/scheduler';

const site = (logicalId: string): ResourceSite => ({
  id: `Kitchen/${logicalId}`,
  stackName: 'Kitchen',
  logicalId,
  region: 'eu-west-1',
  accountId: '123456789012',
});
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:open-kitchen';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:kitchen-dlq';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/scheduler';

class TargetError extends Error {
  readonly code = 'Lambda.ServiceException';
}

function harness(start: string, options: { failing?: boolean } = {}) {
  const clock = new TestClock(new Date(start));
  const invoked: Array<TargetInvocation & { at: string }> = [];
  const deadLetters: DeadLetter[] = [];
  const record = (invocation: TargetInvocation) => {
    invoked.push({ ...invocation, at: new Date(clock.now()).toISOString() });
    return options.failing ? Promise.reject(new TargetError('function crashed')) : Promise.resolve();
  };
  let ids = 0;
  const scheduler = new Scheduler({
    clock,
    newId: () => `execution-${++ids}`,
    targets: {
      lambda: record,
      sqs: record,
      states: record,
      events: record,
      sns: record,
      deadLetter: (message) => {
        deadLetters.push(message);
        return Promise.resolve();
      },
    },
  });
  return { clock, scheduler, invoked, deadLetters };
}

const schedule = (properties: Record<string, unknown>, target: Record<string, unknown> = {}) =>
  readSchedule(
    {
      FlexibleTimeWindow: { Mode: 'OFF' },
      ...properties,
      Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, ...target },
    },
    site('Opening'),
  );

describe('Scheduler', () => {
  it('fires cron(0 9 * * ? *) in Europe/Amsterdam at 09:00 local across the change to summer time', async () => {
    const { clock, scheduler, invoked } = harness('2026-03-27T12:00:00Z');
    scheduler.put(
      schedule({ ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'Europe/Amsterdam' }),
    );

    await clock.advanceTo(new Date('2026-03-30T12:00:00Z'));

    // 09:00 CET is 08:00 UTC; from Sunday 29 March, 09:00 CEST is 07:00 UTC.
    expect(invoked.map((invocation) => invocation.at)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('fires at 09:00 local across the change back to winter time', async () => {
    const { clock, scheduler, invoked } = harness('2026-10-24T12:00:00Z');
    scheduler.put(
      schedule({ ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'Europe/Amsterdam' }),
    );

    await clock.advanceTo(new Date('2026-10-25T12:00:00Z'));

    expect(invoked.map((invocation) => invocation.at)).toEqual(['2026-10-25T08:00:00.000Z']);
  });

  it('lists each schedule with its next run', () => {
    const { scheduler } = harness('2026-03-28T12:00:00Z');
    scheduler.put(
      schedule({ ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'Europe/Amsterdam' }),
    );

    expect(scheduler.describe()).toEqual([
      {
        id: 'Kitchen/Opening',
        kind: 'schedule',
        name: 'Kitchen-Opening',
        arn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/Kitchen-Opening',
        expression: 'cron(0 9 * * ? *)',
        timezone: 'Europe/Amsterdam',
        state: 'ENABLED',
        nextRun: '2026-03-29T07:00:00.000Z',
        targets: [FUNCTION_ARN],
      },
    ]);
  });

  it('retries a failing target per its retry policy, then sends the dead letter AWS documents', async () => {
    const { clock, scheduler, invoked, deadLetters } = harness('2026-12-01T08:00:00Z', { failing: true });
    scheduler.put(
      schedule(
        { ScheduleExpression: 'at(2026-12-01T09:00:00)' },
        {
          Input: '{"kitchen":"k-1"}',
          RetryPolicy: { MaximumRetryAttempts: 2 },
          DeadLetterConfig: { Arn: DLQ_ARN },
        },
      ),
    );

    await clock.advanceTo(new Date('2026-12-01T10:00:00Z'));

    expect(invoked).toHaveLength(3);
    expect(deadLetters).toHaveLength(1);
    const [letter] = deadLetters;
    expect(letter?.queueArn).toBe(DLQ_ARN);
    expect(letter?.body).toBe('{"kitchen":"k-1"}');
    const attributes = Object.fromEntries(
      Object.entries(letter?.messageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    );
    expect(attributes).toEqual({
      ERROR_CODE: 'Lambda.ServiceException',
      ERROR_MESSAGE: 'function crashed',
      EXECUTION_ID: 'execution-1',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      IS_PAYLOAD_TRUNCATED: 'false',
      RETRY_ATTEMPTS: '2',
      SCHEDULED_TIME: '2026-12-01T09:00:00Z',
      SCHEDULE_ARN: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/Kitchen-Opening',
      TARGET_ARN: FUNCTION_ARN,
    });
    expect(scheduler.invocations()).toMatchObject([{ status: 'DEAD_LETTERED', attempts: 3 }]);
    expect(scheduler.describe()[0]?.nextRun).toBeNull();
  });

  it('stops retrying when the next retry would pass MaximumEventAgeInSeconds', async () => {
    const { clock, scheduler, invoked, deadLetters } = harness('2026-12-01T08:59:00Z', { failing: true });
    scheduler.put(
      schedule(
        { ScheduleExpression: 'at(2026-12-01T09:00:00)' },
        { RetryPolicy: { MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: DLQ_ARN } },
      ),
    );

    await clock.advanceTo(new Date('2026-12-01T10:00:00Z'));

    // Waits of 1, 2, 4, 8, 16 s reach 31 s; the next (32 s) would pass the 60 s age.
    expect(invoked).toHaveLength(6);
    expect(deadLetters[0]?.messageAttributes['EXHAUSTED_RETRY_CONDITION']?.StringValue).toBe(
      'MaximumEventAgeInSeconds',
    );
  });

  it('drops the event of a failing target without a dead-letter queue', async () => {
    const { clock, scheduler, deadLetters } = harness('2026-12-01T08:59:00Z', { failing: true });
    scheduler.put(
      schedule(
        { ScheduleExpression: 'at(2026-12-01T09:00:00)' },
        { RetryPolicy: { MaximumRetryAttempts: 0 } },
      ),
    );

    await clock.advanceTo(new Date('2026-12-01T10:00:00Z'));

    expect(deadLetters).toHaveLength(0);
    expect(scheduler.invocations()).toMatchObject([
      { status: 'DROPPED', attempts: 1, error: 'function crashed' },
    ]);
  });

  it('fills in the context attributes of the input', async () => {
    const { clock, scheduler, invoked } = harness('2026-12-01T08:59:00Z');
    scheduler.put(
      schedule(
        { ScheduleExpression: 'at(2026-12-01T09:00:00)' },
        { Input: '{"at":"<aws.scheduler.scheduled-time>","attempt":"<aws.scheduler.attempt-number>"}' },
      ),
    );

    await clock.advance(60_000);

    expect(JSON.parse(invoked[0]?.input ?? '{}')).toEqual({ at: '2026-12-01T09:00:00Z', attempt: '1' });
  });

  it('runs only between StartDate and EndDate, and not when DISABLED', async () => {
    const { clock, scheduler, invoked } = harness('2026-12-01T00:00:00Z');
    scheduler.put(
      schedule({
        ScheduleExpression: 'rate(1 day)',
        StartDate: '2026-12-02T06:00:00Z',
        EndDate: '2026-12-04T06:00:00Z',
      }),
    );
    scheduler.put({
      ...schedule({ ScheduleExpression: 'rate(1 hour)', State: 'DISABLED' }),
      id: 'Kitchen/Off',
    });

    await clock.advanceTo(new Date('2026-12-10T00:00:00Z'));

    expect(invoked.map((invocation) => invocation.at)).toEqual([
      '2026-12-03T06:00:00.000Z',
      '2026-12-04T06:00:00.000Z',
    ]);
    expect(scheduler.describe().find((listing) => listing.id === 'Kitchen/Off')).toMatchObject({
      state: 'DISABLED',
      nextRun: null,
    });
  });

  it('stops firing once stopped', async () => {
    const { clock, scheduler, invoked } = harness('2026-12-01T00:00:00Z');
    scheduler.put(schedule({ ScheduleExpression: 'rate(1 hour)' }));

    scheduler.stop();
    await clock.advance(3 * 3_600_000);

    expect(invoked).toHaveLength(0);
    expect(clock.pending).toBe(0);
  });

  it.each([
    [{ ScheduleExpressionTimezone: 'Mars/Olympus' }, /not a time zone/],
    [{ FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }, /MaximumWindowInMinutes/],
    [{ StartDate: '2026-12-02T00:00:00Z', EndDate: '2026-12-01T00:00:00Z' }, /EndDate/],
  ])('refuses the schedule %j', (properties, message) => {
    expect(() => schedule({ ScheduleExpression: 'rate(1 hour)', ...properties })).toThrow(message);
  });

  it.each([
    [{ RetryPolicy: { MaximumRetryAttempts: 186 } }, /MaximumRetryAttempts/],
    [{ RetryPolicy: { MaximumEventAgeInSeconds: 59 } }, /MaximumEventAgeInSeconds/],
    [{ DeadLetterConfig: { Arn: `${DLQ_ARN}.fifo` } }, /standard SQS queue/],
    [{ Arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders' }, /not served locally/],
  ])('refuses the target %j', (target, message) => {
    expect(() => schedule({ ScheduleExpression: 'rate(1 hour)' }, target)).toThrow(ScheduleTemplateError);
    expect(() => schedule({ ScheduleExpression: 'rate(1 hour)' }, target)).toThrow(message);
  });
});

describe('scheduled EventBridge rules', () => {
  const rule = (properties: Record<string, unknown>) =>
    readScheduledRule({ Targets: [{ Id: 'Fn', Arn: FUNCTION_ARN }], ...properties }, site('Nightly'));

  it('sends the Scheduled Event, in UTC, every period from when the rule was created', async () => {
    const { clock, scheduler, invoked } = harness('2026-12-01T09:00:00Z');
    scheduler.put(rule({ ScheduleExpression: 'rate(5 minutes)' })!);

    await clock.advance(10 * 60_000);

    expect(invoked.map((invocation) => invocation.at)).toEqual([
      '2026-12-01T09:05:00.000Z',
      '2026-12-01T09:10:00.000Z',
    ]);
    expect(JSON.parse(invoked[0]?.input ?? '{}')).toEqual({
      version: '0',
      id: 'execution-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-12-01T09:05:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:123456789012:rule/Kitchen-Nightly'],
      detail: {},
    });
  });

  it("names the rule in its dead letter's attributes", async () => {
    const { clock, scheduler, deadLetters } = harness('2026-12-01T09:00:00Z', { failing: true });
    scheduler.put(
      readScheduledRule(
        {
          ScheduleExpression: 'cron(0 10 * * ? *)',
          Targets: [
            {
              Id: 'Fn',
              Arn: FUNCTION_ARN,
              RetryPolicy: { MaximumRetryAttempts: 0 },
              DeadLetterConfig: { Arn: DLQ_ARN },
            },
          ],
        },
        site('Nightly'),
      )!,
    );

    await clock.advanceTo(new Date('2026-12-01T10:00:00Z'));

    expect(Object.keys(deadLetters[0]?.messageAttributes ?? {}).sort()).toEqual(
      [
        'ERROR_CODE',
        'ERROR_MESSAGE',
        'EXHAUSTED_RETRY_CONDITION',
        'RETRY_ATTEMPTS',
        'RULE_ARN',
        'TARGET_ARN',
      ].sort(),
    );
  });

  it('ignores rules without a schedule and refuses at() on a rule', () => {
    expect(readScheduledRule({ EventPattern: { source: ['x'] } }, site('Pattern'))).toBeUndefined();
    expect(() => rule({ ScheduleExpression: 'at(2026-12-01T09:00:00)' })).toThrow(ScheduleTemplateError);
  });
});
