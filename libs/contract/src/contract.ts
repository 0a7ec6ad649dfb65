import type { EventContract } from './event';
import type { Route } from './route';

/** A service: who owns it and where it lives on the platform domain. */
export interface ServiceInfo {
  /** The service name, which is also its app folder and Nx project: `orders`. */
  readonly name: string;
  /**
   * The owning team, as in `tools/workspace/src/teams.ts`, or the stewarded scope that owns it
   * (`legacy`: the monolith, which every team stewards).
   */
  readonly team: string;
  /**
   * The base path on the platform domain: `/orders`. `/` is the root: the contract of the front
   * door's catch-all (the legacy monolith), whose routes may sit under any path no service claims.
   */
  readonly basePath: string;
  /** Semantic version of the contract; a breaking change raises the major. */
  readonly version: string;
  readonly title: string;
  readonly description: string;
}

/** A service contract: the only thing one team may import from another. */
export interface Contract<
  R extends Record<string, Route> = Record<string, Route>,
  E extends Record<string, EventContract> = Record<string, EventContract>,
> {
  readonly service: ServiceInfo;
  readonly routes: R;
  readonly events: E;
}

/**
 * Declares a service contract and checks it as a whole: routes keyed by their operation id, every
 * path under the base path, no two routes on one method and path, events from `slice.<service>`.
 *
 * @example
 * ```ts
 * export const ordersContract = defineContract({
 *   service: { name: 'orders', team: 'orders', basePath: '/orders', version: '1.0.0', title: 'Orders', description: '...' },
 *   routes: { placeOrder, getOrder, listOrders, cancelOrder },
 *   events: { OrderPlaced, OrderCancelled },
 * });
 * ```
 */
export function defineContract<R extends Record<string, Route>, E extends Record<string, EventContract>>(
  contract: Contract<R, E>,
): Contract<R, E> {
  const { service, routes, events } = contract;
  const where = `Contract ${service.name}`;
  if (!/^\/([a-z][a-z0-9-]*)?$/.test(service.basePath)) {
    throw new Error(`${where}: base path must be one lower-case segment such as /orders, or / (the root).`);
  }
  const underBasePath = (path: string) =>
    service.basePath === '/' || path === service.basePath || path.startsWith(`${service.basePath}/`);
  if (!/^\d+\.\d+\.\d+$/.test(service.version)) {
    throw new Error(`${where}: version must be semantic (1.0.0).`);
  }
  const seen = new Set<string>();
  for (const [key, route] of Object.entries(routes)) {
    if (key !== route.operationId) {
      throw new Error(`${where}: route key ${key} must equal its operationId ${route.operationId}.`);
    }
    if (!underBasePath(route.path)) {
      throw new Error(
        `${where}: ${route.operationId} path ${route.path} is outside the base path ${service.basePath}.`,
      );
    }
    const signature = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (seen.has(signature)) throw new Error(`${where}: two routes answer ${route.method} ${route.path}.`);
    seen.add(signature);
  }
  for (const [key, event] of Object.entries(events)) {
    if (key !== event.detailType) {
      throw new Error(`${where}: event key ${key} must equal its detail type ${event.detailType}.`);
    }
    if (event.source !== `slice.${service.name}`) {
      throw new Error(`${where}: event ${event.detailType} must come from slice.${service.name}.`);
    }
  }
  return contract;
}

/** The routes of a contract as a list, in declaration order. */
export function routesOf(contract: Contract): Route[] {
  return Object.values(contract.routes);
}
