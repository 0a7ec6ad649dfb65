import { ProblemResponseError, UpstreamUnavailableError, type Client } from '@slice/contract';
import type { menuContract } from '@slice/contracts-menu';
import type { PricedItem } from '../domain/order';
import type { MenuCatalog } from '../domain/ports';

/**
 * Menu through its published contract and typed client, over the platform domain. An unknown item
 * is `undefined`; Menu unreachable, slow or failing is a 503 (`UpstreamUnavailableError`).
 */
export function menuCatalog(menu: Client<typeof menuContract>): MenuCatalog {
  const one = async (itemId: string): Promise<[string, PricedItem | undefined]> => {
    try {
      const item = await menu.getMenuItem({ path: { itemId } });
      return [itemId, { id: item.id, name: item.name, price: item.price, available: item.available }];
    } catch (error) {
      if (error instanceof ProblemResponseError && error.status === 404) return [itemId, undefined];
      if (error instanceof ProblemResponseError) {
        throw new UpstreamUnavailableError('getMenuItem', `answered ${error.status}`, { cause: error });
      }
      throw error;
    }
  };
  return { items: async (itemIds) => new Map(await Promise.all(itemIds.map(one))) };
}
