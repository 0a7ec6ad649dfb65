import { defineFixtures } from '@slice/contract';
import type { menuContract } from './index';

/** A fresh item, so the suite never depends on (or changes) the demo menu. */
const newItem = (id: string) => ({
  id,
  name: 'Contract test item',
  description: 'Created by the shared contract suite.',
  category: 'side' as const,
  price: { amount: 350, currency: 'EUR' },
});

const itemOf = (created: Readonly<Record<string, unknown>> | undefined) => ({ itemId: created?.id });

/**
 * How the shared contract suite reaches each Menu route with a valid request (see
 * `libs/contract-tests/README.md`): routes on one item act on an item the suite creates first as
 * staff, so they run against an empty table and never touch the demo menu.
 */
export const menuFixtures = defineFixtures<typeof menuContract>({
  createMenuItem: {
    request: (context) => ({ body: newItem(context.unique('ct')) }),
    readBack: 'getMenuItem',
    readBackPath: (request) => ({ itemId: (request.body as { id?: unknown } | undefined)?.id }),
  },
  getMenuItem: { needs: 'createMenuItem', request: ({ created }) => ({ path: itemOf(created) }) },
  batchGetMenuItems: {
    needs: 'createMenuItem',
    request: ({ created }) => ({ query: { ids: `${String(created?.id)},no-such-item` } }),
  },
  updateMenuItem: {
    needs: 'createMenuItem',
    readBack: 'getMenuItem',
    request: ({ created }) => {
      const { id: _id, ...item } = newItem(String(created?.id));
      return { path: itemOf(created), body: { ...item, available: true, version: created?.version } };
    },
  },
  withdrawMenuItem: {
    needs: 'createMenuItem',
    readBack: 'getMenuItem',
    request: ({ created }) => ({ path: itemOf(created) }),
  },
});
