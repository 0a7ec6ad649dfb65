/**
 * Sample values of the contracts' schemas for `npm run invoke`: the first example a contract
 * gives, else the smallest value its JSON Schema (zod's `toJSONSchema`) allows, checked against
 * the schema before it is used.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Contract, EventContract } from '@slice/contract';
import * as z from 'zod';

type Schema = Record<string, unknown>;

const FORMATS: Readonly<Record<string, () => string>> = {
  uuid: () => randomUUID(),
  'date-time': () => new Date().toISOString(),
  date: () => new Date().toISOString().slice(0, 10),
  email: () => 'alice@example.com',
  uri: () => 'https://example.com/',
  url: () => 'https://example.com/',
};

/** Strings tried against a `pattern` (no generator of regular expressions here): codes, words, digits. */
const PATTERN_CANDIDATES = [
  'sample',
  'EUR',
  'NL',
  'A',
  'a',
  '1',
  'ABC',
  'abc',
  'sample-1',
  '3511AA',
  '+31201234567',
];

function stringSample(schema: Schema): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format) return format();
  const minimum = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const maximum = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  const fits = (text: string) => text.length >= minimum && text.length <= maximum;
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern, 'u');
    const match = PATTERN_CANDIDATES.find((text) => fits(text) && pattern.test(text));
    if (match !== undefined) return match;
  }
  return 'sample'.padEnd(minimum, 'x').slice(0, Math.max(minimum, Math.min(maximum, 6)));
}

function numberSample(schema: Schema): number {
  if (typeof schema.minimum === 'number') return schema.minimum;
  if (typeof schema.exclusiveMinimum === 'number') return schema.exclusiveMinimum + 1;
  return 1;
}

/** The smallest value of a JSON Schema: required properties only, one item per array. */
export function sampleOf(schema: Schema, defs: Readonly<Record<string, Schema>> = {}): unknown {
  if (typeof schema.$ref === 'string') return sampleOf(defs[schema.$ref.split('/').pop() ?? ''] ?? {}, defs);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const choice = (schema.anyOf ?? schema.oneOf ?? schema.allOf) as Schema[] | undefined;
  if (Array.isArray(choice) && choice[0]) return sampleOf(choice[0], defs);
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      return Object.fromEntries(
        Object.entries(properties)
          .filter(([name]) => required.has(name))
          .map(([name, property]) => [name, sampleOf(property, defs)]),
      );
    }
    case 'array': {
      const count = Math.max(1, Number(schema.minItems ?? 1));
      return Array.from({ length: count }, () => sampleOf((schema.items ?? {}) as Schema, defs));
    }
    case 'string':
      return stringSample(schema);
    case 'integer':
    case 'number':
      return numberSample(schema);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** A sample of a zod schema, checked against it: a failure names what the generator missed. */
export function sampleOfZod(schema: z.core.$ZodType, base: Record<string, unknown> = {}): unknown {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  const generated = sampleOf(json, (json.$defs ?? {}) as Record<string, Schema>);
  const value =
    typeof generated === 'object' && generated !== null && !Array.isArray(generated)
      ? { ...generated, ...base }
      : generated;
  const parsed = z.safeParse(schema, value);
  if (!parsed.success)
    throw new Error(
      `No valid sample could be made (${parsed.error.issues[0]?.message ?? 'invalid'}): give --event instead.`,
    );
  return value;
}

const isContract = (value: unknown): value is Contract =>
  typeof value === 'object' && value !== null && 'service' in value && 'events' in value && 'routes' in value;

/** Every service contract of `libs/contracts/*`. */
export async function loadContracts(root: string): Promise<Contract[]> {
  const dir = join(root, 'libs/contracts');
  const contracts: Contract[] = [];
  for (const name of readdirSync(dir).sort()) {
    const exports = (await import(join(dir, name, 'src/index.ts'))) as Record<string, unknown>;
    contracts.push(...Object.values(exports).filter(isContract));
  }
  return contracts;
}

/** The event a contract declares with this detail type; an unknown one is an error listing the known. */
export function eventContract(contracts: readonly Contract[], detailType: string): EventContract {
  const events = contracts.flatMap((contract) => Object.values(contract.events));
  const found = events.find((event) => event.detailType.toLowerCase() === detailType.toLowerCase());
  if (!found)
    throw new Error(
      `No contract declares the event ${JSON.stringify(detailType)}. Known: ${events.map((event) => event.detailType).join(', ')}.`,
    );
  return found;
}

/**
 * A detail of the event as its producer would publish it: the envelope and the contract's first
 * example, or a generated entity.
 *
 * @example
 * ```ts
 * sampleDetail(eventContract(contracts, 'OrderPlaced'), 'corr-1'); // { id, occurredAt, correlationId: 'corr-1', version: 1, order: {...} }
 * ```
 */
export function sampleDetail(event: EventContract, correlationId: string): Record<string, unknown> {
  const envelope = {
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    correlationId,
    version: event.version,
  };
  const example = event.examples[0];
  if (example) return { ...envelope, ...example };
  return sampleOfZod(event.detail, envelope) as Record<string, unknown>;
}
