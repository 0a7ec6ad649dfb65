import * as z from 'zod/mini';
import './locale';

/**
 * What every domain event's detail carries besides its entity: a unique id (consumers dedupe on
 * it), when it happened, the correlation id of the request that began the flow, the causation id of
 * what caused this event (the triggering event's or message's id, or the HTTP request's id), and
 * the schema version. Producers always set `causationId`; consumers accept an event without it
 * from a producer deployed before it (docs/decisions.md, 2026-12-02).
 */
export const EventEnvelope = z.strictObject({
  id: z.string().check(z.minLength(1)),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().check(z.minLength(1)),
  causationId: z.optional(z.string().check(z.minLength(1))),
  version: z.number().check(z.int(), z.minimum(1)),
});

/** The envelope fields of an event detail. */
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** What a team writes to declare an event. */
export interface EventDefinition<S extends z.core.$ZodShape> {
  /** `slice.<service>`. */
  readonly source: string;
  /** `<Entity><PastTenseVerb>`: `OrderPlaced`. */
  readonly detailType: string;
  /** The schema version; a breaking change to the entity raises it. */
  readonly version: number;
  readonly description: string;
  /** The entity fields of the detail, next to the envelope: `{ order: Order }`. */
  readonly entity: S;
  readonly examples?: readonly z.input<z.ZodMiniObject<S>>[];
}

/** A declared event. */
export interface EventContract<S extends z.core.$ZodShape = z.core.$ZodShape> extends EventDefinition<S> {
  /** The whole detail: envelope and entity. */
  readonly detail: z.ZodMiniObject;
  readonly examples: readonly z.input<z.ZodMiniObject<S>>[];
}

/** The detail of an event as a consumer receives it. */
export type DetailOf<E extends EventContract> =
  E extends EventContract<infer S> ? EventEnvelope & z.output<z.ZodMiniObject<S>> : never;

/**
 * Declares a domain event. The detail is the envelope plus the entity; examples are checked.
 *
 * @example
 * ```ts
 * export const OrderPlaced = defineEvent({
 *   source: 'slice.orders',
 *   detailType: 'OrderPlaced',
 *   version: 1,
 *   description: 'A customer placed an order.',
 *   entity: { order: Order },
 * });
 * ```
 */
export function defineEvent<S extends z.core.$ZodShape>(definition: EventDefinition<S>): EventContract<S> {
  const where = `Event ${definition.source} ${definition.detailType}`;
  if (!/^slice\.[a-z][a-z0-9-]*$/.test(definition.source)) {
    throw new Error(`${where}: source must be slice.<service>.`);
  }
  if (!/^[A-Z][A-Za-z0-9]*$/.test(definition.detailType)) {
    throw new Error(`${where}: detail type must be <Entity><PastTenseVerb> in PascalCase.`);
  }
  const detail = z.extend(EventEnvelope, definition.entity);
  const entity = z.strictObject(definition.entity);
  const examples = definition.examples ?? [];
  for (const example of examples) {
    const parsed = z.safeParse(entity, example);
    if (!parsed.success) throw new Error(`${where}: an example does not match: ${parsed.error.message}`);
  }
  return { ...definition, detail, examples };
}
