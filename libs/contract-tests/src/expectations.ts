import * as z from 'zod';
import {
  eventJsonSchemas,
  type ConsumerExpectation,
  type Contract,
  type EventExpectation,
  type Route,
} from '@slice/contract';
import { statusesOf, type SuiteCase } from './cases';
import { ContractViolation, expectStatus } from './context';

type JsonObject = Record<string, unknown>;

/** `items[]` → `{ name: 'items', each: true }`: a segment of a field path, `[]` for every element of a list. */
const segmentOf = (segment: string) =>
  segment.endsWith('[]') ? { name: segment.slice(0, -2), each: true } : { name: segment, each: false };

/**
 * Why the route's response schema does not promise a field (a dot path, `items[].price.amount`
 * for a field of every element of a list); undefined when it does.
 */
function schemaGap(route: Route, field: string): string | undefined {
  if (!route.response) return `${route.operationId} answers without a body`;
  return fieldGap(route.response, field);
}

/** Why a schema does not promise a field (a dot path): not declared, or optional; undefined when it does. */
function fieldGap(schema: z.core.$ZodType, field: string): string | undefined {
  return jsonFieldGap(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }), field);
}

/**
 * Why a JSON Schema (with its `$defs`) does not promise a field (a dot path): not declared, or
 * optional unless `optional` allows it of the last step; undefined when it does.
 */
function jsonFieldGap(json: JsonObject, field: string, optional = false): string | undefined {
  const defs = (json.$defs ?? {}) as Record<string, JsonObject>;
  const resolve = (schema: JsonObject): JsonObject => {
    let node = schema;
    while (typeof node.$ref === 'string') node = defs[node.$ref.split('/').pop() ?? ''] ?? {};
    return node;
  };
  let node: JsonObject = json;
  const walked: string[] = [];
  const segments = field.split('.').map(segmentOf);
  for (const [index, { name, each }] of segments.entries()) {
    node = resolve(node);
    const properties = (node.properties ?? {}) as Record<string, JsonObject>;
    const required = (node.required ?? []) as string[];
    walked.push(name);
    if (!(name in properties)) return `${walked.join('.')} is not declared`;
    // An optional read may be absent at its last step; the steps to it are still promised.
    const last = index === segments.length - 1;
    if (!required.includes(name) && !(optional && last)) return `${walked.join('.')} is optional`;
    node = properties[name] ?? {};
    if (each) {
      node = resolve(node);
      if (node.type !== 'array' || typeof node.items !== 'object') return `${walked.join('.')} is not a list`;
      node = node.items as JsonObject;
      walked[walked.length - 1] = `${name}[]`;
    }
  }
  return undefined;
}

/**
 * The value at a field path, `undefined` when it is absent; for `items[].id`, the list of every
 * element's value, `undefined` when the list is empty or any element lacks it (an empty list
 * proves nothing about its elements).
 */
function valueAt(value: unknown, field: string): unknown {
  const at = (node: unknown, segments: readonly string[]): unknown => {
    const [first, ...rest] = segments;
    if (first === undefined) return node;
    if (typeof node !== 'object' || node === null) return undefined;
    const { name, each } = segmentOf(first);
    const child = (node as JsonObject)[name];
    if (!each) return at(child, rest);
    if (!Array.isArray(child) || child.length === 0) return undefined;
    const values = child.map((element) => at(element, rest));
    return values.includes(undefined) ? undefined : values;
  };
  return at(value, field.split('.'));
}

/**
 * What a provider's contract no longer promises of a consumer's expectation: each field that is
 * not declared or not required, each status not declared. Empty when it keeps every promise.
 * Consumers run it in their own contract lib's tests, providers in their contract suite.
 *
 * @example
 * ```ts
 * expect(ordersExpectations.flatMap((expectation) => expectationGaps(menuContract, expectation))).toEqual([]);
 * ```
 */
export function expectationGaps(contract: Contract, expectation: ConsumerExpectation): string[] {
  const route = contract.routes[expectation.operationId];
  if (!route) return [`${expectation.operationId} is gone`];
  const gaps = expectation.fields.map((field) => schemaGap(route, field)).filter((gap) => gap !== undefined);
  const statuses = statusesOf(route);
  for (const status of expectation.statuses ?? []) {
    if (!statuses.includes(status)) gaps.push(`status ${status} is no longer declared`);
  }
  return gaps;
}

/**
 * The cases that hold a provider to what its consumers declared: every expected field stays
 * declared and required in the schema, every expected status stays declared, and the live answer
 * to a valid request carries every field.
 *
 * @example
 * ```ts
 * expectationCases(menuContract, [...ordersExpectations]);
 * ```
 */
