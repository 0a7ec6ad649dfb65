import { menuContract } from '@slice/contracts-menu';
import { http } from '@slice/middleware';
import { menu } from '../deps';
import { getMenuItem } from '../domain/use-cases';

export const handler = http(menuContract.routes.getMenuItem, ({ path }) =>
  getMenuItem(path.itemId, { menu }),
);
