import type { LocalModel } from '../model';
import { keyAttributesOf, type StreamViewType } from '../services/dynamodb/streams';
import { labelOf, serviceOf, shortNameOf } from '../logs';

/** A REST route that invokes a function. */
export interface FunctionRoute {
  readonly method: string;
  /** The API Gateway resource: `/orders/{orderId}`. */
  readonly resource: string;
  readonly authorization: string;
  readonly stage: string;
}

/** A function as `GET /_local/functions` lists it, for the invoke and logs tools. */
export interface FunctionListing {
  readonly id: string;
  /** `orders/get-order`. */
  readonly label: string;
  readonly name: string;
  readonly logicalId: string;
  readonly service: string;
  readonly functionName: string;
  readonly routes: readonly FunctionRoute[];
  /** The tables' streams and queues it reads (their ARNs), with the table of a stream. */
  readonly eventSources: readonly EventSourceListing[];
}

/** An event source of a function; a table's stream names its table, view type and key. */
export interface EventSourceListing {
  readonly type: 'dynamodb' | 'sqs' | 'other';
  readonly arn: string;
  readonly table?: StreamTableListing;
}

/** What a stream record of a table is built from: its template's stream view type and key schema. */
export interface StreamTableListing {
  readonly tableName: string;
  readonly viewType: StreamViewType;
  /** The key attribute names, partition key first. */
  readonly keyAttributes: readonly string[];
  /** The type of each key attribute, from `AttributeDefinitions`. */
  readonly keyTypes: Readonly<Record<string, 'S' | 'N' | 'B'>>;
}

function streamTableOf(model: LocalModel, streamArn: string): StreamTableListing | undefined {
  const table = model.tables.find((each) => each.streamArn === streamArn);
  const viewType = table?.createTableInput.StreamSpecification?.StreamViewType;
  if (!table || viewType === undefined) return undefined;
  const keyAttributes = keyAttributesOf(table);
  const definitions = table.createTableInput.AttributeDefinitions ?? [];
  const keyTypes = Object.fromEntries(
    keyAttributes.map((name) => [
      name,
      definitions.find((definition) => definition.AttributeName === name)?.AttributeType ?? 'S',
    ]),
  );
  return { tableName: table.tableName, viewType, keyAttributes, keyTypes };
}

const sourceType = (arn: string) =>
  arn.includes(':dynamodb:') ? 'dynamodb' : arn.includes(':sqs:') ? 'sqs' : 'other';

/**
 * Every function of the model with the REST routes and event sources that invoke it.
 *
 * @example
 * ```ts
 * functionsOf(model).functions.find((fn) => fn.label === 'orders/get-order')?.routes; // [{ method: 'GET', resource: '/orders/{orderId}', ... }]
 * ```
 */
export function functionsOf(model: LocalModel): { functions: FunctionListing[] } {
  return {
    functions: model.functions.map((fn) => ({
      id: fn.id,
      label: labelOf(fn),
      name: shortNameOf(fn),
      logicalId: fn.logicalId,
      service: serviceOf(fn),
      functionName: fn.functionName,
      routes: model.restApis.flatMap((api) =>
        api.resources.flatMap((resource) =>
          resource.methods
            .filter(
              (method) => method.integration.type === 'AWS_PROXY' && method.integration.functionId === fn.id,
            )
            .map((method) => ({
              method: method.httpMethod,
              resource: resource.path,
              authorization: method.authorizationType,
              stage: api.stages[0]?.name ?? 'dev',
            })),
        ),
      ),
      eventSources: model.eventSourceMappings
        .filter((mapping) => mapping.functionId === fn.id && mapping.eventSourceArn !== undefined)
        .map((mapping) => {
          const arn = mapping.eventSourceArn ?? '';
          const table = sourceType(arn) === 'dynamodb' ? streamTableOf(model, arn) : undefined;
          return { type: sourceType(arn), arn, ...(table ? { table } : {}) };
        }),
    })),
  };
}
