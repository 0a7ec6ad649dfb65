import { kitchenContract } from '@slice/contracts-kitchen';
import { http } from '@slice/middleware';
import { tickets } from '../deps';
import { getKitchenQueue } from '../domain/use-cases';

export const handler = http(kitchenContract.routes.getKitchenQueue, ({ query }) =>
  getKitchenQueue(query, { tickets }),
);
