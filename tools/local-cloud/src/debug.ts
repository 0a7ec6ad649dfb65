/**
 * `npm start -- --inspect <function>`: the environments of one function start with Node's
 * inspector on a printed port, one invocation at a time, and nothing times out while the
 * developer is paused on a breakpoint: the function's own timeout and the integration timeout of
 * every REST method that invokes it are lifted.
 */
import { findFunction } from './logs';
import type { FunctionSpec, IntegrationSpec, LocalModel, RestApiSpec } from './model';

/** What `--inspect` asks for. */
export interface InspectRequest {
  /** The function, as the developer names it (`get-order`, `orders/get-order`). */
  readonly function: string;
  /** The inspector's port on 127.0.0.1. @default 9229 */
  readonly port?: number;
}

/** The default port of Node's inspector, which VS Code's "Attach" configuration uses. */
export const DEFAULT_INSPECT_PORT = 9229;

/** The timeout a debugged function gets, in seconds: a day, so a paused breakpoint never times out. */
export const DEBUG_TIMEOUT_SECONDS = 24 * 60 * 60;

/** The function `--inspect` names; an unknown or ambiguous name is an error listing the known ones. */
export function inspectedFunction(model: LocalModel, name: string): FunctionSpec {
  const found = findFunction(model.functions, name);
  if ('error' in found) throw new Error(`--inspect: ${found.error}`);
  return found.fn;
}

function lifted(integration: IntegrationSpec, functionId: string): IntegrationSpec {
  return integration.type === 'AWS_PROXY' && integration.functionId === functionId
    ? { ...integration, timeoutMs: DEBUG_TIMEOUT_SECONDS * 1000 }
    : integration;
}

function liftApi(api: RestApiSpec, functionId: string): RestApiSpec {
  return {
    ...api,
    resources: api.resources.map((resource) => ({
      ...resource,
      methods: resource.methods.map((method) => ({
        ...method,
        integration: lifted(method.integration, functionId),
      })),
    })),
  };
}

/**
 * The model with the debugged function's timeout and its integrations' timeouts lifted, so a
 * breakpoint can stay paused; applied at the start and at every redeploy.
 *
 * @example
 * ```ts
 * startLocalCloud({ root, transformModel: (model) => debugModel(model, 'get-order') });
 * ```
 */
export function debugModel(model: LocalModel, name: string): LocalModel {
  const fn = inspectedFunction(model, name);
  return {
    ...model,
    functions: model.functions.map((each) =>
      each.id === fn.id ? { ...each, timeoutSeconds: DEBUG_TIMEOUT_SECONDS } : each,
    ),
    restApis: model.restApis.map((api) => liftApi(api, fn.id)),
  };
}
