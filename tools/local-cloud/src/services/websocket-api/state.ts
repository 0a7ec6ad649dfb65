import type {
  LambdaPermissionSpec,
  LocalModel,
  WebSocketApiSpec,
  WebSocketAuthorizerSpec,
  WebSocketRouteSpec,
  WebSocketStageSpec,
} from '../../model';

/** A WebSocket API ready to serve: its lookups by route key, authorizer id and stage. */
export interface ServedApi {
  readonly spec: WebSocketApiSpec;
  readonly routes: ReadonlyMap<string, WebSocketRouteSpec>;
  readonly authorizers: ReadonlyMap<string, WebSocketAuthorizerSpec>;
  readonly stages: ReadonlyMap<string, WebSocketStageSpec>;
}

/** Where a client connects: the API, its stage and the domain name the events carry. */
export interface ConnectTarget {
  readonly api: ServedApi;
  readonly stage: WebSocketStageSpec;
  readonly domainName: string;
}

/** One model as the WebSocket APIs serve it; replaced whole on a redeploy. */
export interface WebSocketState {
  readonly model: LocalModel;
  readonly apis: ReadonlyMap<string, ServedApi>;
  /** Custom domains by host name (`ws.slice.example`) and by local host name (`ws.localhost`). */
  readonly domains: ReadonlyMap<
    string,
    readonly { api: ServedApi; domainName: string; stage: string; key: string }[]
  >;
  readonly permissions: ReadonlyMap<string, readonly LambdaPermissionSpec[]>;
}

/** The path prefix of the local scheme: `ws://localhost:<port>/_ws/<apiId>/<stage>`. */
export const localPathPrefix = '/_ws/';

/** The domain API Gateway gives an API: `<apiId>.execute-api.<region>.amazonaws.com`. */
export const executeApiDomain = (api: WebSocketApiSpec): string =>
  `${api.id}.execute-api.${api.region}.amazonaws.com`;

/** `ws.localhost` for `ws.slice.example`: the custom domain's first label on the local machine. */
export const localHostOf = (domainName: string): string =>
  `${domainName.split('.')[0] ?? domainName}.localhost`;

function serve(spec: WebSocketApiSpec): ServedApi {
  return {
    spec,
    routes: new Map(spec.routes.map((route) => [route.routeKey, route])),
    authorizers: new Map(spec.authorizers.map((authorizer) => [authorizer.id, authorizer])),
    stages: new Map(spec.stages.map((stage) => [stage.name, stage])),
  };
}

/**
 * Compiles a model for serving: each WebSocket API's lookups, its custom domains by host name and
 * local host name, and the functions' resource policies.
 *
 * @example
 * ```ts
 * const state = compileWebSocketState(model);
 * targetOf(state, '/_ws/k3w9a1b2c3/dev', 'localhost:3000');
 * ```
 */
export function compileWebSocketState(model: LocalModel): WebSocketState {
  const apis = new Map((model.webSocketApis ?? []).map((spec) => [spec.id, serve(spec)]));
  const domains = new Map<string, { api: ServedApi; domainName: string; stage: string; key: string }[]>();
  for (const api of apis.values()) {
    for (const domain of api.spec.domains) {
      const entry = { api, domainName: domain.domainName, stage: domain.stage, key: domain.mappingKey };
      for (const host of new Set([domain.domainName, localHostOf(domain.domainName)]))
        domains.set(host, [...(domains.get(host) ?? []), entry]);
    }
  }
  const permissions = new Map<string, LambdaPermissionSpec[]>();
  for (const permission of model.permissions) {
    if (permission.functionId === undefined) continue;
    permissions.set(permission.functionId, [...(permissions.get(permission.functionId) ?? []), permission]);
  }
  return { model, apis, domains, permissions };
}

/**
 * The API and stage a connect request names: `/_ws/<apiId>/<stage>` on any host of the local
 * domain, or a custom domain's host (`ws.localhost:<port>`, or its own name) with the path of its
 * API mapping (`/` for a mapping without a key). `undefined` when it names none.
 *
 * @example
 * ```ts
 * targetOf(state, '/_ws/k3w9a1b2c3/dev?token=t', 'localhost:3000')?.stage.name; // 'dev'
 * targetOf(state, '/', 'ws.localhost:3000')?.domainName; // 'ws.slice.example'
 * ```
 */
export function targetOf(
  state: WebSocketState,
  url: string,
  host: string | undefined,
): ConnectTarget | undefined {
  const path = url.split('?')[0] ?? '/';
  if (path.startsWith(localPathPrefix)) {
    const [apiId = '', stageName = '', ...rest] = path.slice(localPathPrefix.length).split('/');
    const api = state.apis.get(apiId);
    const stage = api?.stages.get(decodeURIComponent(stageName));
    if (!api || !stage || rest.some((segment) => segment !== '')) return undefined;
    return { api, stage, domainName: executeApiDomain(api.spec) };
  }
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  const key = path.replace(/^\/+|\/+$/g, '');
  const mapping = state.domains.get(hostname)?.find((candidate) => candidate.key === key);
  const stage = mapping?.api.stages.get(mapping.stage);
  return mapping && stage ? { api: mapping.api, stage, domainName: mapping.domainName } : undefined;
}
