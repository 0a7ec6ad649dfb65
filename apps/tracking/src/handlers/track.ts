import type { ErrorMessage } from '@slice/contracts-tracking';
import { socket } from '@slice/middleware';
import { deps } from '../deps';
import { parseTrackRequest, trackOrder } from '../domain/use-cases';

const unavailable = (correlationId: string): ErrorMessage => ({
  type: 'error',
  code: 'unavailable',
  message: 'Tracking cannot answer right now; try again.',
  correlationId,
});

/** `track`: follows one of the caller's orders; the answer (the route response) is its status now. */
export const handler = socket(
  async ({ body, user, connectionId }) => {
    const parsed = parseTrackRequest(body);
    const answer =
      'error' in parsed
        ? parsed.error
        : await trackOrder(parsed.request, { connectionId, customerId: user?.id ?? '' }, deps);
    return { statusCode: 200, body: JSON.stringify(answer) };
  },
  (correlationId) => ({ statusCode: 200, body: JSON.stringify(unavailable(correlationId)) }),
);
