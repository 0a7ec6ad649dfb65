import { menuContract } from '@slice/contracts-menu';
import { http, idempotency, reply } from '@slice/middleware';
import { menu, newId, now } from '../deps';
import { createMenuItem } from '../domain/use-cases';

export const handler = http(
  menuContract.routes.createMenuItem,
  async ({ body }) => {
    const item = await createMenuItem(body, { menu, newId, now });
    return reply(item, { location: `/menu/items/${item.id}` });
  },
  { idempotency: idempotency() },
);
