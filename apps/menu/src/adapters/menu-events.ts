import { MenuItemChanged } from '@slice/contracts-menu';
import type { EventPublisher } from '@slice/middleware';
import type { MenuEvents } from '../domain/ports';

/**
 * Publishes `MenuItemChanged` to the platform bus. The event id is the item and version, so a
 * change delivered twice by the stream is the same event to every consumer.
 */
export function menuEvents(publisher: EventPublisher): MenuEvents {
  return {
    changed: (changes) =>
      publisher.publish(
        changes.map(({ change, item }) => ({
          event: MenuItemChanged,
          id: `${item.id}:v${item.version}`,
          occurredAt: item.updatedAt,
          entity: { change, item },
        })),
      ),
  };
}
