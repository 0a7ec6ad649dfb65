import { kitchenContract } from '@slice/contracts-kitchen';
import { http } from '@slice/middleware';
import { deps } from '../deps';
import { cancelTicketByStaff } from '../domain/use-cases';

export const handler = http(kitchenContract.routes.cancelTicket, ({ path }) =>
  cancelTicketByStaff(path.ticketId, deps),
);
