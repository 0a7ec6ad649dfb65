import type {
  AuthorizerSpec,
  GatewayResponseSpec,
  LambdaPermissionSpec,
  LocalModel,
  RestApiSpec,
  RoutingRuleSpec,
  StageSpec,
} from '../../assembly/types';
import { ResourceRouter } from './router';
import { compileRules, type CompiledRule, deriveRoutingRules, globPattern } from './routing';
import type { ThrottleLimits } from './throttle';

/** A REST API ready to serve: its resource tree and the lookups each request needs. */
export interface CompiledApi {
  readonly spec: RestApiSpec;
  readonly router: ResourceRouter;
  readonly responses: ReadonlyMap<string, GatewayResponseSpec>;
  readonly authorizers: ReadonlyMap<string, AuthorizerSpec>;
  readonly stages: ReadonlyMap<string, StageSpec>;
  readonly binaryTypes: readonly RegExp[];
  /** Throttling per stage and method, looked up once: bucket key and limits, or null when unthrottled. */
  readonly throttling: Map<string, { readonly key: string; readonly limits: ThrottleLimits } | null>;
}

/** One model as the gateway serves it; replaced whole on a redeploy. */
export interface GatewayState {
  readonly model: LocalModel;
  readonly rules: readonly CompiledRule[];
  readonly effectiveRules: readonly RoutingRuleSpec[];
  readonly apis: ReadonlyMap<string, CompiledApi>;
  readonly functionIds: ReadonlyMap<string, string>;
  readonly permissions: ReadonlyMap<string, readonly LambdaPermissionSpec[]>;
  readonly permitted: Map<string, boolean>;
  /** Requests being served on this state, and who waits for them to end (after an update). */
  inFlight: number;
  onDrained?: () => void;
}

function compileApi(spec: RestApiSpec): CompiledApi {
  return {
    spec,
    router: new ResourceRouter(spec.resources),
    responses: new Map(spec.gatewayResponses.map((response) => [response.responseType, response])),
    authorizers: new Map(spec.authorizers.map((authorizer) => [authorizer.id, authorizer])),
    stages: new Map(spec.stages.map((candidate) => [candidate.name, candidate])),
    binaryTypes: spec.binaryMediaTypes.map((type) => globPattern(type.toLowerCase())),
    throttling: new Map(),
  };
}

/**
 * Compiles a model for serving: each API's resource tree and lookups, the routing rules (the
 * model's, or derived from the APIs' base paths for `stage`), functions by ARN and name, and the
 * functions' resource policies.
 *
 * @example
 * ```ts
 * const state = compileState(model, 'dev');
 * state.apis.get(apiId)?.router.match('/orders/o-1');
 * ```
 */
export function compileState(model: LocalModel, stage: string | undefined): GatewayState {
  const effectiveRules =
    model.routingRules.length > 0 ? model.routingRules : deriveRoutingRules(model.restApis, stage);
  const functionIds = new Map<string, string>();
  for (const fn of model.functions) {
    functionIds.set(fn.arn, fn.id);
    functionIds.set(fn.functionName, fn.id);
  }
  const permissions = new Map<string, LambdaPermissionSpec[]>();
  for (const permission of model.permissions) {
    if (permission.functionId === undefined) continue;
    const list = permissions.get(permission.functionId) ?? [];
    list.push(permission);
    permissions.set(permission.functionId, list);
  }
  return {
    model,
    rules: compileRules(effectiveRules),
    effectiveRules: [...effectiveRules].sort((left, right) => left.priority - right.priority),
    apis: new Map(model.restApis.map((spec) => [spec.id, compileApi(spec)])),
    functionIds,
    permissions,
    permitted: new Map(),
    inFlight: 0,
  };
}

/**
 * Whether a function's `AWS::Lambda::Permission`s let API Gateway invoke it from `sourceArn`
 * (remembered per function and source).
 *
 * @example
 * ```ts
 * isPermitted(state, 'Orders/PlaceOrder', 'arn:aws:execute-api:eu-west-1:1:abc/dev/POST/orders');
 * ```
 */
export function isPermitted(state: GatewayState, functionId: string, sourceArn: string): boolean {
  const key = `${functionId}\0${sourceArn}`;
  const known = state.permitted.get(key);
  if (known !== undefined) return known;
  const allowed = apiGatewayMayInvoke(
    state.permissions.get(functionId) ?? [],
    sourceArn,
    state.model.accountId,
  );
  state.permitted.set(key, allowed);
  return allowed;
}

/**
 * Whether any of a function's `AWS::Lambda::Permission`s lets API Gateway invoke it from
 * `sourceArn` (an `execute-api` ARN; `*` and `?` in a permission's `SourceArn` are wildcards).
 *
 * @example
 * ```ts
 * apiGatewayMayInvoke(permissions, 'arn:aws:execute-api:eu-west-1:0:abc/dev/$connect', '000000000000');
 * ```
 */
export function apiGatewayMayInvoke(
  permissions: readonly LambdaPermissionSpec[],
  sourceArn: string,
  accountId: string,
): boolean {
  return permissions.some(
    (permission) =>
      (permission.principal === 'apigateway.amazonaws.com' || permission.principal === '*') &&
      ['lambda:invokefunction', 'lambda:*', '*'].includes(permission.action.toLowerCase()) &&
      (permission.sourceArn === undefined || globPattern(permission.sourceArn).test(sourceArn)) &&
      (permission.sourceAccount === undefined || permission.sourceAccount === accountId),
  );
}

/**
 * An `execute-api` ARN of the API: `arn:aws:execute-api:<region>:<account>:<apiId>/<resource>`.
 *
 * @example
 * ```ts
 * executeApiArn(state, api.spec, 'dev/GET/orders'); // 'arn:aws:execute-api:eu-west-1:…:abc/dev/GET/orders'
 * ```
 */
export function executeApiArn(state: GatewayState, api: RestApiSpec, resource: string): string {
  return `arn:aws:execute-api:${api.region}:${state.model.accountId}:${api.id}/${resource}`;
}
