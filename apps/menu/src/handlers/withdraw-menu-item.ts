import { menuContract } from '@slice/contracts-menu';
import { http } from '@slice/middleware';
import { deps } from '../deps';
import { withdrawMenuItem } from '../domain/use-cases';

export const handler = http(menuContract.routes.withdrawMenuItem, ({ path }) =>
  withdrawMenuItem(path.itemId, deps),
);
