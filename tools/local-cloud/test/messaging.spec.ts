import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetTopicAttributesCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  App,
  Duration,
  Stack,
  TimeZone,
  aws_events as events,
  aws_events_targets as eventTargets,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_scheduler as scheduler,
  aws_scheduler_targets as schedulerTargets,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { localNotifications, waitForLocalNotifications } from '@slice/testing';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { TestClock } from '../src/clock';
import { createLocalIdentities, operatorCredentials } from '../src/endpoint/identities';
import { describeMessaging, formatMessaging } from '../src/report';
import type { LocalQueue } from '../src/services/sqs/sqs';

/** Before the last Sunday of March 2027, when Amsterdam goes from CET (UTC+1) to CEST (UTC+2). */
const START = Date.parse('2027-03-26T12:00:00Z');

/**
 * A Kitchen-like stack: a topic fanned out to queues, a function, an SMS number and an email
 * address with filter policies; schedules on a cron in Amsterdam, one whose role cannot reach its
 * target, one with a Step Functions target; a scheduled rule; a delayed queue.
 */
function synthesize(root: string, morningHour = '9'): string {
  const code = join(root, 'code');
  mkdirSync(code, { recursive: true });
  writeFileSync(join(code, 'index.mjs'), 'export const handler = async (event) => event;\n');
  const app = new App({ outdir: join(root, 'dist/apps/notify/cdk.out') });
  const stack = new Stack(app, 'SliceNotify-dev', { env: { region: 'eu-west-1' } });
  const fn = (id: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(code),
    });
  const queue = (id: string, props: sqs.QueueProps = {}) =>
    new sqs.Queue(stack, id, { queueName: id, ...props });

  const topic = new sns.Topic(stack, 'Notifications', { topicName: 'slice-dev-notifications' });
  topic.grantPublish(fn('Publisher'));
  const stranger = fn('Stranger');
  // Granted by its role, denied by the topic policy: the explicit deny wins.
  const denied = fn('Denied');
  topic.grantPublish(denied);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.ArnPrincipal(denied.role?.roleArn ?? '')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
    }),
  );
  const channel = (value: string) => ({
    channel: sns.SubscriptionFilter.stringFilter({ allowlist: [value] }),
  });
  topic.addSubscription(
    new subscriptions.SqsSubscription(queue('orders-envelope'), {
      filterPolicy: { kind: sns.SubscriptionFilter.stringFilter({ allowlist: ['order'] }) },
    }),
  );
  topic.addSubscription(
    new subscriptions.SqsSubscription(queue('orders-raw'), {
      rawMessageDelivery: true,
      filterPolicy: channel('app'),
    }),
  );
  topic.addSubscription(
    new subscriptions.SqsSubscription(queue('large-orders'), {
      filterPolicyWithMessageBody: {
        size: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: ['large'] })),
      },
    }),
  );
  topic.addSubscription(new subscriptions.SmsSubscription('+31600000000', { filterPolicy: channel('sms') }));
  topic.addSubscription(
    new subscriptions.EmailSubscription('cook@example.com', { filterPolicy: channel('email') }),
  );
  topic.addSubscription(
    new subscriptions.LambdaSubscription(fn('Consumer'), { filterPolicy: channel('app') }),
  );
  // A queue subscribed without a policy letting SNS send to it: AWS delivers nothing.
  new sns.CfnSubscription(stack, 'Unpermitted', {
    topicArn: topic.topicArn,
    protocol: 'sqs',
    endpoint: queue('no-policy').queueArn,
  });

  // A function SNS may not invoke (no Lambda permission), with a redrive policy to a queue it may send to.
  const redrive = queue('stranger-dlq');
  redrive.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [redrive.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
    }),
  );
  new sns.CfnSubscription(stack, 'NoPermission', {
    topicArn: topic.topicArn,
    protocol: 'lambda',
    endpoint: stranger.functionArn,
    filterPolicy: { kind: ['order'] },
    redrivePolicy: { deadLetterTargetArn: redrive.queueArn },
  });

  const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'slice-dev' });
  new scheduler.Schedule(stack, 'Morning', {
    scheduleGroup: group,
    schedule: scheduler.ScheduleExpression.cron({
      minute: '0',
      hour: morningHour,
      timeZone: TimeZone.of('Europe/Amsterdam'),
    }),
    target: new schedulerTargets.SqsSendMessage(queue('mornings'), {
      input: scheduler.ScheduleTargetInput.fromText('{"at":"<aws.scheduler.scheduled-time>"}'),
    }),
  });
  // Allowed to write its dead letters, not to reach its targets.
  const role = new iam.Role(stack, 'DeadLetterOnlyRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
  });
  const failingDlq = queue('failing-dlq');
  const workflowDlq = queue('workflow-dlq');
  failingDlq.grantSendMessages(role);
  workflowDlq.grantSendMessages(role);
  new scheduler.CfnSchedule(stack, 'Failing', {
    scheduleExpression: 'cron(30 6 * * ? *)',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: queue('unreachable').queueArn,
      roleArn: role.roleArn,
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: failingDlq.queueArn },
    },
  });
  new scheduler.CfnSchedule(stack, 'Workflow', {
    scheduleExpression: 'at(2027-03-27T10:00:00)',
    scheduleExpressionTimezone: 'Europe/Amsterdam',
    flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 15 },
    target: {
      arn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:bake',
      roleArn: role.roleArn,
      retryPolicy: { maximumRetryAttempts: 0 },
      deadLetterConfig: { arn: workflowDlq.queueArn },
    },
  });
  // A role allowed nothing: not even its dead-letter queue.
  const bare = new iam.Role(stack, 'BareRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
  });
  new scheduler.CfnSchedule(stack, 'Orphan', {
    scheduleExpression: 'at(2027-03-27T03:00:00)',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: queue('orphan-target').queueArn,
      roleArn: bare.roleArn,
      retryPolicy: { maximumRetryAttempts: 0 },
      deadLetterConfig: { arn: queue('orphan-dlq').queueArn },
    },
  });
  new events.Rule(stack, 'Hourly', {
    schedule: events.Schedule.rate(Duration.hours(1)),
    targets: [new eventTargets.SqsQueue(queue('hourly'))],
  });
  queue('delayed', { deliveryDelay: Duration.minutes(5) });
  new dynamodb.TableV2(stack, 'Sessions', {
    tableName: 'sessions',
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expiresAt',
  });
  app.synth();
  return join(root, 'dist/apps/notify/cdk.out');
}

