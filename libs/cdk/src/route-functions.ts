import { join } from 'node:path';
import type { Contract, Route } from '@slice/contract';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { liveAlias } from './rollout';
import { ServiceFunction, type ServiceFunctionProps } from './service-function';

/**
 * The handler file of an operation id or event handler name: `placeOrder` → `place-order`. A
 * newcomer finds a route's code from its operation id in one step: `src/handlers/place-order.ts`.
 *
 * @example
 * ```ts
 * handlerFileOf('placeOrder'); // 'place-order'
 * ```
 */
export function handlerFileOf(name: string): string {
  if (!/^[a-z][A-Za-z0-9]*$/.test(name)) {
    throw new Error(`"${name}" is not a camelCase operation id such as placeOrder.`);
  }
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The construct id of an operation id's function: `placeOrder` → `PlaceOrder`. It is part of
 * the function's logical id, so it never changes once deployed.
 *
 * @example
 * ```ts
 * functionIdOf('placeOrder'); // 'PlaceOrder'
 * ```
 */
export function functionIdOf(name: string): string {
  handlerFileOf(name);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Props of the functions a {@link ServiceStack} derives from names: everything but the entry. */
export interface HandlerFunctionProps extends Omit<ServiceFunctionProps, 'entry'> {
  /** The folder of the handler files, usually `join(__dirname, '../src/handlers')`. */
  readonly handlers: string;
  /**
   * Called with each function before its `live` alias is made: grants every function needs.
   * @default nothing
   */
  readonly configure?: (fn: ServiceFunction) => void;
}

/** One `live` alias per route of a contract, keyed by operation id. */
export type RouteFunctions<R extends Record<string, Route>> = {
  readonly [K in keyof R & string]: lambda.Alias;
};

/**
 * Creates the function of one handler from its name: construct id `functionIdOf(name)`, entry
 * `<handlers>/<handlerFileOf(name)>.ts`, and returns its `live` alias.
 */
export function createHandlerFunction(
  scope: Construct,
  name: string,
  props: HandlerFunctionProps,
): lambda.Alias {
  const { handlers, configure, ...functionProps } = props;
  const fn = new ServiceFunction(scope, functionIdOf(name), {
    ...functionProps,
    entry: join(handlers, `${handlerFileOf(name)}.ts`),
  });
  configure?.(fn);
  return liveAlias(fn);
}

/** Creates one function per route of `contract`, in the contract's order, keyed by operation id. */
export function createRouteFunctions<R extends Record<string, Route>>(
  scope: Construct,
  contract: Contract<R>,
  props: HandlerFunctionProps,
): RouteFunctions<R> {
  const created: Record<string, lambda.Alias> = {};
  for (const route of Object.values(contract.routes)) {
    created[route.operationId] = createHandlerFunction(scope, route.operationId, props);
  }
  return created as RouteFunctions<R>;
}
