import { createHash } from 'node:crypto';
import type { QueueSpec } from '../../../src/assembly';
import {
  type AwsEndpoint,
  createLocalIdentities,
  createQueueStore,
  md5OfMessageAttributes,
  sqsCall,
  startAwsEndpoint,
} from '../../../src/endpoint';
import type { FunctionSpec } from '../../../src/model';
import { testFunction } from '../../aws-fixtures';

const region = 'eu-west-1';
const accountId = '000000000000';

function queue(name: string, properties: Record<string, unknown> = {}): QueueSpec {
  return {
    id: `SliceKitchen-dev/${name}`,
    stackName: 'SliceKitchen-dev',
    logicalId: name,
    queueName: name,
    url: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
    arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
    properties,
  };
}

const deadLetters = queue('tickets-dlq');
const tickets = queue('tickets', {
  VisibilityTimeout: 30,
  RedrivePolicy: { deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 },
});

describe('createQueueStore', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('hides a received message for the visibility timeout, then hands it out again', () => {
    const store = createQueueStore([tickets, deadLetters], clock);
    const queue = store.byArn(tickets.arn)!;
    queue.send({ body: 'one', senderId: 'test' });

    const [first] = queue.receive(10);
    expect(first?.message.body).toBe('one');
    expect(queue.receive(10)).toHaveLength(0);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });

    now += 29_999;
    expect(queue.receive(10)).toHaveLength(0);
    now += 1;
    const [again] = queue.receive(10);
    expect(again?.message.receiveCount).toBe(2);
    expect(again?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue on its next receive', () => {
    const store = createQueueStore([tickets, deadLetters], clock);
    const queue = store.byArn(tickets.arn)!;
    const sent = queue.send({
      body: 'poison',
      senderId: 'test',
      messageAttributes: { kind: { DataType: 'String', StringValue: 'x' } },
    });

    expect(queue.receive(1, 1)).toHaveLength(1);
    now += 1000;
    expect(queue.receive(1, 1)).toHaveLength(1);
    now += 1000;
    expect(queue.receive(1, 1)).toHaveLength(0);

    expect(queue.messages()).toHaveLength(0);
    const moved = store.byArn(deadLetters.arn)!.messages();
    expect(moved.map((message) => message.body)).toEqual(['poison']);
    expect(moved[0]?.messageId).toBe(sent.messageId);
    expect(moved[0]?.messageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'x' } });
  });

  it('deletes a message by its latest receipt handle only', () => {
    const store = createQueueStore([tickets], clock);
    const queue = store.byArn(tickets.arn)!;
    queue.send({ body: 'one', senderId: 'test' });
    const [first] = queue.receive(1, 1);
    now += 1000;
    const [second] = queue.receive(1, 1);

    expect(queue.delete(first!.receiptHandle)).toBe(false);
    expect(queue.delete(second!.receiptHandle)).toBe(true);
    expect(queue.messages()).toHaveLength(0);
  });

  it('changes the visibility of an in-flight message and refuses it for a visible one', () => {
    const store = createQueueStore([tickets], clock);
    const queue = store.byArn(tickets.arn)!;
    queue.send({ body: 'one', senderId: 'test' });
    const [received] = queue.receive(1);

    queue.changeVisibility(received!.receiptHandle, 0);
    expect(queue.counts().visible).toBe(1);
    expect(() => queue.changeVisibility(received!.receiptHandle, 10)).toThrow(
      /not available for visibility timeout change/,
    );
  });

  it('delays a message by the queue DelaySeconds or its own', () => {
    const store = createQueueStore([queue('slow', { DelaySeconds: 5 })], clock);
    const slow = store.byUrlOrName('slow')!;
    slow.send({ body: 'later', senderId: 'test' });
    slow.send({ body: 'now', senderId: 'test', delaySeconds: 0 });

    expect(slow.receive(10).map((received) => received.message.body)).toEqual(['now']);
    expect(slow.counts().delayed).toBe(1);
    now += 5000;
    expect(slow.receive(10).map((received) => received.message.body)).toEqual(['later']);
  });
});

