import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEventPublisher } from '@slice/middleware';
import { kitchenEvents } from '../adapters/kitchen-events';
import { config } from '../config';
import type { KitchenEvents } from '../domain/ports';

/** Kitchen's events on the platform bus. */
export const events: KitchenEvents = kitchenEvents(
  createEventPublisher({ busName: config.eventBusName, client: new EventBridgeClient({}) }),
);
