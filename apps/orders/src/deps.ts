import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createClient } from '@slice/contract';
import { menuContract } from '@slice/contracts-menu';
import { createDocumentClient, secretCursorCodec } from '@slice/dynamodb';
import { createEventPublisher, currentCorrelationId, currentTraceHeader } from '@slice/middleware';
import { dynamoOrderRepository } from './adapters/dynamodb-order-repository';
import { menuCatalog } from './adapters/menu-catalog';
import { orderEvents } from './adapters/order-events';
import { config } from './config';
import type { OrderDeps } from './domain/ports';

/** The Orders adapters, wired once per cold start. */
export const deps: OrderDeps = {
  orders: dynamoOrderRepository(
    createDocumentClient(),
    config.tableName,
    secretCursorCodec(config.cursorSigningKeySecret),
  ),
  menu: menuCatalog(
    createClient(menuContract, {
      baseUrl: config.platformUrl,
      timeoutMs: config.menuTimeoutMs,
      correlationId: currentCorrelationId,
      traceHeader: currentTraceHeader,
    }),
  ),
  events: orderEvents(
    createEventPublisher({
      busName: config.eventBusName,
      client: new EventBridgeClient({}),
    }),
  ),
  now: () => new Date(),
  newId: randomUUID,
};
