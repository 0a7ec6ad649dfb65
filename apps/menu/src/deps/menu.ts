import { createDocumentClient, secretCursorCodec } from '@slice/dynamodb';
import { dynamoMenuRepository } from '../adapters/dynamodb-menu-repository';
import { config } from '../config';
import type { MenuRepository } from '../domain/ports';

/** The menu table: items, their history, the available-items index; cursors signed with the secret. */
export const menu: MenuRepository = dynamoMenuRepository(
  createDocumentClient(),
  config.tableName,
  secretCursorCodec(config.cursorSigningKeySecret),
);
