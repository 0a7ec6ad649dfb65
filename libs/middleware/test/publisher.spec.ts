import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { defineEvent } from '@slice/contract';
import { mockClient } from 'aws-sdk-client-mock';
import * as z from 'zod';
import { createEventPublisher, withCausationId, withCorrelationId } from '../src';

const PizzaBaked = defineEvent({
  source: 'slice.kitchen',
  detailType: 'PizzaBaked',
  version: 2,
  description: 'A pizza left the oven.',
  entity: { pizza: z.strictObject({ id: z.string() }) },
});

const bridge = mockClient(EventBridgeClient);
beforeEach(() => bridge.reset());

const baked = (id: string) => ({
  event: PizzaBaked,
  id,
  occurredAt: '2026-11-27T10:00:00.000Z',
  entity: { pizza: { id } },
});

describe('createEventPublisher', () => {
  it('sends the envelope and entity with the current correlation id', async () => {
    bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const publisher = createEventPublisher({ busName: 'slice-dev', client: new EventBridgeClient({}) });

    await withCorrelationId('corr-9', () => publisher.publish([baked('p-1')]));

    const entry = bridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'slice-dev',
      Source: 'slice.kitchen',
      DetailType: 'PizzaBaked',
    });
    expect(JSON.parse(entry?.Detail ?? '')).toEqual({
      id: 'p-1',
      occurredAt: '2026-11-27T10:00:00.000Z',
      correlationId: 'corr-9',
      causationId: 'p-1',
      version: 2,
      pizza: { id: 'p-1' },
    });
  });

  it('names the cause being handled as the causation id, unless the event names its own', async () => {
    bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const publisher = createEventPublisher({ busName: 'slice-dev', client: new EventBridgeClient({}) });

    await withCausationId('order-1:placed', () =>
      publisher.publish([baked('p-1'), { ...baked('p-2'), causationId: 'ticket-2:accepted' }]),
    );

    const details = (bridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? []).map(
      (entry) => JSON.parse(entry.Detail ?? '{}') as { causationId?: string },
    );
    expect(details.map((sent) => sent.causationId)).toEqual(['order-1:placed', 'ticket-2:accepted']);
  });

  it('sends at most ten entries per call', async () => {
    bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const publisher = createEventPublisher({ busName: 'slice-dev', client: new EventBridgeClient({}) });
    await publisher.publish(Array.from({ length: 23 }, (_, i) => baked(`p-${i}`)));
    expect(bridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([
      10, 10, 3,
    ]);
  });

  it('throws when EventBridge refuses an entry, naming it', async () => {
    bridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: '1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    const publisher = createEventPublisher({ busName: 'slice-dev', client: new EventBridgeClient({}) });
    await expect(publisher.publish([baked('p-1'), baked('p-2')])).rejects.toThrow(
      /refused 1 event\(s\): p-2 \(ThrottlingException\)/,
    );
  });

  it('refuses to publish a detail that breaks the contract', async () => {
    const publisher = createEventPublisher({ busName: 'slice-dev', client: new EventBridgeClient({}) });
    await expect(publisher.publish([{ ...baked('p-1'), entity: { pizza: {} } }])).rejects.toThrow(
      /breaks its contract/,
    );
    expect(bridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
