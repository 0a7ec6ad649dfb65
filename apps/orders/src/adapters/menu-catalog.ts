import { ProblemResponseError, UpstreamUnavailableError, type Client } from '@slice/contract';
import { MAX_BATCH_ITEMS, type menuContract } from '@slice/contracts-menu';
import type { PricedItem } from '../domain/order';
import type { MenuCatalog } from '../domain/ports';

/**
 * Menu through its published contract and typed client, over the platform domain: an order's
 * items in one `batchGetMenuItems` call (a call per {@link MAX_BATCH_ITEMS} distinct ids), so a
 * large order spends one request of Menu's rate limit, not one per line. An unknown item is
 * `undefined`; Menu unreachable, slow or failing is a 503 (`UpstreamUnavailableError`).
 */
export function menuCatalog(menu: Client<typeof menuContract>): MenuCatalog {
  const read = async (ids: readonly string[]): Promise<Array<[string, PricedItem | undefined]>> => {
    try {
      const { items } = await menu.batchGetMenuItems({ query: { ids: ids.join(',') } });
      const found = new Map(items.map((item) => [item.id, item]));
      return ids.map((id) => {
        const item = found.get(id);
        return [id, item && { id: item.id, name: item.name, price: item.price, available: item.available }];
      });
    } catch (error) {
      if (error instanceof ProblemResponseError) {
        throw new UpstreamUnavailableError('batchGetMenuItems', `answered ${error.status}`, { cause: error });
      }
      throw error;
    }
  };
  return {
    async items(itemIds) {
      const distinct = [...new Set(itemIds)];
      const chunks: string[][] = [];
      for (let start = 0; start < distinct.length; start += MAX_BATCH_ITEMS) {
        chunks.push(distinct.slice(start, start + MAX_BATCH_ITEMS));
      }
      return new Map((await Promise.all(chunks.map(read))).flat());
    },
  };
}
