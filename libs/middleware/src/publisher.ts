import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DetailOf, EventContract, EventEnvelope } from '@slice/contract';
import type * as z from 'zod/mini';
import { currentCausationId, currentCorrelationId } from './correlation';

/** One event to publish: the contract event, its entity fields and its envelope. */
export interface OutgoingEvent<E extends EventContract = EventContract> {
  readonly event: E;
  /** A stable id: the same fact published twice carries the same id, so consumers can dedupe. */
  readonly id: string;
  readonly occurredAt: string;
  /** @default the current correlation id, else the event id */
  readonly correlationId?: string;
  /** The id of what caused this event. @default the current causation id, else the event id */
  readonly causationId?: string;
  readonly entity: E extends EventContract<infer S> ? z.input<z.ZodMiniObject<S>> : never;
}

/** Publishes contract events to the platform bus. */
export interface EventPublisher {
  /** Publishes events in batches of ten; throws when any entry fails, so the caller retries. */
  publish(events: readonly OutgoingEvent[]): Promise<void>;
}

/** Options of {@link createEventPublisher}. */
export interface EventPublisherOptions {
  /** The name (or ARN) of the platform event bus. */
  readonly busName: string;
  /**
   * The client.
   * @default a new EventBridgeClient with the SDK's standard retries
   */
  readonly client?: EventBridgeClient;
}

/** The whole detail of an outgoing event, validated against the contract. */
export function detailOf<E extends EventContract>(outgoing: OutgoingEvent<E>): DetailOf<E> {
  const envelope: Required<EventEnvelope> = {
    id: outgoing.id,
    occurredAt: outgoing.occurredAt,
    correlationId: outgoing.correlationId ?? currentCorrelationId() ?? outgoing.id,
    causationId: outgoing.causationId ?? currentCausationId() ?? outgoing.id,
    version: outgoing.event.version,
  };
  const parsed = outgoing.event.detail.safeParse({ ...envelope, ...outgoing.entity });
  if (!parsed.success) {
    throw new Error(
      `${outgoing.event.detailType} ${outgoing.id} breaks its contract: ${parsed.error.message}`,
    );
  }
  return parsed.data as DetailOf<E>;
}

/**
 * A publisher of contract events to the platform EventBridge bus. Every detail is checked against
 * its contract before it leaves, and carries the envelope (`id`, `occurredAt`, `correlationId`,
 * `causationId`, `version`). A partly failed `PutEvents` throws, naming the failed events, so a stream handler
 * reports the record and it is retried.
 *
 * @example
 * ```ts
 * const publisher = createEventPublisher({ busName: config.eventBusName });
 * await publisher.publish([{ event: OrderPlaced, id: `${order.id}:placed`, occurredAt: order.placedAt, entity: { order } }]);
 * ```
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const client = options.client ?? new EventBridgeClient({});
  return {
    async publish(events) {
      for (let start = 0; start < events.length; start += 10) {
        const batch = events.slice(start, start + 10);
        const entries: PutEventsRequestEntry[] = batch.map((outgoing) => ({
          EventBusName: options.busName,
          Source: outgoing.event.source,
          DetailType: outgoing.event.detailType,
          Detail: JSON.stringify(detailOf(outgoing)),
          Time: new Date(outgoing.occurredAt),
        }));
        const result = await client.send(new PutEventsCommand({ Entries: entries }));
        if (result.FailedEntryCount) {
          const failed = (result.Entries ?? [])
            .map((entry, index) => (entry.ErrorCode ? `${batch[index]?.id} (${entry.ErrorCode})` : undefined))
            .filter(Boolean);
          throw new Error(`EventBridge refused ${result.FailedEntryCount} event(s): ${failed.join(', ')}`);
        }
      }
    },
  };
}
