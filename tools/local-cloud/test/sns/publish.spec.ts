import {
  DeliveryFailure,
  deliveryPermission,
  planOperation,
  readSubscription,
  readTopic,
  resourcePolicyAllows,
  SnsError,
  SnsTemplateError,
} from '../../src/services/sns';
import { functionArn, harness, queueArn, site, TOPIC_ARN } from './fixtures';

const placed = { kind: { DataType: 'String', StringValue: 'placed' } };

describe('Sns.publish', () => {
  it('reaches exactly the subscriptions whose filter policies match', async () => {
    const { sns, subscribe, bodiesOf } = harness();
    subscribe('Placed', {
      Protocol: 'sqs',
      Endpoint: queueArn('placed'),
      FilterPolicy: { kind: ['placed'] },
    });
    subscribe('Cancelled', {
      Protocol: 'sqs',
      Endpoint: queueArn('cancelled'),
      FilterPolicy: '{"kind":["cancelled"]}',
    });
    subscribe('All', { Protocol: 'sqs', Endpoint: queueArn('all') });

    await sns.publish({ TopicArn: TOPIC_ARN, Message: 'order o-1', MessageAttributes: placed });

    expect(bodiesOf('placed')).toHaveLength(1);
    expect(bodiesOf('cancelled')).toHaveLength(0);
    expect(bodiesOf('all')).toHaveLength(1);
  });

  it('delivers AWS envelope to SQS, with the attributes as {Type, Value}', async () => {
    const { sns, subscribe, bodiesOf } = harness();
    subscribe('Queue', { Protocol: 'sqs', Endpoint: queueArn('q') });

    const { MessageId } = await sns.publish({
      TopicArn: TOPIC_ARN,
      Message: 'hi',
      Subject: 'Order',
      MessageAttributes: placed,
    });

    const envelope = JSON.parse(bodiesOf('q')[0] ?? '{}') as Record<string, unknown>;
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: TOPIC_ARN,
      Subject: 'Order',
      Message: 'hi',
      Timestamp: '2026-12-01T09:00:00.000Z',
      SignatureVersion: '1',
      SigningCertURL: expect.stringMatching(/^https:\/\/sns\.eu-west-1\.amazonaws\.com\//),
      UnsubscribeURL: expect.stringContaining(`SubscriptionArn=${TOPIC_ARN}:Queue`),
      MessageAttributes: { kind: { Type: 'String', Value: 'placed' } },
    });
    expect(typeof envelope['Signature']).toBe('string');
  });

  it('leaves Subject and MessageAttributes out of the envelope when the message has none', async () => {
    const { sns, subscribe, bodiesOf } = harness();
    subscribe('Queue', { Protocol: 'sqs', Endpoint: queueArn('q') });

    await sns.publish({ TopicArn: TOPIC_ARN, Message: 'hi' });

    const envelope = JSON.parse(bodiesOf('q')[0] ?? '{}') as Record<string, unknown>;
    expect(Object.keys(envelope)).not.toContain('Subject');
    expect(Object.keys(envelope)).not.toContain('MessageAttributes');
  });

  it('delivers the raw message, and its attributes as SQS attributes, with raw delivery', async () => {
    const { sns, subscribe, queues } = harness();
    subscribe('Raw', { Protocol: 'sqs', Endpoint: queueArn('raw'), RawMessageDelivery: 'true' });

    await sns.publish({ TopicArn: TOPIC_ARN, Message: '{"orderId":"o-1"}', MessageAttributes: placed });

    expect(queues[0]).toMatchObject({
      body: '{"orderId":"o-1"}',
      messageAttributes: placed,
      sourceArn: TOPIC_ARN,
    });
  });

  it("invokes a function with Lambda's SNS event", async () => {
    const { sns, subscribe, invocations } = harness();
    subscribe('Fn', { Protocol: 'lambda', Endpoint: functionArn('notify') });

    await sns.publish({ TopicArn: TOPIC_ARN, Message: 'hi', MessageAttributes: placed });

    const record = invocations[0]?.event.Records[0];
    expect(record).toMatchObject({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${TOPIC_ARN}:Fn`,
      Sns: {
        Type: 'Notification',
        Subject: null,
        Message: 'hi',
        MessageAttributes: { kind: { Type: 'String', Value: 'placed' } },
      },
    });
    expect(record?.Sns.SigningCertUrl).toMatch(/^https:/);
  });

  it('captures email, SMS and HTTP deliveries instead of sending them', async () => {
    const { sns, subscribe } = harness();
    subscribe('Mail', { Protocol: 'email', Endpoint: 'ops@example.com' });
    subscribe('Hook', { Protocol: 'https', Endpoint: 'https://example.com/hook' });
    subscribe('Text', { Protocol: 'sms', Endpoint: '+15555550100' });

    await sns.publish({ TopicArn: TOPIC_ARN, Message: 'hi', Subject: 'Alert' });

    const captured = sns.notifications();
    expect(captured.map((n) => n.protocol).sort()).toEqual(['email', 'https', 'sms']);
    expect(captured.find((n) => n.protocol === 'email')).toMatchObject({
      endpoint: 'ops@example.com',
      body: 'hi',
      subject: 'Alert',
    });
    expect(JSON.parse(captured.find((n) => n.protocol === 'https')?.body ?? '{}')).toMatchObject({
      Type: 'Notification',
    });
  });

  it('sends each protocol its own message with MessageStructure json', async () => {
    const { sns, subscribe, bodiesOf } = harness();
    subscribe('Queue', { Protocol: 'sqs', Endpoint: queueArn('q'), RawMessageDelivery: true });
    subscribe('Mail', { Protocol: 'email', Endpoint: 'ops@example.com' });

    await sns.publish({
      TopicArn: TOPIC_ARN,
      MessageStructure: 'json',
      Message: '{"default":"d","sqs":"for sqs"}',
    });

    expect(bodiesOf('q')).toEqual(['for sqs']);
    expect(sns.notifications()[0]?.body).toBe('d');
  });
});

describe('Sns.publish validation', () => {
  it.each([
    [{ TopicArn: TOPIC_ARN }, 'InvalidParameter', /Empty message/],
    [{ Message: 'x' }, 'InvalidParameter', /TopicArn or TargetArn/],
    [{ TopicArn: `${TOPIC_ARN}-missing`, Message: 'x' }, 'NotFound', /Topic does not exist/],
    [{ TopicArn: TOPIC_ARN, Message: 'x', Subject: '\nbad' }, 'InvalidParameter', /Subject/],
    [{ TopicArn: TOPIC_ARN, Message: 'x'.repeat(262_145) }, 'InvalidParameter', /too long/],
    [
      { TopicArn: TOPIC_ARN, Message: '{"sqs":"x"}', MessageStructure: 'json' },
      'InvalidParameter',
      /No default entry/,
    ],
    [
      {
        TopicArn: TOPIC_ARN,
        Message: 'x',
        MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } },
      },
      'InvalidParameterValue',
      /cast/,
    ],
    [
      {
        TopicArn: TOPIC_ARN,
        Message: 'x',
        MessageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'a' } },
      },
      'InvalidParameterValue',
      /name/,
    ],
    [
      { TopicArn: TOPIC_ARN, Message: 'x', MessageAttributes: { a: { DataType: 'Text', StringValue: 'a' } } },
      'InvalidParameterValue',
      /type prefixes/,
    ],
  ])('refuses %j with %s', async (input, code, message) => {
    const { sns, subscribe, queues } = harness();
    subscribe('Queue', { Protocol: 'sqs', Endpoint: queueArn('q') });

    const refusal = sns.publish(input);

    await expect(refusal).rejects.toThrow(SnsError);
    await expect(refusal).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(queues).toHaveLength(0);
  });
});

describe('the redrive policy', () => {
  it('sends a message the queue refuses to the dead-letter queue after the immediate retries', async () => {
    const { sns, subscribe, attempts, bodiesOf } = harness({
      failing: { [queueArn('broken')]: new Error('queue unavailable') },
    });
    subscribe('Broken', {
      Protocol: 'sqs',
      Endpoint: queueArn('broken'),
      RedrivePolicy: { deadLetterTargetArn: queueArn('dlq') },
    });

    await sns.publish({ TopicArn: TOPIC_ARN, Message: 'hi' });

    expect(attempts.get(queueArn('broken'))).toBe(4);
    expect(JSON.parse(bodiesOf('dlq')[0] ?? '{}')).toMatchObject({ Type: 'Notification', Message: 'hi' });
    expect(sns.failures()[0]).toMatchObject({
      attempts: 4,
      deadLetterTargetArn: queueArn('dlq'),
      error: 'queue unavailable',
    });
  });

  it('does not retry a client error, and drops the message without a redrive policy', async () => {
    const { sns, subscribe, attempts, queues } = harness({
      failing: { [functionArn('gone')]: new DeliveryFailure('Function not found', 'client') },
    });
    subscribe('Gone', { Protocol: 'lambda', Endpoint: functionArn('gone') });

    await sns.publish({ TopicArn: TOPIC_ARN, Message: 'hi' });

    expect(attempts.get(functionArn('gone'))).toBe(1);
    expect(queues).toHaveLength(0);
    expect(sns.failures()[0]).toMatchObject({ attempts: 1, error: 'Function not found' });
    expect(sns.failures()[0]).not.toHaveProperty('deadLetterTargetArn');
  });
});

describe('topics and subscriptions from the templates', () => {
  it('refuses FIFO topics with a clear error', () => {
    expect(() => readTopic({ TopicName: 'orders.fifo', FifoTopic: true }, site('Fifo'))).toThrow(
      SnsTemplateError,
    );
    expect(() => readTopic({ FifoTopic: 'true' }, site('Fifo'))).toThrow(
      /Orders\/Fifo: FIFO topics are not supported/,
    );
  });

  it('names a topic without TopicName after its stack and logical id', () => {
    expect(readTopic({}, site('Events')).arn).toBe('arn:aws:sns:eu-west-1:123456789012:Orders-Events');
  });

  it.each([
    [{ Protocol: 'lambda', Endpoint: functionArn('f'), RawMessageDelivery: true }, /RawMessageDelivery/],
    [{ Protocol: 'application', Endpoint: 'arn:x' }, /not served/],
    [{ Protocol: 'sqs', Endpoint: queueArn('q'), FilterPolicy: { a: { b: ['x'] } } }, /FilterPolicy/],
    [{ Protocol: 'sqs', Endpoint: queueArn('q'), FilterPolicyScope: 'Body' }, /FilterPolicyScope/],
    [
      { Protocol: 'sqs', Endpoint: queueArn('q'), RedrivePolicy: '{"deadLetterTargetArn":"nope"}' },
      /RedrivePolicy/,
    ],
  ])('refuses the subscription %j', (properties, message) => {
    expect(() => readSubscription({ TopicArn: TOPIC_ARN, ...properties }, site('Sub'))).toThrow(message);
  });
});

describe('permissions', () => {
  it('asks the publisher for sns:Publish on the topic, for Publish and PublishBatch', async () => {
    const { sns } = harness();

    const publish = planOperation(sns, 'Publish', { TopicArn: TOPIC_ARN, Message: 'x' });
    const batch = planOperation(sns, 'PublishBatch', {
      TopicArn: TOPIC_ARN,
      PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }, { Id: 'b' }],
    });

    expect(publish.permission).toEqual({ action: 'sns:Publish', resource: TOPIC_ARN });
    expect(batch.permission).toEqual({ action: 'sns:Publish', resource: TOPIC_ARN });
    expect(await batch.run()).toMatchObject({
      Successful: [{ Id: 'a' }],
      Failed: [{ Id: 'b', Code: 'InvalidParameter', SenderFault: true }],
    });
  });

  it('refuses a batch SNS refuses as a whole', () => {
    const { sns } = harness();
    const entries = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ Id: `e${i}`, Message: 'x' }));

    const empty = planOperation(sns, 'PublishBatch', { TopicArn: TOPIC_ARN, PublishBatchRequestEntries: [] });
    expect(() =>
      planOperation(sns, 'Publish', { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:nope', Message: 'x' }),
    ).toThrow(/Topic does not exist/);
    const tooMany = planOperation(sns, 'PublishBatch', {
      TopicArn: TOPIC_ARN,
      PublishBatchRequestEntries: entries(11),
    });
    const duplicate = planOperation(sns, 'PublishBatch', {
      TopicArn: TOPIC_ARN,
      PublishBatchRequestEntries: [
        { Id: 'a', Message: 'x' },
        { Id: 'a', Message: 'y' },
      ],
    });

    return Promise.all([
      expect(empty.run()).rejects.toMatchObject({ code: 'EmptyBatchRequest' }),
      expect(tooMany.run()).rejects.toMatchObject({ code: 'TooManyEntriesInBatchRequest' }),
      expect(duplicate.run()).rejects.toMatchObject({ code: 'BatchEntryIdsNotDistinct' }),
    ]);
  });

  it('tells whether a queue policy lets SNS deliver from the topic', () => {
    const subscription = readSubscription(
      { TopicArn: TOPIC_ARN, Protocol: 'sqs', Endpoint: queueArn('q') },
      site('Sub'),
    );
    const permission = deliveryPermission(subscription);
    const statement = (sourceArn: string) => ({
      Effect: 'Allow' as const,
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queueArn('q'),
      Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } },
    });

    expect(permission).toEqual({
      principal: 'sns.amazonaws.com',
      action: 'sqs:SendMessage',
      resource: queueArn('q'),
      sourceArn: TOPIC_ARN,
    });
    expect(resourcePolicyAllows([statement(TOPIC_ARN)], permission!)).toBe(true);
    expect(resourcePolicyAllows([statement(`${TOPIC_ARN}-other`)], permission!)).toBe(false);
    expect(
      resourcePolicyAllows(
        [{ ...statement(TOPIC_ARN), Principal: { Service: 'events.amazonaws.com' } }],
        permission!,
      ),
    ).toBe(false);
    expect(deliveryPermission({ protocol: 'email', endpoint: 'a@b.c', topicArn: TOPIC_ARN })).toBeUndefined();
  });
});
