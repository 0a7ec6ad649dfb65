import type {
  ConsumerExpectation,
  Contract,
  ContractFixtures,
  EventExpectation,
  SocketContract,
} from '@slice/contract';
import { menuContract, menuFixtures } from '@slice/contracts-menu';
import { monolithContract } from '@slice/contracts-monolith';
import { ordersContract, ordersExpectations, ordersFixtures } from '@slice/contracts-orders';
import { trackingContract, trackingExpectations } from '@slice/contracts-tracking';

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
  // Every monolith route has a success example: no fixtures needed.
  monolith: { contract: monolithContract, fixtures: {} },
};

/** What every consumer declared on other services' contracts; each provider's run picks its own. */
export const consumerExpectations: readonly ConsumerExpectation[] = [...ordersExpectations];

/** What every consumer declared on other services' events; each provider's run picks its own. */
export const consumerEventExpectations: readonly EventExpectation[] = [...trackingExpectations];

/**
 * Every published WebSocket contract, keyed by service: held to the breaking-change gate like the
 * HTTP contracts; its messages are checked over a connection by the service's own contract target.
 */
export const socketContracts: Readonly<Record<string, SocketContract>> = { tracking: trackingContract };

/**
 * The contracts the monolith is held to when its own suite runs: the routes it still serves for
 * moved services (through `x-slice-route: monolith`) plus its own.
 */
export const monolithContracts: readonly string[] = ['menu', 'orders'];

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
