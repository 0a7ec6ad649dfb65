import { stream } from '@slice/middleware';
import { itemFromImage } from '../adapters/dynamodb-menu-repository';
import { events, menu } from '../deps';
import { recordMenuChange } from '../domain/use-cases';

/** Table stream → item history and `MenuItemChanged` on the bus (the outbox). */
export const handler = stream(async ({ oldImage, newImage }) => {
  const after = itemFromImage(newImage);
  if (after) await recordMenuChange(itemFromImage(oldImage), after, { events, menu });
});
