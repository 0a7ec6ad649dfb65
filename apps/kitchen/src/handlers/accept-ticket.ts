import { task } from '@slice/middleware';
import { defaultChannel, tickets } from '../deps';
import { WorkflowInputSchema } from '../adapters/messages';
import { acceptTicket } from '../domain/use-cases';

/** The workflow's accept step: opens the order's ticket and answers what the workflow needs. */
export const handler = task(WorkflowInputSchema, (input) => acceptTicket(input, { defaultChannel, tickets }));
