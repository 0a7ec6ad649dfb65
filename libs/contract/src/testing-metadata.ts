import type { Contract } from './contract';
import type { StoredExample } from './route';

/** A request to a route as a caller writes it: path, query and header values, and the body. */
export type FixtureRequest = StoredExample['request'];

/** What a fixture's `request` builder receives. */
export interface FixtureContext {
  /** A value no other run has used, such as `ct-3f9a1c`: for ids and keys that must be fresh. */
  unique(prefix: string): string;
  /** The body the `needs` route answered with, when the fixture declares one. */
  readonly created?: Readonly<Record<string, unknown>>;
}

/**
 * How the contract suite gets a valid request for one route: a route that acts on an existing
 * resource names the route that creates it (`needs`), and builds its request from what that
 * route answered. The suite calls `needs` as the same user first, so ownership holds.
 */
export interface RouteFixture {
  /** The operation id of a route of the same contract that creates the resource this one needs. */
  readonly needs?: string;
  /** A valid request; the suite adds the token and a fresh `Idempotency-Key` itself. */
  readonly request: (context: FixtureContext) => FixtureRequest;
  /**
   * A read route (operation id) whose answer for the same path must not change when this route
   * refuses a request: how the suite proves an invalid request wrote nothing.
   */
  readonly readBack?: string;
  /**
   * For a route that creates a resource under an id the caller chooses: where `readBack` finds
   * what a request would have created. After each refused request the suite reads there and
   * expects a 404.
   */
  readonly readBackPath?: (request: FixtureRequest) => Readonly<Record<string, unknown>>;
}

/** The fixtures of a contract, keyed by operation id. */
export type ContractFixtures<C extends Contract = Contract> = {
  readonly [K in keyof C['routes']]?: RouteFixture;
};

/**
 * Declares how the shared contract suite reaches every route of a contract with a valid request.
 * A route without a fixture uses its first success example; a route with neither is only
 * exercised with invalid requests. It takes the contract as a type only, so the contract's own
 * index can re-export its fixtures; the suite checks that every operation id named exists.
 *
 * @example
 * ```ts
 * export const ordersFixtures = defineFixtures<typeof ordersContract>({
 *   placeOrder: { request: () => ({ body: { items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress } }) },
 *   getOrder: { needs: 'placeOrder', request: ({ created }) => ({ path: { orderId: created?.id } }) },
 * });
 * ```
 */
export function defineFixtures<C extends Contract>(fixtures: ContractFixtures<C>): ContractFixtures<C> {
  return fixtures;
}

/**
 * Problems with a contract's fixtures: each operation id they name must be a route of it.
 *
 * @example
 * ```ts
 * fixtureProblems(menuContract, menuFixtures); // [] when every operation id exists
 * ```
 */
export function fixtureProblems(contract: Contract, fixtures: ContractFixtures): string[] {
  const problems: string[] = [];
  const entries: Array<[string, RouteFixture | undefined]> = Object.entries(fixtures);
  for (const [operationId, fixture] of entries) {
    if (!(operationId in contract.routes)) problems.push(`no route ${operationId}`);
    for (const other of [fixture?.needs, fixture?.readBack]) {
      if (other !== undefined && !(other in contract.routes)) {
        problems.push(`${operationId} refers to ${other}, which is not a route`);
      }
    }
  }
  return problems;
}

/**
 * What a consuming service relies on in one operation of another service's contract: the
 * response fields (dot paths such as `price.currency`) and the statuses it handles. The
 * provider's contract suite fails when its schema or its live answers stop providing them.
 */
export interface ConsumerExpectation {
  /** The consuming service: `orders`. */
  readonly consumer: string;
  /** The providing service: `menu`. */
  readonly provider: string;
  /** The provider's operation id: `getMenuItem`. */
  readonly operationId: string;
  /** Response fields the consumer reads; each must be declared, required and present. */
  readonly fields: readonly string[];
  /** Statuses the consumer handles besides the success status (a 404 it maps to "unknown"). */
  readonly statuses?: readonly number[];
  /** Why the consumer needs them, for the provider's reviewers. */
  readonly reason: string;
}

