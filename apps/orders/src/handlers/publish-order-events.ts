import { stream } from '@slice/middleware';
import { orderFromImage } from '../adapters/dynamodb-order-repository';
import { events } from '../deps';
import { announceOrderChange } from '../domain/use-cases';

/** Table stream → `OrderPlaced` / `OrderCancelled` on the platform bus: the transactional outbox. */
export const handler = stream(async ({ oldImage, newImage }) => {
  const after = orderFromImage(newImage);
  if (!after) return;
  const correlationId = typeof newImage?.correlationId === 'string' ? newImage.correlationId : after.id;
  await announceOrderChange(orderFromImage(oldImage), after, correlationId, { events });
});
