import type { Store, StoreDetails } from '@slice/contracts-monolith';
import { StoreNotFound } from './errors';
import type { MonolithDeps, Page, PageQuery } from './ports';

type Stores = Pick<MonolithDeps, 'stores'>;

/** `GET /stores`: every store, by id, a page at a time. */
export function listStores(query: PageQuery, { stores }: Stores): Promise<Page<Store>> {
  return stores.list(query);
}

/** `GET /stores/{storeId}`: one store. */
export async function getStore(storeId: string, { stores }: Stores): Promise<Store> {
  const store = await stores.get(storeId);
  if (!store) throw new StoreNotFound(storeId);
  return store;
}

/** `PUT /stores/{storeId}`: adds a store or replaces its details; sending it twice is one store. */
export function putStore(storeId: string, details: StoreDetails, { stores }: Stores): Promise<Store> {
  return stores.put({ id: storeId, ...details });
}
