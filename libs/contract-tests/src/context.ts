import { randomBytes } from 'node:crypto';
import type { Contract, ContractFixtures, FixtureRequest, Route, RouteFixture } from '@slice/contract';
import { jsonOf, toHttpRequest, type RequestOptions } from './http';
import { leaksIn } from './checks';
import type { HttpRequest, HttpResponse, Target, TargetUser } from './target';

/** One request and its answer, kept for the report. */
export interface Exchange {
  readonly request: HttpRequest;
  readonly response: HttpResponse;
  readonly json: unknown;
}

/**
 * A case found the target breaking its contract.
 *
 * @example
 * ```ts
 * throw new ContractViolation('expected 404, got 200', exchange);
 * ```
 */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
  }
}

/**
 * Fails the case with `message` when `issues` is not empty.
 *
 * @example
 * ```ts
 * expectNone(problemIssues(exchange.response), 'no token', exchange);
 * ```
 */
export function expectNone(issues: readonly string[], message: string, exchange?: Exchange): void {
  if (issues.length > 0) throw new ContractViolation(`${message}: ${issues.join('; ')}`, exchange);
}

/**
 * Fails the case unless the answer has the expected status.
 *
 * @example
 * ```ts
 * expectStatus(exchange, [400, 415], 'a text/plain body');
 * ```
 */
export function expectStatus(exchange: Exchange, expected: number | readonly number[], what: string): void {
  const allowed = typeof expected === 'number' ? [expected] : expected;
  if (!allowed.includes(exchange.response.status)) {
    throw new ContractViolation(
      `${what}: expected ${allowed.join(' or ')}, got ${exchange.response.status}`,
      exchange,
    );
  }
}

/** Who calls: `none` sends no token. */
export type As = TargetUser | 'none';

/** The users of one suite run: two customers and a staff member, fresh per run. */
export interface SuiteUsers {
  readonly customer: TargetUser;
  readonly otherCustomer: TargetUser;
  readonly staff: TargetUser;
}

/** A valid request for a route, and the resource made for it (the `needs` route's answer). */
export interface ValidRequest {
  readonly request: FixtureRequest;
  readonly created?: Readonly<Record<string, unknown>>;
}

/**
 * What every case runs with: the target, the contract and its fixtures, the run's users, and a
 * `call` that sends a route's request and checks every error answer for leaked internals.
 *
 * @example
 * ```ts
 * const context = new SuiteContext(target, menuContract, menuFixtures);
 * const exchange = await context.call(menuContract.routes.getMenuItem, { path: { itemId: 'margherita' } });
 * ```
 */
export class SuiteContext {
  readonly users: SuiteUsers;
  private counter = 0;

  constructor(
    readonly target: Target,
    readonly contract: Contract,
    readonly fixtures: ContractFixtures,
    readonly runId: string = randomBytes(4).toString('hex'),
  ) {
    this.users = {
      customer: { sub: `ct-customer-${runId}` },
      otherCustomer: { sub: `ct-other-${runId}` },
      staff: { sub: `ct-staff-${runId}`, staff: true },
    };
  }

  /** A fresh lower-case value: `ct-3f9a1c2b-7`. */
  unique(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.runId}-${this.counter}`;
  }

  /** The caller a route expects: nobody, a customer or staff. */
  callerOf(route: Route): As {
    if (route.auth === 'public') return 'none';
    return route.auth === 'staff' ? this.users.staff : this.users.customer;
  }

  /** Sends a route's request as `as` (default: the route's caller). Error answers must not leak internals. */
  async call(
    route: Route,
    request: FixtureRequest,
    options: RequestOptions & { as?: As } = {},
  ): Promise<Exchange> {
    const as = options.as ?? this.callerOf(route);
    const token = options.token ?? (as === 'none' ? undefined : await this.target.token(as));
    const idempotencyKey =
      options.idempotencyKey ?? (route.idempotencyKey ? this.unique('ct-key') : undefined);
    const http = toHttpRequest(route, request, {
      ...options,
      ...(token ? { token } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
      correlationId: options.correlationId ?? this.unique('ct-corr'),
    });
    let response = await this.target.send(http);
    // A 429 or 503 with Retry-After is the contract telling the client to come back: the suite is
    // a burst above the stage's rate limit, or a dependency was slow (on a small machine, a burst
    // of cold starts). A client that follows the contract retries, with the same Idempotency-Key,
    // up to three times; a 5xx after that counts.
    const comeBack = (status: number) => status === 429 || status === 503;
    for (let retry = 0; retry < 3 && comeBack(response.status); retry += 1) {
      const retryAfter = Number(response.headers['retry-after']);
      if (!Number.isFinite(retryAfter)) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, 2) * 1000));
      response = await this.target.send(http);
    }
    const exchange = { request: http, response, json: jsonOf(response) };
    expectNone(leaksIn(response), `${route.operationId}`, exchange);
    return exchange;
  }

  route(operationId: string): Route {
    const route = this.contract.routes[operationId];
    if (!route) throw new Error(`${this.contract.service.name} has no route ${operationId}.`);
    return route;
  }

  fixtureOf(route: Route): RouteFixture | undefined {
    return (this.fixtures as Record<string, RouteFixture | undefined>)[route.operationId];
  }

  /**
   * A valid request for the route, as `as` would send it: from its fixture (creating the resource
   * it `needs` first, as the same user) or its first success example.
   */
  async validRequest(route: Route, as: As = this.callerOf(route)): Promise<ValidRequest | undefined> {
    const fixture = this.fixtureOf(route);
    if (!fixture) {
      const example = route.examples.find((candidate) => candidate.response.status === route.status);
      return example ? { request: example.request } : undefined;
    }
    let created: Record<string, unknown> | undefined;
    if (fixture.needs) {
      const maker = this.route(fixture.needs);
      const makerAs: As =
        maker.auth === 'staff' ? this.users.staff : as === 'none' ? this.callerOf(maker) : as;
      const made = await this.validRequest(maker, makerAs);
      if (!made)
        throw new Error(`${route.operationId} needs ${maker.operationId}, which has no fixture or example.`);
      const exchange = await this.call(maker, made.request, { as: makerAs });
      if (exchange.response.status !== maker.status) {
        throw new ContractViolation(
          `setting up ${route.operationId}: ${maker.operationId} answered ${exchange.response.status}, not ${maker.status}`,
          exchange,
        );
      }
      created = exchange.json as Record<string, unknown>;
    }
    return {
      request: fixture.request({ unique: (prefix) => this.unique(prefix), ...(created ? { created } : {}) }),
      ...(created ? { created } : {}),
    };
  }
}
