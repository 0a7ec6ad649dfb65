import * as z from 'zod';
import { defineContract, defineEvent, defineRoute, errorsOf } from '../src';
import { addItem, getItem, Item, removeItem, samplesContract } from './sample-contract';

const service = {
  name: 'samples',
  team: 'platform',
  basePath: '/samples',
  version: '1.0.0',
  title: 'S',
  description: 'S',
};

describe('defineRoute', () => {
  it('derives the path parameters in order', () => {
    expect(getItem.pathParameters).toEqual(['itemId']);
  });

  it('rejects a path parameter the path schema does not declare', () => {
    expect(() =>
      defineRoute({
        method: 'GET',
        path: '/samples/{id}',
        operationId: 'getSample',
        summary: 's',
        auth: 'public',
        status: 200,
        response: Item,
      }),
    ).toThrow(/path parameters \{id\} must match the path schema \(none\)/);
  });

  it('rejects an optional path parameter, which API Gateway never leaves out', () => {
    expect(() =>
      defineRoute({
        method: 'GET',
        path: '/samples/{id}',
        operationId: 'getSample',
        summary: 's',
        auth: 'public',
        request: { path: z.strictObject({ id: z.string().optional() }) },
        status: 200,
        response: Item,
      }),
    ).toThrow(/id cannot be optional/);
  });

  it('rejects a body on a GET', () => {
    expect(() =>
      defineRoute({
        method: 'GET',
        path: '/samples',
        operationId: 'listSamples',
        summary: 's',
        auth: 'public',
        request: { body: z.strictObject({ a: z.string() }) },
        status: 200,
        response: Item,
      }),
    ).toThrow(/GET routes take no body/);
  });

  it('rejects an operation id that is not camelCase', () => {
    expect(() =>
      defineRoute({
        method: 'GET',
        path: '/samples',
        operationId: 'list-samples',
        summary: 's',
        auth: 'public',
        status: 200,
        response: Item,
      }),
    ).toThrow(/operationId must be verbNoun/);
  });

  it('rejects an example whose answer breaks the response schema', () => {
    expect(() =>
      defineRoute({
        method: 'GET',
        path: '/samples',
        operationId: 'listSamples',
        summary: 's',
        auth: 'public',
        status: 200,
        response: Item,
        examples: [{ name: 'bad', request: {}, response: { status: 200, body: { id: 'x' } } }],
      }),
    ).toThrow(/example "bad": response body does not match/);
  });

  it('rejects an idempotency key on a route that is not a POST', () => {
    expect(() =>
      defineRoute({
        method: 'PUT',
        path: '/samples',
        operationId: 'putSamples',
        summary: 's',
        auth: 'staff',
        request: { body: z.strictObject({ a: z.string() }) },
        status: 200,
        response: Item,
        idempotencyKey: true,
      }),
    ).toThrow(/only POST routes need an Idempotency-Key/);
  });
});

describe('defineContract', () => {
  it('rejects a route outside the base path', () => {
    expect(() =>
      defineContract({ service: { ...service, basePath: '/other' }, routes: { getItem }, events: {} }),
    ).toThrow(/path \/samples\/items\/\{itemId\} is outside the base path \/other/);
  });

  it('accepts routes anywhere under the root base path, the catch-all of the front door', () => {
    const legacy = { ...service, name: 'legacy', basePath: '/' };
    expect(defineContract({ service: legacy, routes: { getItem }, events: {} }).routes.getItem).toBe(getItem);
    expect(() =>
      defineContract({ service: { ...service, basePath: '/two/segments' }, routes: {}, events: {} }),
    ).toThrow(/base path must be one lower-case segment/);
  });

  it('rejects a route keyed by another name than its operation id', () => {
    expect(() => defineContract({ service, routes: { fetchItem: getItem }, events: {} })).toThrow(
      /route key fetchItem must equal its operationId getItem/,
    );
  });

  it('rejects two routes on the same method and path shape', () => {
    const other = { ...getItem, operationId: 'getOther', path: '/samples/items/{otherId}' };
    expect(() => defineContract({ service, routes: { getItem, getOther: other }, events: {} })).toThrow(
      /two routes answer GET/,
    );
  });

  it('rejects an event from another service', () => {
    const event = defineEvent({
      source: 'slice.orders',
      detailType: 'ItemAdded',
      version: 1,
      description: 'x',
      entity: {},
    });
    expect(() => defineContract({ service, routes: {}, events: { ItemAdded: event } })).toThrow(
      /must come from slice.samples/,
    );
  });
});

describe('defineEvent', () => {
  it('puts the envelope next to the entity and rejects unknown fields', () => {
    const detail = samplesContract.events.ItemAdded.detail;
    const item = {
      id: 'margherita',
      name: 'Margherita',
      price: { amount: 900, currency: 'EUR' },
      available: true,
    };
    const valid = { id: 'e1', occurredAt: '2026-11-27T10:00:00.000Z', correlationId: 'c1', version: 1, item };
    expect(detail.parse(valid)).toEqual(valid);
    expect(detail.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    expect(detail.safeParse({ ...valid, correlationId: undefined }).success).toBe(false);
  });

  it('rejects a detail type that is not PascalCase', () => {
    expect(() =>
      defineEvent({
        source: 'slice.samples',
        detailType: 'item-added',
        version: 1,
        description: 'x',
        entity: {},
      }),
    ).toThrow(/PascalCase/);
  });
});

describe('errorsOf', () => {
  it('adds auth, validation, media type and idempotency errors for a staff POST with a body', () => {
    expect(Object.keys(errorsOf(addItem)).map(Number)).toEqual([
      400, 401, 403, 409, 413, 415, 422, 429, 500, 503,
    ]);
  });

  it('keeps a public GET to validation, its own 404 and failures', () => {
    expect(Object.keys(errorsOf(getItem)).map(Number)).toEqual([400, 404, 429, 500, 503]);
  });

  it('gives a staff DELETE with only a path 401 and 403 but no media type errors', () => {
    expect(Object.keys(errorsOf(removeItem)).map(Number)).toEqual([400, 401, 403, 429, 500, 503]);
  });
});
