import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createDocumentClient, secretCursorCodec } from '@slice/dynamodb';
import { createEventPublisher } from '@slice/middleware';
import { dynamoMenuRepository } from './adapters/dynamodb-menu-repository';
import { menuEvents } from './adapters/menu-events';
import { config } from './config';
import type { MenuDeps } from './domain/ports';

/** The Menu's adapters, wired once per cold start. */
export const deps: MenuDeps = {
  menu: dynamoMenuRepository(
    createDocumentClient(),
    config.tableName,
    secretCursorCodec(config.cursorSigningKeySecret),
  ),
  events: menuEvents(
    createEventPublisher({
      busName: config.eventBusName,
      client: new EventBridgeClient({}),
    }),
  ),
  now: () => new Date(),
  newId: randomUUID,
};
