import { menuContract } from '@slice/contracts-menu';
import { http } from '@slice/middleware';
import { menu } from '../deps';
import { batchGetMenuItems } from '../domain/use-cases';

export const handler = http(menuContract.routes.batchGetMenuItems, ({ query }) =>
  batchGetMenuItems(query.ids, { menu }),
);
