import * as z from 'zod/mini';
import './locale';
import { described, withMeta } from './meta';

/**
 * An amount of money in minor units (cents) with its ISO 4217 currency. Never a float.
 *
 * @example
 * ```ts
 * const price: Money = { amount: 950, currency: 'EUR' }; // €9.50
 * ```
 */
export const Money = withMeta(
  z.strictObject({
    amount: described(
      z.number().check(z.int(), z.minimum(0), z.maximum(100_000_000)),
      'Minor units: 950 is 9.50.',
    ),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'An ISO 4217 code such as EUR.')),
  }),
  { id: 'Money', description: 'An amount in minor units with its ISO 4217 currency.' },
);

/** An amount of money. */
export type Money = z.infer<typeof Money>;

/** An opaque pagination cursor, as a previous page returned it. */
export const Cursor = described(
  z.string().check(z.minLength(1), z.maxLength(2048)),
  'The `nextCursor` of the previous page, unchanged.',
);

/** Options of {@link pageQuery}. */
export interface PageQueryOptions {
  /** @default 20 */
  readonly defaultLimit?: number;
  /** @default 100 */
  readonly maxLimit?: number;
}

/**
 * The query fields of a paged list: `limit` (1 to `maxLimit`) and `cursor`. Spread into a route's
 * query schema.
 *
 * @example
 * ```ts
 * request: { query: z.strictObject({ category: z.optional(Category), ...pageQuery() }) }
 * ```
 */
export function pageQuery(options: PageQueryOptions = {}) {
  return {
    limit: z._default(
      z.coerce.number().check(z.int(), z.minimum(1), z.maximum(options.maxLimit ?? 100)),
      options.defaultLimit ?? 20,
    ),
    cursor: z.optional(Cursor),
  };
}

/**
 * A page of a list: its items and, when there are more, the cursor of the next page.
 *
 * @example
 * ```ts
 * response: page(MenuItem)
 * ```
 */
export function page<T extends z.core.$ZodType>(item: T) {
  return z.strictObject({ items: z.array(item), nextCursor: z.optional(Cursor) });
}

/** Options of {@link idList}. */
export interface IdListOptions {
  /** The most ids one request may ask for. */
  readonly max: number;
}

/**
 * A query field holding a comma-separated list of ids (`ids=margherita,tiramisu`), read as the
 * list of distinct ids in the order asked: for a route that reads many items in one call. Each id
 * must match `id`; an empty list, an empty entry or more than `max` distinct ids is a 400.
 *
 * @example
 * ```ts
 * request: { query: z.strictObject({ ids: idList(MenuItemId, { max: 50 }) }) }
 * ```
 */
export function idList<T extends z.core.$ZodType<string, string>>(id: T, { max }: IdListOptions) {
  return z.pipe(
    z.pipe(
      described(z.string().check(z.minLength(1)), `Comma-separated ids, at most ${max} distinct.`),
      z.transform((text: string) => [...new Set(text.split(','))]),
    ),
    z.array(id).check(z.minLength(1), z.maxLength(max, `At most ${max} distinct ids.`)),
  );
}
