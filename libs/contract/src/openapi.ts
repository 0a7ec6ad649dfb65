import * as z from 'zod/mini';
import './locale';
import type { Contract } from './contract';
import { errorsOf } from './errors-of';
import { Problem, problemContentType } from './problem';
import { IdempotencyKey, type Route } from './route';

/** A JSON Schema or OpenAPI fragment. */
export type JsonObject = { [key: string]: unknown };

/** An OpenAPI 3.1 document. */
export interface OpenApiDocument extends JsonObject {
  openapi: '3.1.1';
  info: JsonObject;
  paths: Record<string, Record<string, JsonObject>>;
  components: { schemas: Record<string, JsonObject>; securitySchemes: Record<string, JsonObject> };
}

/** Options of {@link toOpenApi}. */
export interface OpenApiOptions {
  /** The server URL; defaults to a relative `/`, the platform domain the document is served from. */
  readonly serverUrl?: string;
}

/** Collects named schemas (`.meta({ id })`) into `components.schemas` while converting. */
class SchemaCollector {
  readonly components: Record<string, JsonObject> = {};

  convert(schema: z.core.$ZodType, io: 'input' | 'output'): JsonObject {
    const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    // Named schemas come back under $defs; OpenAPI keeps them in components.
    const json = JSON.parse(
      JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonObject;
    const { $schema: _schema, $defs, ...rest } = json;
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, JsonObject>)) {
      this.components[id] ??= definition;
    }
    return rest;
  }
}

const problemResponse = (description: string) => ({
  description,
  content: { [problemContentType]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

function parametersOf(route: Route, schemas: SchemaCollector): JsonObject[] {
  const parameters: JsonObject[] = [];
  for (const location of ['path', 'query', 'headers'] as const) {
    const object = route.request[location];
    if (!object) continue;
    const json = schemas.convert(object, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonObject>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(properties)) {
      parameters.push({
        name,
        in: location === 'headers' ? 'header' : location,
        required: location === 'path' || required.has(name),
        schema,
      });
    }
  }
  if (route.idempotencyKey) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'Makes the request safe to retry: the same key and body replay the first answer.',
      schema: schemas.convert(IdempotencyKey, 'input'),
    });
  }
  parameters.push({
    name: 'X-Correlation-Id',
    in: 'header',
    required: false,
    description: 'Ties logs and events to this request; created when absent and echoed back.',
    schema: { type: 'string' },
  });
  return parameters;
}

function operationOf(route: Route, schemas: SchemaCollector, tag: string): JsonObject {
  const successExamples = route.examples.filter((example) => example.response.status === route.status);
  const responses: Record<string, JsonObject> = {
    [route.status]: route.response
      ? {
          description: route.summary,
          content: {
            'application/json': {
              schema: schemas.convert(route.response, 'output'),
              ...(successExamples.length
                ? {
                    examples: Object.fromEntries(
                      successExamples.map((example) => [example.name, { value: example.response.body }]),
                    ),
                  }
                : {}),
            },
          },
        }
      : { description: route.summary },
  };
  for (const [status, description] of Object.entries(errorsOf(route))) {
    responses[status] = problemResponse(description);
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [tag],
    ...(route.auth === 'public' ? { security: [] } : { security: [{ cognito: [] }] }),
    ...(route.auth === 'staff' ? { 'x-slice-auth': 'staff' } : {}),
    parameters: parametersOf(route, schemas),
    ...(route.request.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemas.convert(route.request.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function emptyDocument(info: JsonObject, options: OpenApiOptions): OpenApiDocument {
  return {
    openapi: '3.1.1',
    info,
    servers: [{ url: options.serverUrl ?? '/' }],
    paths: {},
    components: {
      schemas: {},
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An ID token from the platform user pool; staff routes need the `staff` group.',
        },
      },
    },
  };
}

function addContract(document: OpenApiDocument, contract: Contract, schemas: SchemaCollector): void {
  for (const route of Object.values(contract.routes)) {
    const operations = (document.paths[route.path] ??= {});
    operations[route.method.toLowerCase()] = operationOf(route, schemas, contract.service.name);
  }
}

function finish(document: OpenApiDocument, schemas: SchemaCollector): OpenApiDocument {
  schemas.convert(Problem, 'output');
  document.components.schemas = Object.fromEntries(
    Object.entries(schemas.components).sort(([a], [b]) => a.localeCompare(b)),
  );
  return document;
}

/**
 * The OpenAPI 3.1 document of one service, derived from its contract: one operation per route
 * with its parameters, body, success answer, examples and every problem+json error it may give.
 *
 * @example
 * ```ts
 * writeFileSync('dist/openapi/orders.json', JSON.stringify(toOpenApi(ordersContract), null, 2));
 * ```
 */
export function toOpenApi(contract: Contract, options: OpenApiOptions = {}): OpenApiDocument {
  const { service } = contract;
  const schemas = new SchemaCollector();
  const document = emptyDocument(
    {
      title: service.title,
      version: service.version,
      description: service.description,
      'x-slice-team': service.team,
      'x-slice-base-path': service.basePath,
    },
    options,
  );
  document.tags = [{ name: service.name, description: service.description }];
  addContract(document, contract, schemas);
  return finish(document, schemas);
}

/**
 * One OpenAPI 3.1 document for the whole platform domain: every service's routes, tagged by service.
 * Two services declaring a schema of the same name with different shapes is an error.
 */
export function toDomainOpenApi(
  contracts: readonly Contract[],
  options: OpenApiOptions = {},
): OpenApiDocument {
  const schemas = new SchemaCollector();
  const document = emptyDocument(
    { title: 'Slice', version: '1.0.0', description: 'Every Slice service behind the platform domain.' },
    options,
  );
  document.tags = contracts.map(({ service }) => ({ name: service.name, description: service.description }));
  for (const contract of contracts) {
    const own = new SchemaCollector();
    addContract(document, contract, own);
    for (const [id, schema] of Object.entries(own.components)) {
      const existing = schemas.components[id];
      if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
        throw new Error(
          `Schema ${id} is declared differently by two contracts; give one of them another id.`,
        );
      }
      schemas.components[id] = schema;
    }
  }
  return finish(document, schemas);
}

/**
 * The JSON Schema (2020-12) of each event's detail, keyed by detail type, for consumers outside
 * TypeScript and for schema registries.
 */
export function eventJsonSchemas(contract: Contract): Record<string, JsonObject> {
  return Object.fromEntries(
    Object.values(contract.events).map((event) => [
      event.detailType,
      {
        ...(z.toJSONSchema(event.detail, {
          target: 'draft-2020-12',
          io: 'output',
          unrepresentable: 'any',
        }) as JsonObject),
        title: event.detailType,
        description: event.description,
        'x-slice-source': event.source,
        'x-slice-version': event.version,
      },
    ]),
  );
}
