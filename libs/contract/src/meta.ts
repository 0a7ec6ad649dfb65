import * as z from 'zod/mini';
import './locale';

/**
 * A copy of `schema` with a description in zod's global registry, which OpenAPI and JSON Schema
 * read: what `.describe()` of the full zod does, for `zod/mini` schemas (the original is left
 * as it was, so a shared schema can be described differently where it is used).
 *
 * @example
 * ```ts
 * const Cursor = described(z.string(), 'The `nextCursor` of the previous page, unchanged.');
 * ```
 */
export function described<T extends z.core.$ZodType>(schema: T, description: string): T {
  return withMeta(schema, { description });
}

/**
 * A copy of `schema` with metadata (an `id` names a component in OpenAPI) in zod's global
 * registry: what `.meta()` of the full zod does, for `zod/mini` schemas.
 *
 * @example
 * ```ts
 * const Money = withMeta(z.strictObject({ amount: z.int(), currency: z.string() }), { id: 'Money' });
 * ```
 */
export function withMeta<T extends z.core.$ZodType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = z.clone(schema);
  z.globalRegistry.add(copy, meta);
  return copy;
}