describe('sqsCall', () => {
  const small = queue('small', { MaximumMessageSize: 1024 });
  /** One call as the endpoint makes it: a thrown error becomes the rejection. */
  const call = async (operation: string, payload: Record<string, unknown>) =>
    sqsCall(operation, payload, createQueueStore([small]), 'test', region, accountId).answer();

  it("refuses a message over the queue's MaximumMessageSize, body and attributes counted", async () => {
    await expect(
      call('SendMessage', { QueueUrl: small.url, MessageBody: 'x'.repeat(1024) }),
    ).resolves.toEqual(expect.objectContaining({ MessageId: expect.any(String) as unknown }));
    await expect(
      call('SendMessage', {
        QueueUrl: small.url,
        MessageBody: 'x'.repeat(1000),
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'y'.repeat(20) } },
      }),
    ).rejects.toMatchObject({ type: 'com.amazonaws.sqs#InvalidParameterValue' });
  });

  it.each([
    ['no DataType', { kind: { StringValue: 'pizza' } }],
    ['an unknown DataType', { kind: { DataType: 'Text', StringValue: 'pizza' } }],
    ['no value', { kind: { DataType: 'String' } }],
    ['a binary type with a string value', { kind: { DataType: 'Binary', StringValue: 'pizza' } }],
    [
      'more than 10 attributes',
      Object.fromEntries(
        Array.from({ length: 11 }, (_, index) => [`a${index}`, { DataType: 'String', StringValue: 'v' }]),
      ),
    ],
  ])('refuses message attributes with %s as InvalidParameterValue', async (_what, attributes) => {
    await expect(
      call('SendMessage', { QueueUrl: small.url, MessageBody: 'x', MessageAttributes: attributes }),
    ).rejects.toMatchObject({ status: 400, type: 'com.amazonaws.sqs#InvalidParameterValue' });
  });

  it('refuses a WaitTimeSeconds over 20 instead of shortening it', async () => {
    await expect(call('ReceiveMessage', { QueueUrl: small.url, WaitTimeSeconds: 21 })).rejects.toMatchObject({
      type: 'com.amazonaws.sqs#InvalidParameterValue',
    });
  });

  it('refuses an SQS operation it does not implement with UnsupportedOperation', async () => {
    await expect(call('PurgeQueue', { QueueUrl: small.url })).rejects.toMatchObject({
      status: 400,
      type: 'com.amazonaws.sqs#UnsupportedOperation',
    });
  });

  it('names the entry type of the batch operation in EmptyBatchRequest', async () => {
    await expect(call('DeleteMessageBatch', { QueueUrl: small.url, Entries: [] })).rejects.toMatchObject({
      type: 'com.amazonaws.sqs#EmptyBatchRequest',
      message: expect.stringContaining('DeleteMessageBatchRequestEntry') as unknown,
    });
  });
});

describe('md5OfMessageAttributes', () => {
  it('computes the digest SQS answers for message attributes', () => {
    // The digest an independent implementation of SQS's algorithm gives for this attribute.
    expect(md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } })).toBe(
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
  });
});

