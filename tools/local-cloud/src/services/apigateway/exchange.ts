import type { StageSpec } from '../../assembly/types';
import type { ClientRequest } from './request';
import { type GatewayError, type RenderContext, renderGatewayError } from './responses';
import type { CompiledApi, GatewayState } from './state';

/** A response ready to write, and what the access log says about it. */
export interface Outcome {
  readonly statusCode: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | Buffer;
  readonly route?: string;
  readonly note?: string;
  readonly close?: boolean;
}

/** The ids API Gateway gives a request, and when it arrived. */
export interface RequestIds {
  readonly requestId: string;
  readonly extendedRequestId: string;
  /** Epoch milliseconds. */
  readonly started: number;
}

/**
 * One request on its way through an API's stage, after the front door chose them: what the later
 * steps read (`$context`, the render context of gateway responses) and how they answer an error.
 * `resourcePath` and `pathParameters` are set once the resource is matched.
 */
export interface Exchange {
  readonly state: GatewayState;
  readonly api: CompiledApi;
  readonly stage: StageSpec;
  readonly client: ClientRequest;
  /** The path the API sees: the base path stripped when the routing rule says so. */
  readonly apiPath: string;
  readonly ids: RequestIds;
  resourcePath: string | undefined;
  pathParameters: Readonly<Record<string, string>>;
  /** What gateway response templates and mappings read. */
  readonly render: RenderContext;
  /** `$context` variables, as they stand now. */
  context(): Record<string, string | number | undefined>;
  /** `<api> <stage> <METHOD> <resource>` for the access log. */
  route(): string;
  /** Answers `error` through the API's gateway responses. */
  fail(error: GatewayError, note?: string, close?: boolean): Outcome;
}

/**
 * Starts the exchange of a request the front door sent to `api`'s `stage`.
 *
 * @example
 * ```ts
 * const exchange = openExchange({ state, api, stage, client, apiPath: match.apiPath, ids });
 * return exchange.fail(gatewayErrors.throttled());
 * ```
 */
export function openExchange(parts: {
  readonly state: GatewayState;
  readonly api: CompiledApi;
  readonly stage: StageSpec;
  readonly client: ClientRequest;
  readonly apiPath: string;
  readonly ids: RequestIds;
}): Exchange {
  const { state, api, stage, client, ids } = parts;
  const exchange: Exchange = {
    ...parts,
    resourcePath: undefined,
    pathParameters: {},
    render: {
      get context() {
        return exchange.context();
      },
      stageVariables: stage.variables,
      header: (name) => client.headers.last(name),
      query: (name) => client.query.get(name)?.at(-1),
      pathParameter: (name) =>
        Object.hasOwn(exchange.pathParameters, name) ? exchange.pathParameters[name] : undefined,
    },
    context: () => ({
      requestId: ids.requestId,
      extendedRequestId: ids.extendedRequestId,
      apiId: api.spec.id,
      accountId: state.model.accountId,
      stage: stage.name,
      resourcePath: exchange.resourcePath,
      path: client.path,
      httpMethod: client.httpMethod,
      domainName: client.domainName,
      'identity.sourceIp': client.sourceIp,
      requestTimeEpoch: ids.started,
      protocol: 'HTTP/1.1',
    }),
    route: () =>
      `${api.spec.name} ${stage.name}${exchange.resourcePath === undefined ? '' : ` ${client.httpMethod} ${exchange.resourcePath}`}`,
    fail: (error, note, close) => {
      const rendered = renderGatewayError(api.responses, error, exchange.render);
      return {
        statusCode: rendered.statusCode,
        headers: Object.entries(rendered.headers),
        body: rendered.body,
        route: exchange.route(),
        ...(note === undefined ? {} : { note }),
        ...(close ? { close } : {}),
      };
    },
  };
  return exchange;
}