describe('SNS, the Scheduler and SQS delays from the templates, on one clock', () => {
  let root: string;
  let cloud: LocalCloud;
  let clock: TestClock;
  const logs: string[] = [];
  const byName = (name: string): LocalQueue => {
    const found = cloud.endpoint.queues.byUrlOrName(name);
    if (!found) throw new Error(`no queue ${name}`);
    return found;
  };
  const bodies = (name: string) =>
    byName(name)
      .messages()
      .map((message) => message.body);
  const clientAs = (prefix: string) => {
    const fn = cloud.model.functions.find((each) => each.logicalId.startsWith(prefix));
    if (!fn) throw new Error(`no function ${prefix}`);
    return new SNSClient({
      region: 'eu-west-1',
      endpoint: cloud.endpoint.url,
      credentials: createLocalIdentities().credentialsFor(fn),
    });
  };
  const topicArn = 'arn:aws:sns:eu-west-1:000000000000:slice-dev-notifications';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'local-cloud-messaging-'));
    synthesize(root);
    clock = new TestClock(START);
    cloud = await startLocalCloud({ root, port: 0, clock, log: (line) => logs.push(line) });
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('delivers a publish with attributes to exactly the subscriptions whose filter policies match', async () => {
    const publisher = clientAs('Publisher');
    const { MessageId } = await publisher.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify({ orderId: 'o-1', size: 'large' }),
        Subject: 'Order ready',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'order' },
          channel: { DataType: 'String', StringValue: 'sms' },
        },
      }),
    );
    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);

    // kind=order: the envelope, with its attributes.
    const [envelope] = bodies('orders-envelope').map((body) => JSON.parse(body) as Record<string, unknown>);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Subject: 'Order ready',
      Message: JSON.stringify({ orderId: 'o-1', size: 'large' }),
      MessageAttributes: {
        kind: { Type: 'String', Value: 'order' },
        channel: { Type: 'String', Value: 'sms' },
      },
    });
    // The body scope matches size=large.
    expect(bodies('large-orders')).toHaveLength(1);
    // channel=sms: the SMS number, not the email address, the raw queue or the function.
    const captured = cloud.sns.notifications();
    expect(captured.map((each) => [each.protocol, each.endpoint, each.body])).toEqual([
      ['sms', '+31600000000', JSON.stringify({ orderId: 'o-1', size: 'large' })],
    ]);
    expect(bodies('orders-raw')).toEqual([]);
    // Over HTTP, as another process's test sees them.
    const texts = await waitForLocalNotifications(cloud.url, { protocol: 'sms', endpoint: '+31600000000' });
    expect(texts.map((each) => each.subject)).toEqual(['Order ready']);
    expect(await localNotifications(cloud.url, { protocol: 'email' })).toEqual([]);
  });

  it('sends the raw message and its attributes to a raw subscription, and the Lambda event to a function', async () => {
    await clientAs('Publisher').send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'your pizza is on its way',
        MessageAttributes: { channel: { DataType: 'String', StringValue: 'app' } },
      }),
    );
    const [raw] = byName('orders-raw').messages();
    expect(raw?.body).toBe('your pizza is on its way');
    expect(raw?.messageAttributes).toEqual({ channel: { DataType: 'String', StringValue: 'app' } });
    await cloud.rules.idle();
    const consumer = cloud.model.subscriptions?.find((each) => each.protocol === 'lambda');
    expect(cloud.rules.deliveries).toContainEqual(
      expect.objectContaining({ ruleId: consumer?.arn, outcome: 'delivered', invocations: 1 }),
    );
  });

  it('delivers nothing to a queue whose policy does not let the topic send to it', () => {
    expect(bodies('no-policy')).toEqual([]);
    const unpermitted = cloud.model.subscriptions?.find((each) => each.logicalId === 'Unpermitted');
    expect(cloud.sns.failures()).toContainEqual(
      expect.objectContaining({
        subscriptionArn: unpermitted?.arn,
        error: expect.stringContaining('does not let sns.amazonaws.com send') as unknown,
      }),
    );
  });

  it("sends a message SNS may not deliver to a subscription's dead-letter queue, as its redrive policy says", () => {
    const [dead] = bodies('stranger-dlq').map((body) => JSON.parse(body) as Record<string, unknown>);
    expect(dead).toMatchObject({ Type: 'Notification', TopicArn: topicArn, Subject: 'Order ready' });
    const subscription = cloud.model.subscriptions?.find((each) => each.logicalId === 'NoPermission');
    expect(cloud.sns.failures()).toContainEqual(
      expect.objectContaining({
        subscriptionArn: subscription?.arn,
        deadLetterTargetArn: byName('stranger-dlq').arn,
        attempts: 1,
      }),
    );
  });

  it('refuses a publisher whose role has no sns:Publish on the topic, with AuthorizationError', async () => {
    await expect(
      clientAs('Stranger').send(new PublishCommand({ TopicArn: topicArn, Message: 'hi' })),
    ).rejects.toMatchObject({
      name: 'AuthorizationErrorException',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('publishes a batch entry by entry, as SNS answers PublishBatch in its query protocol', async () => {
    const answer = await clientAs('Publisher').send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          {
            Id: 'ok',
            Message: 'batched',
            MessageAttributes: { channel: { DataType: 'String', StringValue: 'email' } },
          },
          {
            Id: 'bad',
            Message: 'x',
            MessageAttributes: { count: { DataType: 'Number', StringValue: 'many' } },
          },
        ],
      }),
    );
    expect(answer.Successful?.map((entry) => entry.Id)).toEqual(['ok']);
    expect(answer.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', Code: 'InvalidParameterValue', SenderFault: true }),
    ]);
    expect(
      cloud.sns
        .notifications()
        .filter((each) => each.protocol === 'email')
        .map((each) => each.body),
    ).toEqual(['batched']);
  });

  it('answers ListTopics and GetTopicAttributes to a caller allowed them', async () => {
    const operator = new SNSClient({
      region: 'eu-west-1',
      endpoint: cloud.endpoint.url,
      credentials: operatorCredentials,
    });
    const { Topics } = await operator.send(new ListTopicsCommand({}));
    expect(Topics).toEqual([{ TopicArn: topicArn }]);
    const { Attributes } = await operator.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(Attributes).toMatchObject({ TopicArn: topicArn, SubscriptionsConfirmed: '8' });
  });

  it('refuses a publisher the topic policy denies, though its role allows it', async () => {
    await expect(
      clientAs('Denied').send(new PublishCommand({ TopicArn: topicArn, Message: 'hi' })),
    ).rejects.toMatchObject({
      name: 'AuthorizationErrorException',
      message: expect.stringContaining('explicit deny in a resource-based policy') as unknown,
    });
  });

  it('refuses an SNS action it does not serve, naming those it does', async () => {
    const operator = new SNSClient({
      region: 'eu-west-1',
      endpoint: cloud.endpoint.url,
      credentials: operatorCredentials,
    });
    await expect(
      operator.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '+31600000001' })),
    ).rejects.toMatchObject({
      name: 'InvalidAction',
      message: expect.stringContaining('serves Publish, PublishBatch') as unknown,
    });
  });

  it('answers NotFound for a topic that does not exist', async () => {
    await expect(
      clientAs('Publisher').send(new PublishCommand({ TopicArn: `${topicArn}-gone`, Message: 'hi' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('fires cron(0 9 * * ? *) in Europe/Amsterdam at 08:00Z in winter and 07:00Z after the clocks go forward', async () => {
    const listing = await fetch(`${cloud.url}/_local/schedules`);
    const { schedules } = (await listing.json()) as { schedules: Array<{ name: string; nextRun: string }> };
    const morning = schedules.find((each) => each.name.includes('Morning'));
    expect(morning?.nextRun).toBe('2027-03-27T08:00:00.000Z');

    await clock.advanceTo(Date.parse('2027-03-27T07:59:59Z'));
    expect(bodies('mornings')).toEqual([]);
    await clock.advanceTo(Date.parse('2027-03-27T08:00:00Z'));
    expect(bodies('mornings')).toEqual(['{"at":"2027-03-27T08:00:00Z"}']);
    await clock.advanceTo(Date.parse('2027-03-28T06:59:59Z'));
    expect(bodies('mornings')).toHaveLength(1);
    await clock.advanceTo(Date.parse('2027-03-28T07:00:00Z'));
    expect(bodies('mornings')).toEqual(['{"at":"2027-03-27T08:00:00Z"}', '{"at":"2027-03-28T07:00:00Z"}']);
  });

  it('retries a target its role may not reach, then sends the event to the dead-letter queue', () => {
    // The Failing schedule ran at 06:30Z on the 27th and the 28th; its retries ran as the clock moved on.
    const [dead] = byName('failing-dlq').messages();
    expect(bodies('unreachable')).toEqual([]);
    expect(dead?.messageAttributes).toMatchObject({
      ERROR_CODE: { DataType: 'String', StringValue: 'AccessDeniedException' },
      EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' },
      RETRY_ATTEMPTS: { StringValue: '2' },
      SCHEDULED_TIME: { StringValue: '2027-03-27T06:30:00Z' },
    });
    expect(cloud.scheduler.invocations()).toContainEqual(
      expect.objectContaining({
        status: 'DEAD_LETTERED',
        attempts: 3,
        scheduledTime: '2027-03-27T06:30:00Z',
      }),
    );
  });

  it('drops the dead letter of a schedule whose role may not send to its dead-letter queue', () => {
    expect(bodies('orphan-dlq')).toEqual([]);
    expect(cloud.scheduler.invocations()).toContainEqual(
      expect.objectContaining({
        scheduledTime: '2027-03-27T03:00:00Z',
        status: 'DROPPED',
        error: expect.stringMatching(
          /refused it too: .*not authorized to perform: sqs:SendMessage/,
        ) as unknown,
      }),
    );
  });

  it('dead-letters a Step Functions target whose role may not start the execution, after its retries', () => {
    // at(2027-03-27T10:00:00) in Amsterdam is 09:00Z; the role may write its dead letters, nothing else.
    const [dead] = byName('workflow-dlq').messages();
    expect(dead?.messageAttributes['SCHEDULED_TIME']?.StringValue).toBe('2027-03-27T09:00:00Z');
    expect(dead?.messageAttributes['ERROR_CODE']?.StringValue).toBe('AccessDeniedException');
    expect(dead?.messageAttributes['ERROR_MESSAGE']?.StringValue).toMatch(
      /not authorized to perform: states:StartExecution on resource: .*stateMachine:bake/,
    );
    expect(dead?.messageAttributes['RETRY_ATTEMPTS']?.StringValue).toBe('0');
  });

  it('delivers a scheduled rule every hour, as the rules deliver an event', async () => {
    await cloud.rules.idle();
    const hourly = bodies('hourly').map((body) => JSON.parse(body) as Record<string, unknown>);
    // Every hour from 2027-03-26T13:00Z to 2027-03-28T07:00Z.
    expect(hourly).toHaveLength(43);
    expect(hourly[0]).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2027-03-26T13:00:00Z',
    });
  });

  it('makes a delayed message visible when the clock passes its delay', async () => {
    const delayed = byName('delayed');
    delayed.send({ body: 'later', senderId: 'test' });
    expect(delayed.receive(1)).toEqual([]);
    await clock.advance(5 * 60_000);
    expect(delayed.receive(1).map(({ message }) => message.body)).toEqual(['later']);
  });

  it('sweeps an item whose TTL the clock has passed, and keeps it until then', async () => {
    const client = new DynamoDBClient({
      region: 'eu-west-1',
      endpoint: cloud.endpoint.url,
      credentials: operatorCredentials,
    });
    const expiresAt = Math.floor(clock.now() / 1000) + 3600;
    await client.send(
      new PutItemCommand({
        TableName: 'sessions',
        Item: { pk: { S: 's-1' }, expiresAt: { N: String(expiresAt) } },
      }),
    );
    const get = () => client.send(new GetItemCommand({ TableName: 'sessions', Key: { pk: { S: 's-1' } } }));
    expect(await cloud.endpoint.timeToLive.sweep()).toBe(0);
    expect((await get()).Item).toBeDefined();
    await clock.advance(2 * 3600_000);
    expect(await cloud.endpoint.timeToLive.sweep()).toBe(1);
    expect((await get()).Item).toBeUndefined();
  });

  it('lists the topics with their subscriptions and the schedules with their next runs, as npm start prints them', () => {
    const text = formatMessaging(describeMessaging(cloud.model, cloud.scheduler.describe()));
    expect(text).toMatch(
      /^topic slice-dev-notifications +sms \+31600000000 \(filtered\), email cook@example.com \(filtered\), sqs orders-envelope \(filtered\), /m,
    );
    expect(text).toMatch(
      /^schedule SliceNotify-dev-Morning\w+ +cron\(0 9 \* \* \? \*\) Europe\/Amsterdam, next 2027-03-\d\dT0[78]:00:00.000Z$/m,
    );
    expect(text).toMatch(/^rule SliceNotify-dev-Hourly\w+ +rate\(1 hour\) UTC, next /m);
  });

  it('re-arms a schedule a redeploy changed and keeps the topics serving', async () => {
    const summary = await cloud.redeploy(synthesize(root, '10'));
    expect(summary.assembly).toContain('notify');
    const morning = cloud.scheduler.describe().find((each) => each.name.includes('Morning'));
    expect(morning).toMatchObject({ expression: 'cron(0 10 * * ? *)', timezone: 'Europe/Amsterdam' });
    const { MessageId } = await clientAs('Publisher').send(
      new PublishCommand({ TopicArn: topicArn, Message: 'still here' }),
    );
    expect(MessageId).toBeDefined();
  }, 60_000);
});
