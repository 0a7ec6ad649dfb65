import type {
  ConsumerExpectation,
  Contract,
  ContractFixtures,
  EventExpectation,
  SocketContract,
} from '@slice/contract';
import { kitchenContract, kitchenEventExpectations } from '@slice/contracts-kitchen';
import { menuContract, menuFixtures } from '@slice/contracts-menu';
import { monolithContract } from '@slice/contracts-monolith';
import {
  ordersContract,
  ordersEventExpectations,
  ordersExpectations,
  ordersFixtures,
} from '@slice/contracts-orders';
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
  // Tickets come from Orders' events, not from a route: the suite reaches the ticket routes with
  // their examples (an unknown ticket) and the queue with its own; the e2e covers a live ticket.
  kitchen: { contract: kitchenContract, fixtures: {} },
  // Every monolith route has a success example: no fixtures needed.
  monolith: { contract: monolithContract, fixtures: {} },
};

/** What every consumer declared on other services' contracts; each provider's run picks its own. */
export const consumerExpectations: readonly ConsumerExpectation[] = [...ordersExpectations];

/**
 * Every published WebSocket contract, keyed by service: held to the breaking-change gate like the
 * HTTP contracts; its messages are checked over a connection by the service's own contract target.
 */
export const socketContracts: Readonly<Record<string, SocketContract>> = { tracking: trackingContract };

/**
 * What every consumer declared on other services' events; each provider's run checks its own
 * published event schemas against them, as for HTTP.
 */
export const consumerEventExpectations: readonly EventExpectation[] = [
  ...trackingExpectations,
  ...kitchenEventExpectations,
  ...ordersEventExpectations,
];

/**
 * The contracts the monolith is held to when its own suite runs: the routes it still serves for
 * moved services (through `x-slice-route: monolith`) plus its own. A route a service added after
 * its move is the service's alone (the strangler grows the service, never the monolith): it is
 * listed here and left out of the monolith's suite and of parity.
 */
export const monolithContracts: Readonly<Record<string, { readonly addedAfterMove: readonly string[] }>> = {
  menu: { addedAfterMove: ['batchGetMenuItems'] },
  orders: { addedAfterMove: [] },
  // While the monolith still served /kitchen/queue: { addedAfterMove: ['getTicket', 'startTicket', 'cancelTicket'] }.
  // The kitchen code has left the monolith, so it is held to none of Kitchen's contract.
};

/**
 * A moved service's contract as the monolith serves it: without the routes added after the move.
 *
 * @example
 * ```ts
 * const { contract } = contractAtMove('menu'); // Menu's routes but batchGetMenuItems
 * ```
 */
export function contractAtMove(service: string): ServiceContract {
  const { contract, fixtures } = serviceContract(service);
  const added = new Set(monolithContracts[service]?.addedAfterMove ?? []);
  const routes = Object.fromEntries(Object.entries(contract.routes).filter(([id]) => !added.has(id)));
  const kept = Object.fromEntries(Object.entries(fixtures).filter(([id]) => !added.has(id)));
  return { contract: { ...contract, routes }, fixtures: kept };
}

/** The expectations a contract can be held to: those on routes it has. */
export const expectationsOn = (contract: Contract): ConsumerExpectation[] =>
  consumerExpectations.filter(
    (expectation) =>
      expectation.provider !== contract.service.name || expectation.operationId in contract.routes,
  );

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
