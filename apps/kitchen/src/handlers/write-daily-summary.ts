import { schedule } from '@slice/middleware';
import { now, tickets, timeZone } from '../deps';
import { writeDailySummary } from '../domain/use-cases';

/** Daily at the store's closing time, in its time zone (EventBridge Scheduler): the day's summary. */
export const handler = schedule(async () => {
  await writeDailySummary({ now, tickets, timeZone });
});
