import { kitchenContract } from '@slice/contracts-kitchen';
import { http } from '@slice/middleware';
import { deps } from '../deps';
import { getTicket } from '../domain/use-cases';

export const handler = http(kitchenContract.routes.getTicket, ({ path }) => getTicket(path.ticketId, deps));
