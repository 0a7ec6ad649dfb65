import { createDocumentClient, secretCursorCodec } from '@slice/dynamodb';
import { dynamoTicketRepository } from '../adapters/dynamodb-ticket-repository';
import { config } from '../config';
import type { TicketRepository } from '../domain/ports';

/** The kitchen table: tickets, the queue and day indexes; cursors signed with the secret. */
export const tickets: TicketRepository = dynamoTicketRepository({
  client: createDocumentClient(),
  tableName: config.tableName,
  cursors: secretCursorCodec(config.cursorSigningKeySecret),
  timeZone: config.timeZone,
});