describe('the SQS API of the local endpoint', () => {
  const local = createLocalIdentities();
  let aws: AwsEndpoint;

  const fn = (name: string, actions: string[]) =>
    testFunction(name, [{ Effect: 'Allow', Action: actions, Resource: tickets.arn }], {
      stack: 'SliceKitchen-dev',
      accountId,
    });
  const producer = fn('Producer', ['sqs:SendMessage', 'sqs:GetQueueUrl']);
  const consumer = fn('Consumer', [
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:GetQueueAttributes',
  ]);

  /** An SQS call in the AWS JSON protocol, signed (as far as the endpoint looks) by `caller`. */
  const sqs = async (caller: FunctionSpec, operation: string, body: Record<string, unknown>) => {
    const { accessKeyId } = local.credentialsFor(caller);
    const response = await fetch(aws.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AmazonSQS.${operation}`,
        authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261127/${region}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    for (const spec of [producer, consumer]) local.credentialsFor(spec);
    aws = await startAwsEndpoint({
      region,
      accountId,
      tables: [],
      functions: [producer, consumer],
      identities: local.identities,
      parameters: new Map(),
      iam: 'enforce',
      queues: [tickets, deadLetters],
    });
  });
  afterAll(() => aws.stop());
  // Each test starts with empty queues.
  beforeEach(() => {
    for (const each of aws.queues.all()) {
      for (const { receiptHandle } of each.receive(1000, 0)) each.delete(receiptHandle);
    }
  });

  it('sends, receives and deletes a message, answering the MD5 of the body', async () => {
    const { body: url } = await sqs(producer, 'GetQueueUrl', { QueueName: 'tickets' });
    expect(url).toEqual({ QueueUrl: tickets.url });

    const sent = await sqs(producer, 'SendMessage', {
      QueueUrl: tickets.url,
      MessageBody: '{"order":"ord_1"}',
    });
    expect(sent.status).toBe(200);
    expect(sent.body.MD5OfMessageBody).toBe(createHash('md5').update('{"order":"ord_1"}').digest('hex'));

    const received = await sqs(consumer, 'ReceiveMessage', {
      QueueUrl: tickets.url,
      MaxNumberOfMessages: 10,
    });
    const messages = received.body.Messages as Array<Record<string, unknown>>;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      MessageId: sent.body.MessageId,
      Body: '{"order":"ord_1"}',
      Attributes: { ApproximateReceiveCount: '1' },
    });

    const attributes = await sqs(consumer, 'GetQueueAttributes', {
      QueueUrl: tickets.url,
      AttributeNames: ['All'],
    });
    expect(attributes.body.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      QueueArn: tickets.arn,
    });

    await sqs(consumer, 'DeleteMessage', {
      QueueUrl: tickets.url,
      ReceiptHandle: messages[0]?.ReceiptHandle,
    });
    expect(aws.queues.byArn(tickets.arn)?.messages()).toHaveLength(0);
  });

  it('denies a call the role does not allow with AccessDeniedException', async () => {
    const denied = await sqs(producer, 'ReceiveMessage', { QueueUrl: tickets.url });
    expect(denied.status).toBe(400);
    expect(String(denied.body.__type)).toMatch(/AccessDeniedException$/);
    expect(String(denied.body.message)).toContain(`sqs:ReceiveMessage on resource: ${tickets.arn}`);
  });

  it('answers QueueDoesNotExist for an unknown queue', async () => {
    const answer = await sqs(producer, 'SendMessage', { QueueUrl: `${tickets.url}-nope`, MessageBody: 'x' });
    expect(answer.body.__type).toBe('com.amazonaws.sqs#QueueDoesNotExist');
  });

  it('reports each batch entry, refuses more than 10 and refuses a message over 256 KB', async () => {
    const batch = await sqs(producer, 'SendMessageBatch', {
      QueueUrl: tickets.url,
      Entries: [
        { Id: 'a', MessageBody: 'fine' },
        { Id: 'b', MessageBody: '' },
      ],
    });
    expect((batch.body.Successful as unknown[]).map((entry) => (entry as { Id: string }).Id)).toEqual(['a']);
    expect(batch.body.Failed).toEqual([
      expect.objectContaining({ Id: 'b', SenderFault: true, Code: 'MissingParameter' }),
    ]);

    const tooMany = await sqs(producer, 'SendMessageBatch', {
      QueueUrl: tickets.url,
      Entries: Array.from({ length: 11 }, (_, index) => ({ Id: `m${index}`, MessageBody: 'x' })),
    });
    expect(tooMany.body.__type).toBe('com.amazonaws.sqs#TooManyEntriesInBatchRequest');

    const huge = await sqs(producer, 'SendMessage', {
      QueueUrl: tickets.url,
      MessageBody: 'x'.repeat(256 * 1024 + 1),
    });
    expect(huge.body.__type).toBe('com.amazonaws.sqs#InvalidParameterValue');
  });

  it('long-polls: a ReceiveMessage waiting for messages answers when one is sent', async () => {
    const started = Date.now();
    const waiting = sqs(consumer, 'ReceiveMessage', { QueueUrl: tickets.url, WaitTimeSeconds: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sqs(producer, 'SendMessage', { QueueUrl: tickets.url, MessageBody: 'late' });

    const received = await waiting;
    expect((received.body.Messages as Array<{ Body: string }>).map((message) => message.Body)).toEqual([
      'late',
    ]);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('injects a fault into the next call of an action only', async () => {
    aws.faults.failNext('sqs:SendMessage', 1, 'server-error');
    const failed = await sqs(producer, 'SendMessage', { QueueUrl: tickets.url, MessageBody: 'x' });
    expect(failed.status).toBe(500);
    const next = await sqs(producer, 'SendMessage', { QueueUrl: tickets.url, MessageBody: 'x' });
    expect(next.status).toBe(200);
  });
});
