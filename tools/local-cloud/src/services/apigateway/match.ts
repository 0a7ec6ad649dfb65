import type { MethodSpec } from '../../assembly/types';
import { type Exchange, type Outcome, openExchange, type RequestIds } from './exchange';
import type { ClientRequest } from './request';
import { gatewayErrors } from './responses';
import { type CompiledResource, methodOf } from './router';
import { matchRule } from './routing';
import type { GatewayState } from './state';

/** The custom domain's answer when no routing rule (or base path mapping) matches. */
const notFound: Outcome = {
  statusCode: 404,
  headers: [
    ['Content-Type', 'application/json'],
    ['x-amzn-ErrorType', 'NotFoundException'],
  ],
  body: '{"message":"Not Found"}',
};

/**
 * The front door: the routing rule the request matches, and the exchange with the API and stage it
 * targets; else the custom domain's `404 {"message":"Not Found"}` (also when the rule's API or
 * stage is not running, which the note says).
 *
 * @example
 * ```ts
 * const routed = routeRequest(state, client, ids);
 * if ('statusCode' in routed) return routed; // no rule matched
 * ```
 */
export function routeRequest(
  state: GatewayState,
  client: ClientRequest,
  ids: RequestIds,
): Exchange | Outcome {
  const match = matchRule(state.rules, client.path, (name) => client.headers.values(name));
  if (!match) return notFound;
  const api = state.apis.get(match.rule.apiId);
  const stage = api?.stages.get(match.rule.stage);
  if (!api || !stage) {
    return {
      ...notFound,
      note: `the routing rule ${match.rule.source} targets ${match.rule.apiId}/${match.rule.stage}, which is not running`,
    };
  }
  return openExchange({ state, api, stage, client, apiPath: match.apiPath, ids });
}

/** The resource and method a request reached. */
export interface MatchedMethod {
  readonly resource: CompiledResource;
  readonly method: MethodSpec;
}

/**
 * The resource and method of the API for the request's path and method (literal segments before
 * `{param}`, a greedy `{name+}`, `ANY`), recorded on the exchange; else API Gateway's
 * `403 Missing Authentication Token`.
 *
 * @example
 * ```ts
 * const matched = matchMethod(exchange);
 * if ('statusCode' in matched) return matched;
 * ```
 */
export function matchMethod(exchange: Exchange): MatchedMethod | Outcome {
  const { client } = exchange;
  const found = exchange.api.router.match(exchange.apiPath);
  const method = found ? methodOf(found.resource, client.httpMethod) : undefined;
  if (!found || !method) {
    return exchange.fail(
      gatewayErrors.missingAuthenticationToken(),
      `no resource and method for ${client.httpMethod} ${exchange.apiPath}`,
    );
  }
  exchange.resourcePath = found.resource.spec.path;
  exchange.pathParameters = found.pathParameters;
  return { resource: found.resource, method };
}
