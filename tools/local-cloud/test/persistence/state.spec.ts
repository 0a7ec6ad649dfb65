import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueueSpec } from '../../src/assembly';
import { createQueueStore, createStreamStore } from '../../src/endpoint';
import { journalFileName, openLocalState, type LocalState } from '../../src/persistence/state';
import { region, testTable } from '../aws-fixtures';

const orders = testTable('Orders', { viewType: 'NEW_AND_OLD_IMAGES' });

const queueSpec = (name: string, properties: Record<string, unknown> = {}): QueueSpec => ({
  id: `SliceKitchen-dev/${name}`,
  stackName: 'SliceKitchen-dev',
  logicalId: name,
  queueName: name,
  url: `https://sqs.${region}.amazonaws.com/000000000000/${name}`,
  arn: `arn:aws:sqs:${region}:000000000000:${name}`,
  properties,
});
const deadLetters = queueSpec('tickets-dlq');
const tickets = queueSpec('tickets', {
  VisibilityTimeout: 30,
  RedrivePolicy: { deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 1 },
});

const hour = 60 * 60 * 1000;

describe('openLocalState', () => {
  let dataDir: string;
  let now: number;
  const clock = () => now;
  const opened: LocalState[] = [];
  /** Opens the state as a restarted local cloud would (the previous one never closed it: it was killed). */
  const restart = (options: { maxEvents?: number } = {}) => {
    const state = openLocalState(dataDir, { now: clock, sync: false, ...options });
    opened.push(state);
    return state;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'slice-state-'));
    now = Date.UTC(2026, 11, 1, 12);
  });

  afterEach(() => {
    for (const state of opened.splice(0)) state.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const streamsOf = (state: LocalState) => {
    const streams = createStreamStore({ region, now: clock, journal: state.streams });
    streams.add([orders]);
    const stream = streams.forTable(orders.tableName);
    if (!stream) throw new Error('the orders table has no stream');
    return stream;
  };

  it('keeps stream records in order and numbers new ones after them', () => {
    // Prepare
    const before = streamsOf(restart());
    before.append({ newItem: { pk: { S: 'order-1' } } });
    before.append({
      oldItem: { pk: { S: 'order-1' } },
      newItem: { pk: { S: 'order-1' }, status: { S: 'paid' } },
    });

    // Act
    const after = streamsOf(restart());
    const next = after.append({ newItem: { pk: { S: 'order-2' } } });

    // Assess
    expect(after.entries.map(({ record }) => [record.eventName, record.dynamodb.Keys])).toEqual([
      ['INSERT', { pk: { S: 'order-1' } }],
      ['MODIFY', { pk: { S: 'order-1' } }],
      ['INSERT', { pk: { S: 'order-2' } }],
    ]);
    expect(after.entries.map(({ record }) => record.eventID)).toEqual([
      ...before.entries.map(({ record }) => record.eventID),
      next?.eventID,
    ]);
    expect(next?.dynamodb.SequenceNumber).toBe('3'.padStart(21, '0'));
  });

  it('drops stream records older than 24 hours, and still numbers new records after them', () => {
    streamsOf(restart()).append({ newItem: { pk: { S: 'order-1' } } });
    now += 25 * hour;

    const after = streamsOf(restart());
    const next = after.append({ newItem: { pk: { S: 'order-2' } } });

    expect(after.entries.map(({ record }) => record.dynamodb.Keys)).toEqual([{ pk: { S: 'order-2' } }]);
    expect(next?.dynamodb.SequenceNumber).toBe('2'.padStart(21, '0'));
  });

  it('keeps the last checkpoint of each mapping', () => {
    const before = restart();
    before.checkpoints.set('SliceOrders-dev/Publish', '1'.padStart(21, '0'));
    before.checkpoints.set('SliceOrders-dev/Publish', '7'.padStart(21, '0'));

    const after = restart();

    expect(after.checkpoints.get('SliceOrders-dev/Publish')).toBe('7'.padStart(21, '0'));
    expect(after.checkpoints.get('SliceOrders-dev/Other')).toBeUndefined();
  });

  it('forgets the checkpoint of a mapping that changed, across a restart too', () => {
    const before = restart();
    before.checkpoints.set('SliceOrders-dev/Publish', '7'.padStart(21, '0'));
    before.checkpoints.forget('SliceOrders-dev/Publish');

    expect(before.checkpoints.get('SliceOrders-dev/Publish')).toBeUndefined();
    expect(restart().checkpoints.get('SliceOrders-dev/Publish')).toBeUndefined();
  });

  it('keeps queue messages with their receive counts, visibility and receipt handles', () => {
    // Prepare: one message received (in flight), one waiting.
    const before = createQueueStore([tickets, deadLetters], clock, restart().queues);
    const queue = before.byArn(tickets.arn);
    queue?.send({ body: 'first', senderId: 'events.amazonaws.com' });
    queue?.send({ body: 'second', senderId: 'events.amazonaws.com' });
    const [received] = queue?.receive(1) ?? [];

    // Act
    const after = createQueueStore([tickets, deadLetters], clock, restart().queues).byArn(tickets.arn);

    // Assess: the received one stays invisible until its timeout, then comes back counted.
    expect(after?.messages().map((message) => [message.body, message.receiveCount])).toEqual([
      ['first', 1],
      ['second', 0],
    ]);
    expect(after?.receive(10).map(({ message }) => message.body)).toEqual(['second']);
    now += 31_000;
    expect(after?.delete(received?.receiptHandle ?? '')).toBe(true);
    expect(after?.messages().map((message) => message.body)).toEqual(['second']);
  });

  it('forgets deleted messages and keeps one moved to the dead-letter queue there only', () => {
    // Prepare: "second" is received once and comes back; its next receive moves it to the DLQ.
    const before = createQueueStore([tickets, deadLetters], clock, restart().queues);
    const queue = before.byArn(tickets.arn);
    queue?.send({ body: 'first', senderId: 'events.amazonaws.com' });
    queue?.send({ body: 'second', senderId: 'events.amazonaws.com' });
    const [first, second] = queue?.receive(2) ?? [];
    queue?.delete(first?.receiptHandle ?? '');
    now += 31_000;
    expect(queue?.receive(1)).toEqual([]);
    expect(second?.message.body).toBe('second');

    // Act
    const after = createQueueStore([tickets, deadLetters], clock, restart().queues);

    // Assess
    expect(after.byArn(tickets.arn)?.messages()).toEqual([]);
    expect(
      after
        .byArn(deadLetters.arn)
        ?.messages()
        .map((message) => message.body),
    ).toEqual(['second']);
  });

  it('keeps the event log, capped at its newest events', () => {
    const before = restart();
    for (const n of [1, 2, 3])
      before.events.appended({
        id: `event-${n}`,
        time: '2026-12-01T12:00:00Z',
        source: 'slice.orders',
        detailType: 'OrderPlaced',
        detail: { n },
        eventBusName: 'slice-dev',
        resources: [],
        functionId: 'SliceOrders-dev/PublishOrderEvents',
      });

    expect(restart({ maxEvents: 2 }).events.restored.map((event) => event.id)).toEqual([
      'event-2',
      'event-3',
    ]);
  });

  it('compacts the journal on start to what is still held', () => {
    // Prepare: a hundred checkpoints of one mapping.
    const before = restart();
    for (let n = 1; n <= 100; n += 1)
      before.checkpoints.set('SliceOrders-dev/Publish', String(n).padStart(21, '0'));
    const lines = () => readFileSync(join(dataDir, journalFileName), 'utf8').trim().split('\n').length;
    expect(lines()).toBe(101);

    // Act
    restart();

    // Assess: the sequence high-water mark and the last checkpoint.
    expect(lines()).toBe(2);
  });
});
