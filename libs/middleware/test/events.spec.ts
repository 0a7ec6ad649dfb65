import { marshall } from '@aws-sdk/util-dynamodb';
import { defineEvent } from '@slice/contract';
import { lambdaContext } from '@slice/testing';
import type { DynamoDBRecord, DynamoDBStreamEvent, EventBridgeEvent, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import {
  currentCausationId,
  currentCorrelationId,
  eventbridge,
  schedule,
  sqs,
  stream,
  task,
  type StreamChange,
} from '../src';

const PizzaBaked = defineEvent({
  source: 'slice.kitchen',
  detailType: 'PizzaBaked',
  version: 1,
  description: 'A pizza left the oven.',
  entity: { pizza: z.strictObject({ id: z.string() }) },
});

const detail = {
  id: 'e-1',
  occurredAt: '2026-11-27T10:00:00.000Z',
  correlationId: 'corr-7',
  version: 1,
  pizza: { id: 'p-1' },
};
const bridgeEvent = (
  overrides: Partial<EventBridgeEvent<string, unknown>> = {},
): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: 'evt-1',
  'detail-type': 'PizzaBaked',
  source: 'slice.kitchen',
  account: '123456789012',
  time: '2026-11-27T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
  ...overrides,
});

const streamRecord = (
  id: string,
  eventName: 'INSERT' | 'REMOVE' = 'INSERT',
  principal?: string,
): DynamoDBRecord => ({
  eventID: id,
  eventName,
  eventSource: 'aws:dynamodb',
  ...(principal ? { userIdentity: { type: 'Service', principalId: principal } } : {}),
  dynamodb: {
    Keys: marshall({ pk: `PIZZA#${id}` }) as never,
    ...(eventName === 'INSERT'
      ? { NewImage: marshall({ pk: `PIZZA#${id}`, name: id, correlationId: `corr-${id}` }) as never }
      : {}),
    ...(eventName === 'REMOVE' ? { OldImage: marshall({ pk: `PIZZA#${id}`, name: id }) as never } : {}),
    SequenceNumber: `${id}00`,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

describe('eventbridge()', () => {
  it('hands the parsed detail to the function under the event correlation id', async () => {
    const seen: Array<[unknown, string | undefined]> = [];
    const handler = eventbridge(PizzaBaked, (parsed) => {
      seen.push([parsed.pizza.id, currentCorrelationId()]);
      return Promise.resolve();
    });
    await handler(bridgeEvent(), lambdaContext());
    expect(seen).toEqual([['p-1', 'corr-7']]);
  });

  it('fails on a detail that breaks the contract, so the event is retried and dead-lettered', async () => {
    const fn = jest.fn(() => Promise.resolve());
    const handler = eventbridge(PizzaBaked, fn);
    await expect(handler(bridgeEvent({ detail: { ...detail, pizza: {} } }), lambdaContext())).rejects.toThrow(
      /detail.pizza.id/,
    );
    await expect(handler(bridgeEvent({ 'detail-type': 'PizzaBurnt' }), lambdaContext())).rejects.toThrow(
      /Expected slice.kitchen PizzaBaked/,
    );
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('stream()', () => {
  it('stops at the first failing record and reports it, so the stream is retried from there in order', async () => {
    const handled: StreamChange[] = [];
    const handler = stream((change) => {
      if (change.keys.pk === 'PIZZA#b') return Promise.reject(new Error('bus down'));
      handled.push(change);
      return Promise.resolve();
    });
    const event: DynamoDBStreamEvent = { Records: [streamRecord('a'), streamRecord('b'), streamRecord('c')] };
    const result = await handler(event, lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'b00' }] });
    expect(handled.map((change) => change.newImage?.name)).toEqual(['a']);
  });

  it('unmarshalls images and marks deletions made by TTL', async () => {
    const handled: StreamChange[] = [];
    const handler = stream((change) => {
      handled.push(change);
      return Promise.resolve();
    });
    await handler(
      { Records: [streamRecord('d', 'REMOVE', 'dynamodb.amazonaws.com'), streamRecord('e', 'REMOVE')] },
      lambdaContext(),
    );
    expect(handled).toEqual([
      expect.objectContaining({
        eventName: 'REMOVE',
        oldImage: { pk: 'PIZZA#d', name: 'd' },
        removedByTtl: true,
      }),
      expect.objectContaining({ eventName: 'REMOVE', removedByTtl: false }),
    ]);
  });
});

describe('sqs()', () => {
  const message = (id: string, body: string) => ({
    messageId: id,
    receiptHandle: id,
    body,
    attributes: {} as never,
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:tickets',
    awsRegion: 'us-east-1',
  });

  it('parses each body against its schema and reports a poison message alone', async () => {
    const handled: string[] = [];
    const handler = sqs({ schema: z.strictObject({ ticket: z.string() }) }, ({ ticket }) => {
      handled.push(ticket);
      return Promise.resolve();
    });
    const event: SQSEvent = {
      Records: [
        message('m1', '{"ticket":"t1"}'),
        message('m2', 'not json'),
        message('m3', '{"ticket":3}'),
        message('m4', '{"ticket":"t4"}'),
      ],
    };
    const result = await handler(event, lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
    expect(handled).toEqual(['t1', 't4']);
  });
});

describe('schedule()', () => {
  it('runs with a correlation id taken from the scheduled event', async () => {
    let seen: string | undefined;
    const handler = schedule(() => {
      seen = currentCorrelationId();
      return Promise.resolve();
    });
    await handler(
      {
        ...bridgeEvent(),
        id: 'sched-1',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        detail: {},
      } as never,
      lambdaContext(),
    );
    expect(seen).toBe('sched-1');
  });
});

describe('the causation id of each trigger', () => {
  const causeSeen = () => {
    const seen: Array<string | undefined> = [];
    return { seen, record: () => void seen.push(currentCausationId()) };
  };

  it('is the envelope id of the event an EventBridge target handles', async () => {
    const { seen, record } = causeSeen();
    await eventbridge(PizzaBaked, () => Promise.resolve(record()))(bridgeEvent(), lambdaContext());
    expect(seen).toEqual(['e-1']);
  });

  it('is the event an SQS message carries, else the message itself', async () => {
    const { seen, record } = causeSeen();
    const handler = sqs({}, () => Promise.resolve(record()));
    const message = (id: string, body: unknown) => ({
      messageId: id,
      receiptHandle: id,
      body: JSON.stringify(body),
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:tickets',
      awsRegion: 'us-east-1',
    });
    await handler(
      { Records: [message('m1', bridgeEvent()), message('m2', { ticket: 't2' })] },
      lambdaContext(),
    );
    expect(seen).toEqual(['e-1', 'm2']);
  });

  it('is the cause a stream row names (the request that wrote it), else the stream record', async () => {
    const { seen, record } = causeSeen();
    const written = streamRecord('a');
    written.dynamodb = {
      ...written.dynamodb,
      NewImage: marshall({ pk: 'PIZZA#a', causationId: 'request-1' }) as never,
    };
    await stream(() => Promise.resolve(record()))({ Records: [written, streamRecord('b')] }, lambdaContext());
    expect(seen).toEqual(['request-1', 'b']);
  });

  it('is the cause a workflow passes to its task, else the task invocation', async () => {
    const { seen, record } = causeSeen();
    const handler = task(z.object({ causationId: z.string().optional() }), () => Promise.resolve(record()));
    await handler({ causationId: 'order-1:placed' }, lambdaContext());
    await handler({}, { ...lambdaContext(), awsRequestId: 'invocation-2' });
    expect(seen).toEqual(['order-1:placed', 'invocation-2']);
  });
});
