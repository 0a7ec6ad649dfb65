import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import {
  defineContract,
  defineRoute,
  eventJsonSchemas,
  toDomainOpenApi,
  toOpenApi,
  type OpenApiDocument,
} from '../src';
import { samplesContract } from './sample-contract';

const validatorCli = resolve(
  __dirname,
  '../../../node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js',
);

/** Runs the OpenAPI 3.1 validator on a document; it exits non-zero on an invalid one. */
function validate(document: object): { valid: boolean; errors?: unknown } {
  const dir = mkdtempSync(join(tmpdir(), 'slice-openapi-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  try {
    return JSON.parse(execFileSync(process.execPath, [validatorCli, file], { encoding: 'utf8' })) as {
      valid: boolean;
    };
  } catch (error) {
    return JSON.parse((error as { stdout: string }).stdout) as { valid: boolean; errors: unknown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const thingsService = {
  name: 'things',
  team: 'platform',
  basePath: '/things',
  version: '1.0.0',
  title: 'Things',
  description: 'Things.',
};

const contractOf = (routes: Parameters<typeof defineContract>[0]['routes']) =>
  defineContract({ service: thingsService, routes, events: {} });

describe('toOpenApi', () => {
  let document: OpenApiDocument;
  beforeAll(() => {
    document = toOpenApi(samplesContract);
  });

  it('is a valid OpenAPI 3.1 document', () => {
    expect(validate(document)).toEqual({ valid: true });
  });

  it('is rejected by the validator when broken, so the check above means something', () => {
    const broken = { ...document, paths: { '/samples/items': { get: { responses: 'none' } } } };
    expect(validate(broken).valid).toBe(false);
  });

  it('has one operation per route with its id, security and problem+json errors', () => {
    const getItem = document.paths['/samples/items/{itemId}']?.get as Record<string, unknown>;
    expect(getItem).toMatchObject({ operationId: 'getItem', security: [] });
    const responses = getItem.responses as Record<string, { content?: Record<string, unknown> }>;
    expect(Object.keys(responses)).toEqual(['200', '400', '404', '429', '500', '503']);
    expect(responses['404']?.content).toHaveProperty(['application/problem+json']);
    const addItem = document.paths['/samples/items']?.post as Record<string, unknown>;
    expect(addItem).toMatchObject({
      operationId: 'addItem',
      security: [{ cognito: [] }],
      'x-slice-auth': 'staff',
    });
  });

  it('declares path parameters as required and the idempotency key header on routes that need it', () => {
    const getItem = document.paths['/samples/items/{itemId}']?.get as {
      parameters: Array<Record<string, unknown>>;
    };
    expect(getItem.parameters).toContainEqual(
      expect.objectContaining({ name: 'itemId', in: 'path', required: true }),
    );
    const addItem = document.paths['/samples/items']?.post as { parameters: Array<Record<string, unknown>> };
    expect(addItem.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
    const listItems = document.paths['/samples/items']?.get as { parameters: Array<Record<string, unknown>> };
    const limit = listItems.parameters.find((parameter) => parameter.name === 'limit');
    expect(limit).toMatchObject({ in: 'query' });
    expect(limit?.required).not.toBe(true);
  });

  it("gives a parameter its schema's description", () => {
    const route = defineRoute({
      method: 'GET',
      path: '/things/{thingId}',
      operationId: 'getThing',
      summary: 'One thing',
      auth: 'public',
      request: { path: z.strictObject({ thingId: z.string().describe('The thing, as listed.') }) },
      status: 204,
    });
    const parameters = toOpenApi(contractOf({ getThing: route })).paths['/things/{thingId}']?.get
      ?.parameters as Array<Record<string, unknown>>;
    expect(parameters[0]).toMatchObject({ name: 'thingId', description: 'The thing, as listed.' });
  });

  it('keeps named schemas in components and carries the examples', () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Money', 'Problem', 'SampleItem']),
    );
    const getItem = document.paths['/samples/items/{itemId}']?.get as {
      responses: Record<string, { content: Record<string, { examples: object }> }>;
    };
    expect(getItem.responses['200']?.content['application/json']?.examples).toHaveProperty('margherita');
  });
});

describe('a named schema both sent and answered', () => {
  const Thing = z
    .strictObject({ name: z.string(), size: z.number().default(1) })
    .meta({ id: 'OpenApiSpecThing' });
  const document = toOpenApi(
    contractOf({
      putThing: defineRoute({
        method: 'PUT',
        path: '/things/{thingId}',
        operationId: 'putThing',
        summary: 'Replace a thing',
        auth: 'public',
        request: { path: z.strictObject({ thingId: z.string() }), body: Thing },
        status: 200,
        response: Thing,
      }),
    }),
  );

  it('is two components when its input and output differ: a default is optional in, present out', () => {
    const { OpenApiSpecThing: input, OpenApiSpecThingOutput: output } = document.components.schemas;
    expect(input?.required).toEqual(['name']);
    expect(output?.required).toEqual(['name', 'size']);
    const put = document.paths['/things/{thingId}']?.put as {
      responses: Record<string, { content: Record<string, { schema: object }> }>;
    };
    expect(put.responses['200']?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/OpenApiSpecThingOutput',
    });
    expect(validate(document)).toEqual({ valid: true });
  });
});

describe('toDomainOpenApi', () => {
  it('keeps every method of a path that two contracts share', () => {
    const route = (method: 'GET' | 'DELETE', operationId: string) =>
      defineRoute({ method, path: '/things/all', operationId, summary: 's', auth: 'public', status: 204 });
    const legacy = defineContract({
      service: { ...thingsService, name: 'legacy', basePath: '/' },
      routes: { listThings: route('GET', 'listThings') },
      events: {},
    });
    const things = contractOf({ clearThings: route('DELETE', 'clearThings') });
    const document = toDomainOpenApi([legacy, things]);
    expect(Object.keys(document.paths['/things/all'] ?? {}).sort()).toEqual(['delete', 'get']);
  });

  it('refuses two contracts that declare different schemas under one id', () => {
    const answering = (name: string, schema: z.ZodType) =>
      defineContract({
        service: { ...thingsService, name, basePath: `/${name}` },
        routes: {
          getThing: defineRoute({
            method: 'GET',
            path: `/${name}/thing`,
            operationId: 'getThing',
            summary: 'The thing',
            auth: 'public',
            status: 200,
            response: schema,
          }),
        },
        events: {},
      });
    const first = answering('first', z.strictObject({ a: z.string() }).meta({ id: 'SharedThing' }));
    const second = answering('second', z.strictObject({ b: z.number() }).meta({ id: 'SharedThing' }));
    expect(() => toDomainOpenApi([first, second])).toThrow(/SharedThing/);
  });

  it('joins every service into one valid document', () => {
    const document = toDomainOpenApi([samplesContract]);
    expect(validate(document)).toEqual({ valid: true });
    expect(document.tags).toEqual([expect.objectContaining({ name: 'samples' })]);
  });
});

describe('eventJsonSchemas', () => {
  it('describes each event detail with its envelope and entity', () => {
    const schema = eventJsonSchemas(samplesContract).ItemAdded as {
      required: string[];
      'x-slice-source': string;
    };
    expect(schema.required).toEqual(
      expect.arrayContaining(['id', 'occurredAt', 'correlationId', 'version', 'item']),
    );
    expect(schema['x-slice-source']).toBe('slice.samples');
  });
});
