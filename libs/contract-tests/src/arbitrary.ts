import fc from 'fast-check';
import * as z from 'zod';

type JsonSchema = { readonly [key: string]: unknown };

const asSchema = (value: unknown): JsonSchema =>
  typeof value === 'object' && value ? (value as JsonSchema) : {};

/**
 * A fast-check arbitrary of values that match a zod schema's input, built from its JSON Schema
 * (types, formats, patterns, enums, bounds, required and optional properties). Values are what a
 * caller may send; the service may still refuse some for domain reasons (an unknown id).
 *
 * @example
 * ```ts
 * fc.sample(arbitraryOf(PlaceOrderRequest), 3);
 * ```
 */
export function arbitraryOf(schema: z.core.$ZodType): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const defs = asSchema(json.$defs);
  return fromJsonSchema(json, defs, 0);
}

function fromJsonSchema(schema: JsonSchema, defs: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop() ?? '';
    return fromJsonSchema(asSchema(defs[name]), defs, depth + 1);
  }
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      return fc.oneof(...options.map((option) => fromJsonSchema(asSchema(option), defs, depth + 1)));
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1)
    return fromJsonSchema(asSchema(schema.allOf[0]), defs, depth);
  const type = Array.isArray(schema.type) ? (schema.type[0] as unknown) : schema.type;
  switch (type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : -1_000_000;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 1_000_000;
      return type === 'integer'
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const maxLength = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 5, minLength + 5);
      return fc.array(fromJsonSchema(asSchema(schema.items), defs, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties = asSchema(schema.properties);
      const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) {
        record[name] = fromJsonSchema(asSchema(property), defs, depth + 1);
      }
      return fc.record(record, { requiredKeys: [...required].filter((name) => name in record) });
    }
    default:
      return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc
        .date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString());
    case 'email':
      return fc.emailAddress();
    default:
      break;
  }
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = Math.min(typeof schema.maxLength === 'number' ? schema.maxLength : 40, minLength + 40);
  if (typeof schema.pattern === 'string') {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter(
        (value) =>
          value.length >= minLength &&
          value.length <= (typeof schema.maxLength === 'number' ? schema.maxLength : Infinity),
      );
  }
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

/** A value of every JSON type, for requests that break the schema on purpose. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });
