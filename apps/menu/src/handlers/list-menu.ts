import { menuContract } from '@slice/contracts-menu';
import { http } from '@slice/middleware';
import { menu } from '../deps';
import { listMenu } from '../domain/use-cases';

export const handler = http(menuContract.routes.listMenu, ({ query }) => listMenu(query, { menu }));
