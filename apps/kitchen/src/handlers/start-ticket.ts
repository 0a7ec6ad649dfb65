import { kitchenContract } from '@slice/contracts-kitchen';
import { http } from '@slice/middleware';
import { now, tickets, workflows } from '../deps';
import { startTicket } from '../domain/use-cases';

export const handler = http(kitchenContract.routes.startTicket, ({ path }) =>
  startTicket(path.ticketId, { now, tickets, workflows }),
);