export function expectationCases(
  contract: Contract,
  expectations: readonly ConsumerExpectation[],
): SuiteCase[] {
  return expectations
    .filter((expectation) => expectation.provider === contract.service.name)
    .flatMap((expectation): SuiteCase[] => {
      const { consumer, operationId } = expectation;
      const route = contract.routes[operationId];
      const base = { operationId, kind: 'expectation' as const };
      if (!route) {
        return [
          {
            ...base,
            name: `${consumer} relies on ${operationId}`,
            run: () =>
              Promise.reject(new ContractViolation(`${operationId} is gone, and ${consumer} relies on it`)),
          },
        ];
      }
      return [
        {
          ...base,
          name: `the schema still promises what ${consumer} reads`,
          run: () => {
            const gaps = expectationGaps(contract, expectation);
            return gaps.length > 0
              ? Promise.reject(
                  new ContractViolation(
                    `${consumer} relies on ${operationId}, but ${gaps.join('; ')} (${expectation.reason})`,
                  ),
                )
              : Promise.resolve();
          },
        },
        {
          ...base,
          name: `the live answer carries what ${consumer} reads`,
          run: async (context) => {
            const valid = await context.validRequest(route);
            if (!valid)
              throw new Error(
                `${operationId} has no fixture or success example to check ${consumer}'s fields with.`,
              );
            const exchange = await context.call(route, valid.request);
            expectStatus(exchange, route.status, `${consumer}'s call`);
            const missing = expectation.fields.filter((field) => valueAt(exchange.json, field) === undefined);
            if (missing.length > 0) {
              throw new ContractViolation(
                `${consumer} relies on ${missing.join(', ')}, missing from the answer`,
                exchange,
              );
            }
          },
        },
      ];
    });
}

/**
 * What a provider's event no longer promises of a consumer's expectation: the event is gone or has
 * another source, or a field is not declared, or a required one is not required, in its published
 * detail schema. Empty when it keeps every promise.
 *
 * @example
 * ```ts
 * expect(trackingExpectations.flatMap((expectation) => eventExpectationGaps(ordersContract, expectation))).toEqual([]);
 * ```
 */
export function eventExpectationGaps(contract: Contract, expectation: EventExpectation): string[] {
  return publishedEventGaps(eventJsonSchemas(contract), expectation);
}

/**
 * {@link eventExpectationGaps} against a provider's published event schemas (the `events` of its
 * `published/contract.json`: JSON Schema by detail type, with `x-slice-source`), for a consumer
 * that declared its expectation as data.
 *
 * @example
 * ```ts
 * publishedEventGaps(publishedOf(kitchenContract).events, ordersEventExpectations[0]); // []
 * ```
 */
export function publishedEventGaps(
  events: Readonly<Record<string, JsonObject>>,
  expectation: EventExpectation,
): string[] {
  const event = events[expectation.detailType];
  if (!event) return [`${expectation.detailType} is gone`];
  const source = event['x-slice-source'];
  if (source !== expectation.source)
    return [`${expectation.detailType} comes from ${String(source)}, not ${expectation.source}`];
  return [
    ...expectation.fields.map((field) => jsonFieldGap(event, field)),
    ...(expectation.optionalFields ?? []).map((field) => jsonFieldGap(event, field, true)),
  ].filter((gap) => gap !== undefined);
}

/**
 * The cases that hold a provider to what consumers of its events declared: every expected field
 * stays declared (and required, unless the consumer reads it only when present) in the event's
 * published detail schema (what the provider publishes is parsed against that schema, so the
 * schema is the promise).
 *
 * @example
 * ```ts
 * eventExpectationCases(ordersContract, [...trackingExpectations]);
 * ```
 */
export function eventExpectationCases(
  contract: Contract,
  expectations: readonly EventExpectation[],
): SuiteCase[] {
  return expectations
    .filter((expectation) => expectation.provider === contract.service.name)
    .map((expectation) => ({
      operationId: expectation.detailType,
      kind: 'expectation' as const,
      name: `${expectation.detailType} still carries what ${expectation.consumer} reads`,
      run: () => {
        const gaps = eventExpectationGaps(contract, expectation);
        return gaps.length > 0
          ? Promise.reject(
              new ContractViolation(
                `${expectation.consumer} relies on ${expectation.detailType}, but ${gaps.join('; ')} (${expectation.reason})`,
              ),
            )
          : Promise.resolve();
      },
    }));
}
