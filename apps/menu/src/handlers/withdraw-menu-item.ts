import { menuContract } from '@slice/contracts-menu';
import { http } from '@slice/middleware';
import { menu, now } from '../deps';
import { withdrawMenuItem } from '../domain/use-cases';

export const handler = http(menuContract.routes.withdrawMenuItem, ({ path }) =>
  withdrawMenuItem(path.itemId, { menu, now }),
);
