import { task } from '@slice/middleware';
import * as z from 'zod/mini';
import { tickets } from '../deps';
import { awaitCook } from '../domain/use-cases';

const AwaitCookInput = z.object({
  ticketId: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
});

/** The workflow's cook step (`.waitForTaskToken`): keeps the token on the ticket for the start route. */
export const handler = task(AwaitCookInput, ({ ticketId, taskToken }) =>
  awaitCook(ticketId, taskToken, { tickets }),
);
