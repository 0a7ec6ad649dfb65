/** API Gateway closes a WebSocket connection two hours after it opened, whatever happens on it. */
export const connectionLifetimeMs = 2 * 60 * 60 * 1000;

/** How many orders one connection may follow; more is refused with `too-many-orders`. */
export const maxOrdersPerConnection = 10;

/** When a connection opened at `connectedAt` is closed by API Gateway at the latest. */
export function connectionExpiry(connectedAt: Date): Date {
  return new Date(connectedAt.getTime() + connectionLifetimeMs);
}

/**
 * The value at a dot path (`order.customerId`) of an event detail, when it is a non-empty string.
 *
 * @example
 * ```ts
 * stringAt({ order: { id: 'o-1' } }, 'order.id'); // 'o-1'
 * ```
 */
export function stringAt(value: unknown, path: string): string | undefined {
  const found = path
    .split('.')
    .reduce<unknown>(
      (node, segment) =>
        typeof node === 'object' && node !== null && Object.hasOwn(node, segment)
          ? (node as Record<string, unknown>)[segment]
          : undefined,
      value,
    );
  return typeof found === 'string' && found !== '' ? found : undefined;
}
