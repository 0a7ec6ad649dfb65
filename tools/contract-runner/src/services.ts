import type { ConsumerExpectation, Contract, ContractFixtures, EventExpectation } from '@slice/contract';
import { kitchenContract, kitchenEventExpectations } from '@slice/contracts-kitchen';
import { menuContract, menuFixtures } from '@slice/contracts-menu';
import { monolithContract } from '@slice/contracts-monolith';
import { ordersContract, ordersExpectations, ordersFixtures } from '@slice/contracts-orders';

/** A contract the runner knows, with its fixtures. */
export interface ServiceContract {
  readonly contract: Contract;
  readonly fixtures: ContractFixtures;
}

/**
 * Every published contract with its fixtures, keyed by service. A new service adds one line
 * here (and its consumers' expectations below).
 */
export const serviceContracts: Readonly<Record<string, ServiceContract>> = {
  menu: { contract: menuContract, fixtures: menuFixtures },
  orders: { contract: ordersContract, fixtures: ordersFixtures },
  // Tickets come from Orders' events, not from a route: the suite reaches the ticket routes with
  // their examples (an unknown ticket) and the queue with its own; the e2e covers a live ticket.
  kitchen: { contract: kitchenContract, fixtures: {} },
  // Every monolith route has a success example: no fixtures needed.
  monolith: { contract: monolithContract, fixtures: {} },
};

/** What every consumer declared on other services' contracts; each provider's run picks its own. */
export const consumerExpectations: readonly ConsumerExpectation[] = [...ordersExpectations];

/**
 * What every consumer declared on other services' events; each provider's run checks its own
 * published event schemas against them, as for HTTP.
 */
export const consumerEventExpectations: readonly EventExpectation[] = [...kitchenEventExpectations];

/** A contract the monolith is held to, whole or only the routes it served before they moved. */
export interface MonolithContract {
  readonly service: string;
  /**
   * The operation ids the monolith served; routes the service added after the move are not the
   * monolith's to answer.
   * @default every route of the contract
   */
  readonly routes?: readonly string[];
}

/**
 * The contracts the monolith is held to when its own suite runs (through `x-slice-route:
 * monolith`), and which routes of each `parity` compares: the routes it still serves for moved
 * services plus its own.
 */
export const monolithContracts: readonly MonolithContract[] = [{ service: 'menu' }, { service: 'orders' }];

/**
 * A service's contract as the monolith serves it: only the routes it served before they moved
 * (every route when the whole contract is the monolith's), with the service's fixtures for them.
 *
 * @example
 * ```ts
 * // While `{ service: 'kitchen', routes: ['getKitchenQueue'] }` was listed above:
 * Object.keys(asServedByMonolith('kitchen').contract.routes); // ['getKitchenQueue']
 * ```
 */
export function asServedByMonolith(service: string): ServiceContract {
  const { contract, fixtures } = serviceContract(service);
  const held = monolithContracts.find((candidate) => candidate.service === service);
  const routes = held?.routes;
  if (!routes) return { contract, fixtures };
  const pick = <T>(record: Readonly<Record<string, T>>) =>
    Object.fromEntries(Object.entries(record).filter(([operationId]) => routes.includes(operationId)));
  return {
    contract: { ...contract, routes: pick(contract.routes) },
    fixtures: pick<ContractFixtures[string]>(fixtures),
  };
}

/**
 * The contract of a service, or an error naming the known ones.
 *
 * @example
 * ```ts
 * const { contract, fixtures } = serviceContract('orders');
 * ```
 */
export function serviceContract(service: string): ServiceContract {
  const found = serviceContracts[service];
  if (!found) {
    throw new Error(`No contract for "${service}"; known: ${Object.keys(serviceContracts).join(', ')}.`);
  }
  return found;
}
