import { kitchenContract } from '@slice/contracts-kitchen';
import { http } from '@slice/middleware';
import { events, now, tickets, workflows } from '../deps';
import { cancelTicketByStaff } from '../domain/use-cases';

export const handler = http(kitchenContract.routes.cancelTicket, ({ path }) =>
  cancelTicketByStaff(path.ticketId, { events, now, tickets, workflows }),
);
