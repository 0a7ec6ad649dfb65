import { schedule } from '@slice/middleware';
import { currentCorrelationId } from '@slice/middleware';
import { events, metrics, now, overdueAfterMinutes, tickets } from '../deps';
import { sweepOverdue } from '../domain/use-cases';

/** Every 5 minutes (EventBridge Scheduler): announces the tickets waiting too long, and counts them. */
export const handler = schedule(async (event) => {
  await sweepOverdue(currentCorrelationId() ?? event.id, {
    events,
    metrics,
    now,
    overdueAfterMinutes,
    tickets,
  });
});