/**
 * Declares what a consumer relies on in a provider's contract, checked against the provider's
 * contract on the spot (the operation and each status exist) and by the provider's suite.
 *
 * @example
 * ```ts
 * export const ordersExpectations = defineExpectations('orders', menuContract, [
 *   { operationId: 'getMenuItem', fields: ['id', 'price.amount', 'available'], statuses: [404], reason: 'Prices order lines' },
 * ]);
 * ```
 */
export function defineExpectations<C extends Contract>(
  consumer: string,
  provider: C,
  expectations: ReadonlyArray<
    Omit<ConsumerExpectation, 'consumer' | 'provider' | 'operationId'> & {
      readonly operationId: keyof C['routes'] & string;
    }
  >,
): ConsumerExpectation[] {
  return expectations.map((expectation) => {
    const route = provider.routes[expectation.operationId];
    if (!route) {
      throw new Error(
        `${consumer} expects ${provider.service.name}.${expectation.operationId}, which does not exist.`,
      );
    }
    return { ...expectation, consumer, provider: provider.service.name };
  });
}

/**
 * What a consuming service relies on in one event of another service's contract: the event (its
 * source and detail type) and the detail fields (dot paths such as `order.customerId`) it reads.
 * It is plain data, so a consumer can declare it without importing the provider's contract lib.
 * The provider's contract suite fails when the event's published schema stops declaring them, or
 * makes a required one optional.
 */
export interface EventExpectation {
  /** The consuming service: `tracking`. */
  readonly consumer: string;
  /** The providing service: `orders`. */
  readonly provider: string;
  /** The event's source: `slice.orders`. */
  readonly source: string;
  /** The provider's event: `OrderPlaced`. */
  readonly detailType: string;
  /** Detail fields the consumer reads; each must be declared and required. */
  readonly fields: readonly string[];
  /** Detail fields the consumer reads when they are there; each must be declared, and may be optional. */
  readonly optionalFields?: readonly string[];
  /** Why the consumer needs them, for the provider's reviewers. */
  readonly reason: string;
}

/**
 * Declares what a consumer relies on in a provider's events, checked against the provider's
 * contract on the spot (each event exists) and by the provider's suite (each field is promised).
 *
 * @example
 * ```ts
 * export const trackingExpectations = defineEventExpectations('tracking', ordersContract, [
 *   { detailType: 'OrderPlaced', fields: ['order.id', 'order.customerId'], reason: 'Keeps who owns each order' },
 * ]);
 * ```
 */
export function defineEventExpectations<C extends Contract>(
  consumer: string,
  provider: C,
  expectations: ReadonlyArray<
    Omit<EventExpectation, 'consumer' | 'provider' | 'source' | 'detailType'> & {
      readonly detailType: keyof C['events'] & string;
    }
  >,
): EventExpectation[] {
  return expectations.map((expectation) => {
    const event = provider.events[expectation.detailType];
    if (!event) {
      throw new Error(
        `${consumer} expects ${provider.service.name}'s event ${expectation.detailType}, which does not exist.`,
      );
    }
    return { ...expectation, consumer, provider: provider.service.name, source: event.source };
  });
}

/**
 * Declares what a consumer relies on in a provider's events as data alone: the provider by name,
 * each event by source and detail type. For a provider whose contract lib the consumer's cannot
 * import (Kitchen's contract imports Orders', so Orders' cannot import Kitchen's back); the
 * contract runner holds the provider's published event schemas to it, as for
 * {@link defineEventExpectations}.
 *
 * @example
 * ```ts
 * export const ordersEventExpectations = declareEventExpectations('orders', 'kitchen', [
 *   { source: 'slice.kitchen', detailType: 'OrderReady', fields: ['ticket.orderId', 'readyAt'], reason: 'Marks the order READY' },
 * ]);
 * ```
 */
export function declareEventExpectations(
  consumer: string,
  provider: string,
  expectations: ReadonlyArray<Omit<EventExpectation, 'consumer' | 'provider'>>,
): EventExpectation[] {
  return expectations.map((expectation) => {
    if (expectation.fields.length + (expectation.optionalFields?.length ?? 0) === 0)
      throw new Error(`${consumer} expects ${provider}'s ${expectation.detailType} without naming a field.`);
    return { ...expectation, consumer, provider };
  });
}
