import type {
  EventRuleSpec,
  EventRuleTargetSpec,
  LambdaPermissionSpec,
  QueueSpec,
} from '../../../src/assembly';
import { createQueueStore, type QueueStore, type StoredEvent } from '../../../src/endpoint';
import { type EventRules, startEventRules } from '../../../src/services/lambda';
import type { InvokeResult } from '../../../src/model';

const region = 'eu-west-1';
const accountId = '000000000000';
const functionId = 'SliceKitchen-dev/StartTicket';
const functionArn = `arn:aws:lambda:${region}:${accountId}:function:SliceKitchen-dev-StartTicket`;
const ruleArn = `arn:aws:events:${region}:${accountId}:rule/OrderPlacedToKitchen`;

const queue = (name: string): QueueSpec => ({
  id: `SliceKitchen-dev/${name}`,
  stackName: 'SliceKitchen-dev',
  logicalId: name,
  queueName: name,
  url: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
  arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
  properties: {},
});
const tickets = queue('tickets');
const targetDlq = queue('rule-dlq');
const functionDestination = queue('start-ticket-failures');
const functionDlq = queue('start-ticket-dlq');

const lambdaTarget: EventRuleTargetSpec = {
  id: 'StartTicket',
  arn: functionArn,
  functionId,
  maximumRetryAttempts: 185,
  maximumEventAgeSeconds: 86_400,
  deadLetterArn: targetDlq.arn,
};

function rule(targets: EventRuleTargetSpec[], overrides: Partial<EventRuleSpec> = {}): EventRuleSpec {
  return {
    id: 'SliceKitchen-dev/OrderPlacedToKitchen',
    stackName: 'SliceKitchen-dev',
    logicalId: 'OrderPlacedToKitchen',
    name: 'OrderPlacedToKitchen',
    arn: ruleArn,
    eventBusName: 'slice-dev',
    eventPattern: { source: ['slice.orders'], 'detail-type': ['OrderPlaced'] },
    enabled: true,
    targets,
    ...overrides,
  };
}

const permission: LambdaPermissionSpec = {
  stackName: 'SliceKitchen-dev',
  logicalId: 'AllowEvents',
  functionId,
  action: 'lambda:InvokeFunction',
  principal: 'events.amazonaws.com',
  sourceArn: ruleArn,
};

let sequence = 0;
function stored(detailType = 'OrderPlaced', eventBusName = 'slice-dev'): StoredEvent {
  sequence += 1;
  return {
    id: `event-${sequence}`,
    time: '2026-11-27T10:00:00Z',
    source: 'slice.orders',
    detailType,
    detail: { id: `ord_${sequence}` },
    eventBusName,
    resources: [],
    functionId: 'SliceOrders-dev/PublishOrderEvents',
  };
}

const ok: InvokeResult = { ok: true, payload: null, durationMs: 1, coldStart: false };
const failure: InvokeResult = { ok: false, errorType: 'Error', errorMessage: 'oven on fire', durationMs: 1 };
const throttled: InvokeResult = {
  ok: false,
  errorType: 'Throttled',
  errorMessage: 'Rate Exceeded.',
  durationMs: 1,
};

