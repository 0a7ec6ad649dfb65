import { createDocumentClient, secretCursorCodec } from '@slice/dynamodb';
import { dynamoTicketRepository } from './adapters/dynamodb-ticket-repository';
import { config } from './config';
import type { KitchenDeps } from './domain/ports';

/**
 * What every Kitchen function uses, the preparation workflow's own task functions alone included:
 * the tickets and the store's settings, wired once per cold start.
 */
export const taskDeps: Pick<KitchenDeps, 'tickets' | 'now' | 'defaultChannel' | 'timeZone'> = {
  tickets: dynamoTicketRepository({
    client: createDocumentClient(),
    tableName: config.tableName,
    cursors: secretCursorCodec(config.cursorSigningKeySecret),
    timeZone: config.timeZone,
  }),
  now: () => new Date(),
  defaultChannel: config.defaultChannel,
  timeZone: config.timeZone,
};
