import { createDocumentClient, secretCursorCodec } from '@slice/dynamodb';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { config } from '../config';
import type { OrderRepository } from '../domain/ports';

/** The orders table; cursors signed with the secret. */
export const orders: OrderRepository = dynamoOrderRepository(
  createDocumentClient(),
  config.tableName,
  secretCursorCodec(config.cursorSigningKeySecret),
);
