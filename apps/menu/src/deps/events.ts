import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEventPublisher } from '@slice/middleware';
import { menuEvents } from '../adapters/menu-events';
import { config } from '../config';
import type { MenuEvents } from '../domain/ports';

/** `MenuItemChanged` on the platform bus: only the table stream's function publishes. */
export const events: MenuEvents = menuEvents(
  createEventPublisher({ busName: config.eventBusName, client: new EventBridgeClient({}) }),
);
