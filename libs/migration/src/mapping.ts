import * as z from 'zod';

/** A stored item, as the document client reads and writes it. */
export type Row = Record<string, unknown>;

/**
 * What one legacy row becomes: zero or more items of the target table, or a rejection with the
 * reason an operator reads in the report. Zero items means "nothing to copy" (not an error).
 */
export type Mapped = { readonly items: readonly Row[] } | { readonly rejected: string };

/** A Scan of the whole source table, optionally filtered (a legacy table mixes entities). */
export interface ScanSource {
  readonly kind: 'scan';
  /** A `FilterExpression` applied to every page, e.g. `#entity = :entity`. @default none */
  readonly filter?: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

/** A Query on one partition of the source table (or one of its indexes): no Scan needed. */
export interface QuerySource {
  readonly kind: 'query';
  /** @default the table itself */
  readonly indexName?: string;
  /** The `KeyConditionExpression`, e.g. `PK = :pk AND begins_with(SK, :item)`. */
  readonly keyCondition: string;
  readonly names?: Record<string, string>;
  readonly values: Record<string, unknown>;
}

/**
 * How a service's items come out of the legacy table: where to read, how to map one row, and
 * the key attributes of both tables (for the conditional write and for the report).
 */
export interface Mapping {
  /** The service that owns the target table (`orders`), as in `npm run migrate -- orders`. */
  readonly service: string;
  /** One line for the operator: what is copied, from where, into what. */
  readonly description: string;
  readonly source: ScanSource | QuerySource;
  /** The key attributes of a source row, written to the report with a rejection. */
  readonly sourceKey: readonly string[];
  /**
   * The key attributes of a target item, partition key first (then the sort key):
   * `attribute_not_exists(<partition key>)` guards every write.
   */
  readonly targetKey: readonly string[];
  /** Maps one legacy row. Pure: the same row always gives the same items (re-runs compare them). */
  map(row: Row): Mapped;
}

const MappingShape = z.object({
  service: z.string().regex(/^[a-z][a-z0-9-]*$/),
  description: z.string().min(1),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('scan'), filter: z.string().optional() }),
    z.object({
      kind: z.literal('query'),
      keyCondition: z.string().min(1),
      values: z.record(z.string(), z.unknown()),
    }),
  ]),
  sourceKey: z.array(z.string().min(1)).min(1),
  targetKey: z.array(z.string().min(1)).min(1).max(2),
  map: z.custom<Mapping['map']>((value) => typeof value === 'function', 'map must be a function'),
});

/** A module that does not export a usable mapping. */
export class InvalidMappingError extends Error {
  override readonly name = 'InvalidMappingError';
}

/**
 * Checks that a value (a dynamically imported module's `mapping` export) is a {@link Mapping}.
 *
 * @example
 * ```ts
 * const { mapping } = (await import(file)) as { mapping?: unknown };
 * const checked = assertMapping(mapping, file);
 * ```
 */
export function assertMapping(value: unknown, where: string): Mapping {
  const parsed = MappingShape.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new InvalidMappingError(`${where} does not export a valid \`mapping\`: ${problems.join('; ')}`);
  }
  return value as Mapping;
}

/**
 * Declares a service's mapping (a typed identity, checked once).
 *
 * @example
 * ```ts
 * export const mapping = defineMapping({
 *   service: 'menu',
 *   description: 'MENU_ITEM rows of the monolith → menu items',
 *   source: { kind: 'query', keyCondition: 'PK = :menu', values: { ':menu': 'MENU' } },
 *   sourceKey: ['PK', 'SK'],
 *   targetKey: ['pk', 'sk'],
 *   map: fromLegacy(LegacyMenuItem, (row) => [menuItemRow(toMenuItem(row))]),
 * });
 * ```
 */
export function defineMapping(mapping: Mapping): Mapping {
  return assertMapping(mapping, `the ${mapping.service} mapping`);
}

/** The reason a zod schema refused a row: every issue, with its path, on one line. */
export function reasonOf(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(row)'}: ${issue.message}`)
    .join('; ');
}

/** A row the mapping refused on purpose, with the reason (a rule zod cannot express). */
export class LegacyRowRejected extends Error {
  override readonly name = 'LegacyRowRejected';
}

/**
 * Builds a {@link Mapping.map} from a zod schema of the legacy row and a function of the parsed
 * row: a row the schema refuses, or for which `toItems` throws {@link LegacyRowRejected} or a
 * `ZodError` (the target contract refusing the result), is rejected with the reason. Any other
 * error is a bug in the mapping and is thrown.
 *
 * @example
 * ```ts
 * const LegacyItem = z.object({ itemId: z.string(), priceCents: z.number().int() });
 * const map = fromLegacy(LegacyItem, (row) => [{ pk: `ITEM#${row.itemId}`, sk: 'ITEM', amount: row.priceCents }]);
 * map({ itemId: 'x', priceCents: 1.5 }); // { rejected: 'priceCents: Invalid input: expected int, received number' }
 * ```
 */
export function fromLegacy<Schema extends z.ZodType>(
  schema: Schema,
  toItems: (row: z.output<Schema>) => readonly Row[],
): (row: Row) => Mapped {
  return (row) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) return { rejected: reasonOf(parsed.error) };
    try {
      return { items: toItems(parsed.data) };
    } catch (error) {
      // The full build's and zod/mini's errors alike (contracts are written with zod/mini).
      if (error instanceof z.core.$ZodError) return { rejected: reasonOf(error) };
      if (error instanceof LegacyRowRejected) return { rejected: error.message };
      throw error;
    }
  };
}
