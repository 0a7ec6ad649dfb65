import { trackedEvents } from '@slice/contracts-tracking';
import { eventbridge, logger } from '@slice/middleware';
import { deps } from '../deps';
import { announceEvent } from '../domain/use-cases';

/**
 * The rule target for every event Tracking follows: projects it and pushes the new status to the
 * connections following the order. A failed push fails the invocation, so EventBridge retries it
 * (then its DLQ).
 */
export const handler = eventbridge(
  trackedEvents.map((tracked) => tracked.event),
  async (detail, raw) => {
    const report = await announceEvent({ source: raw.source, detailType: raw['detail-type'], detail }, deps);
    logger.info('Status pushed', { detailType: raw['detail-type'], ...report });
  },
);
