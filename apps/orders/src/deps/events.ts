import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEventPublisher } from '@slice/middleware';
import { orderEvents } from '../adapters/order-events';
import { config } from '../config';
import type { OrderEvents } from '../domain/ports';

/** `OrderPlaced` and `OrderCancelled` on the platform bus: only the table stream's function publishes. */
export const events: OrderEvents = orderEvents(
  createEventPublisher({ busName: config.eventBusName, client: new EventBridgeClient({}) }),
);
