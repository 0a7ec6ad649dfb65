import * as z from 'zod/mini';
import './locale';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { Contract } from './contract';
import { errorsOf } from './errors-of';
import { withMeta } from './meta';
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

/**
 * The headers the platform adds: the `Idempotency-Key` on the routes that ask for it, the
 * correlation id on every route. Built on demand, so a handler's bundle that imports the kit
 * carries none of the documentation.
 */
function platformParameters(route: Route): z.core.$ZodType[] {
  const correlationId = withMeta(z.optional(z.string()), {
    param: {
      name: 'X-Correlation-Id',
      in: 'header',
      description: 'Ties logs and events to this request; created when absent and echoed back.',
    },
  });
  if (!route.idempotencyKey) return [correlationId];
  const idempotencyKey = withMeta(IdempotencyKey, {
    param: {
      name: 'Idempotency-Key',
      in: 'header',
      description: 'Makes the request safe to retry: the same key and body replay the first answer.',
    },
  });
  return [idempotencyKey, correlationId];
}

const problemResponse = (description: string) => ({
  description,
  content: { [problemContentType]: { schema: Problem } },
});

function responsesOf(route: Route): ZodOpenApiOperationObject['responses'] {
  const successExamples = route.examples.filter((example) => example.response.status === route.status);
  const examples = Object.fromEntries(
    successExamples.map((example) => [example.name, { value: example.response.body }]),
  );
  return {
    [route.status]: route.response
      ? {
          description: route.summary,
          content: {
            'application/json': {
              schema: route.response,
              ...(successExamples.length ? { examples } : {}),
            },
          },
        }
      : { description: route.summary },
    ...Object.fromEntries(
      Object.entries(errorsOf(route)).map(([status, description]) => [status, problemResponse(description)]),
    ),
  };
}

function operationOf(route: Route, tag: string): ZodOpenApiOperationObject {
  const { path, query, headers, body } = route.request;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [tag],
    security: route.auth === 'public' ? [] : [{ cognito: [] }],
    ...(route.auth === 'staff' ? { 'x-slice-auth': 'staff' } : {}),
    requestParams: { ...(path && { path }), ...(query && { query }), ...(headers && { header: headers }) },
    parameters: platformParameters(route),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: responsesOf(route),
  };
}

/** The operations of every route of the contracts, merged by path: one path may have several methods. */
function pathsOf(contracts: readonly Contract[]): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const contract of contracts) {
    for (const route of Object.values(contract.routes)) {
      paths[route.path] = {
        ...paths[route.path],
        [route.method.toLowerCase()]: operationOf(route, contract.service.name),
      };
    }
  }
  return paths;
}

function documentOf(
  info: JsonObject & { title: string; version: string },
  contracts: readonly Contract[],
  options: OpenApiOptions,
): OpenApiDocument {
  // The library types a document loosely; this one always has the version, paths and components given here.
  const document = createDocument({
    openapi: '3.1.1',
    info,
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: contracts.map(({ service }) => ({ name: service.name, description: service.description })),
    paths: pathsOf(contracts),
    components: {
      // Every error answer points at Problem, so it is a component even for a route-less contract.
      schemas: { Problem },
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An ID token from the platform user pool; staff routes need the `staff` group.',
        },
      },
    },
  }) as unknown as OpenApiDocument;
  const schemas = document.components.schemas;
  document.components.schemas = Object.fromEntries(
    Object.keys(schemas)
      .sort((a, b) => a.localeCompare(b))
      .map((id) => [id, schemas[id] as JsonObject]),
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
  return documentOf(
    {
      title: service.title,
      version: service.version,
      description: service.description,
      'x-slice-team': service.team,
      'x-slice-base-path': service.basePath,
    },
    [contract],
    options,
  );
}

/**
 * One OpenAPI 3.1 document for the whole platform domain: every service's routes, tagged by service.
 * Two services declaring different schemas under one id is an error: share the schema (a
 * contract may import another's) or give one of them another id.
 */
export function toDomainOpenApi(
  contracts: readonly Contract[],
  options: OpenApiOptions = {},
): OpenApiDocument {
  return documentOf(
    { title: 'Slice', version: '1.0.0', description: 'Every Slice service behind the platform domain.' },
    contracts,
    options,
  );
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