describe('startEventRules', () => {
  let queues: QueueStore;
  let rules: EventRules | undefined;
  let invocations: unknown[];
  let answers: InvokeResult[];
  const logs: string[] = [];
  const runtime = {
    invoke: (id: string, event: unknown) => {
      expect(id).toBe(functionId);
      invocations.push(event);
      return Promise.resolve(answers.shift() ?? ok);
    },
  };
  const start = (specs: EventRuleSpec[], extra: Partial<Parameters<typeof startEventRules>[0]> = {}) => {
    rules = startEventRules({
      rules: specs,
      queues,
      runtime,
      region,
      accountId,
      permissions: [permission],
      asyncRetryDelayMs: 5,
      log: (line) => logs.push(line),
      ...extra,
    });
    return rules;
  };
  const bodies = (spec: QueueSpec) =>
    queues
      .byArn(spec.arn)
      ?.messages()
      .map((message) => JSON.parse(message.body) as unknown);

  beforeEach(() => {
    queues = createQueueStore([tickets, targetDlq, functionDestination, functionDlq]);
    invocations = [];
    answers = [];
    logs.splice(0);
  });
  afterEach(() => rules?.stop());

  it('sends a matching event to an SQS target as the event JSON EventBridge delivers', async () => {
    const running = start([
      rule([{ ...lambdaTarget, id: 'Tickets', arn: tickets.arn, functionId: undefined }]),
    ]);
    const event = stored();
    running.deliver(event);
    running.deliver(stored('OrderCancelled'));
    running.deliver(stored('OrderPlaced', 'default'));
    await running.idle();

    expect(bodies(tickets)).toEqual([
      {
        version: '0',
        id: event.id,
        'detail-type': 'OrderPlaced',
        source: 'slice.orders',
        account: accountId,
        time: event.time,
        region,
        resources: [],
        detail: event.detail,
      },
    ]);
  });

  it('sends the InputPath part or the constant Input instead of the event', async () => {
    const running = start([
      rule([
        { ...lambdaTarget, id: 'Path', arn: tickets.arn, functionId: undefined, inputPath: '$.detail' },
        {
          ...lambdaTarget,
          id: 'Constant',
          arn: tickets.arn,
          functionId: undefined,
          input: '{"kind":"ping"}',
        },
      ]),
    ]);
    const event = stored();
    running.deliver(event);
    await running.idle();
    expect(bodies(tickets)).toEqual(expect.arrayContaining([event.detail, { kind: 'ping' }]));
  });

  it('invokes a Lambda target once with the event when the function succeeds', async () => {
    const running = start([rule([lambdaTarget])]);
    const event = stored();
    running.deliver(event);
    await running.idle();

    expect(invocations).toEqual([expect.objectContaining({ id: event.id, 'detail-type': 'OrderPlaced' })]);
    expect(running.deliveries).toEqual([expect.objectContaining({ outcome: 'delivered', invocations: 1 })]);
  });

  it('skips disabled rules and rules of another bus', async () => {
    const running = start([
      rule([lambdaTarget], { enabled: false }),
      rule([lambdaTarget], { eventBusName: 'other' }),
    ]);
    running.deliver(stored());
    await running.idle();
    expect(invocations).toHaveLength(0);
  });

  it('retries a failing function as its EventInvokeConfig says, then sends the invocation record and the event to its destinations', async () => {
    answers = [failure, throttled, failure];
    const running = start([rule([lambdaTarget])], {
      asyncInvokeConfigs: [
        {
          functionId,
          maximumRetryAttempts: 1,
          maximumEventAgeSeconds: 3600,
          onFailureArn: functionDestination.arn,
          deadLetterArn: functionDlq.arn,
        },
      ],
    });
    const event = stored();
    running.deliver(event);
    await running.idle();

    // Two invocations that failed, plus one throttled that does not count.
    expect(invocations).toHaveLength(3);
    expect(bodies(functionDestination)).toEqual([
      expect.objectContaining({
        version: '1.0',
        requestContext: expect.objectContaining({
          functionArn,
          condition: 'RetriesExhausted',
          approximateInvokeCount: 2,
        }) as unknown,
        requestPayload: expect.objectContaining({ id: event.id }) as unknown,
        responseContext: expect.objectContaining({ functionError: 'Unhandled' }) as unknown,
        responsePayload: { errorType: 'Error', errorMessage: 'oven on fire' },
      }),
    ]);
    const dead = queues.byArn(functionDlq.arn)?.messages() ?? [];
    expect(dead.map((message) => JSON.parse(message.body) as unknown)).toEqual([
      expect.objectContaining({ id: event.id }),
    ]);
    expect(dead[0]?.messageAttributes.ErrorMessage?.StringValue).toBe('oven on fire');
    // The rule target's own DLQ is for events EventBridge could not deliver, not for function errors.
    expect(bodies(targetDlq)).toEqual([]);
    expect(running.deliveries).toEqual([
      expect.objectContaining({ outcome: 'dead-lettered', invocations: 2 }),
    ]);
  });

  it('retries twice by default and drops the event when the function has no on-failure destination, saying so', async () => {
    answers = [failure, failure, failure];
    const running = start([rule([lambdaTarget])]);
    running.deliver(stored());
    await running.idle();

    expect(invocations).toHaveLength(3);
    expect(running.deliveries).toEqual([expect.objectContaining({ outcome: 'dropped' })]);
    expect(logs.join('\n')).toMatch(/dropped: the function has no on-failure destination/);
  });

  it('sends an event EventBridge may not deliver (no permission on the function) straight to the target DLQ', async () => {
    const running = start([rule([lambdaTarget])], { permissions: [] });
    const event = stored();
    running.deliver(event);
    await running.idle();

    expect(invocations).toHaveLength(0);
    const dead = queues.byArn(targetDlq.arn)?.messages() ?? [];
    expect(dead.map((message) => JSON.parse(message.body) as unknown)).toEqual([
      expect.objectContaining({ id: event.id }),
    ]);
    expect(dead[0]?.messageAttributes).toMatchObject({
      RULE_ARN: { StringValue: ruleArn },
      TARGET_ARN: { StringValue: functionArn },
      ERROR_CODE: { StringValue: 'NO_PERMISSIONS' },
    });
  });

  it('matches against the rules of the latest update after a redeploy', async () => {
    const running = start([rule([lambdaTarget])]);
    running.update({
      rules: [rule([lambdaTarget], { eventPattern: { 'detail-type': ['OrderCancelled'] } })],
      permissions: [permission],
    });
    running.deliver(stored('OrderPlaced'));
    const cancelled = stored('OrderCancelled');
    running.deliver(cancelled);
    await running.idle();
    expect(invocations).toEqual([expect.objectContaining({ id: cancelled.id })]);
  });

  it('skips a rule whose pattern it cannot read, and logs why', () => {
    start([rule([lambdaTarget], { eventPattern: { source: 'slice.orders' } })]);
    expect(logs.join('\n')).toMatch(/OrderPlacedToKitchen: skipped: its event pattern is not valid/);
  });
});
