import { kitchenContract } from '@slice/contracts-kitchen';
import { http } from '@slice/middleware';
import { tickets, workflows } from '../deps';
import { getTicket } from '../domain/use-cases';

export const handler = http(kitchenContract.routes.getTicket, ({ path }) =>
  getTicket(path.ticketId, { tickets, workflows }),
);
