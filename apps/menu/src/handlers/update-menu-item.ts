import { menuContract } from '@slice/contracts-menu';
import { http } from '@slice/middleware';
import { menu, now } from '../deps';
import { updateMenuItem } from '../domain/use-cases';

export const handler = http(menuContract.routes.updateMenuItem, ({ path, body }) =>
  updateMenuItem(path.itemId, body, { menu, now }),
);
