import {
  fixtureProblems,
  type ConsumerExpectation,
  type Contract,
  type ContractFixtures,
  type EventExpectation,
  type HttpMethod,
} from '@slice/contract';
import { casesFor, type CaseKind, type PropertyOptions, type SuiteCase } from './cases';
import { ContractViolation, SuiteContext, type Exchange } from './context';
import { eventExpectationCases, expectationCases } from './expectations';
import type { Target } from './target';

/** Options of {@link runContractSuite}. */
export interface SuiteOptions extends PropertyOptions {
  readonly contract: Contract;
  readonly target: Target;
  /** How the suite reaches each route with a valid request (the contract lib's fixtures). */
  readonly fixtures?: ContractFixtures;
  /** What consumers declared on this contract; others' are ignored. */
  readonly expectations?: readonly ConsumerExpectation[];
  /** What consumers of this contract's events declared; others' are ignored. */
  readonly eventExpectations?: readonly EventExpectation[];
  /** Only these kinds of case. @default every kind */
  readonly kinds?: readonly CaseKind[];
  /** Called after each case, for progress output. */
  readonly onResult?: (result: CaseResult) => void;
}

/** The outcome of one case. */
export interface CaseResult {
  readonly operationId: string;
  readonly route: string;
  readonly kind: CaseKind;
  readonly name: string;
  readonly passed: boolean;
  readonly durationMs: number;
  /** Why it failed, with the request and the answer that showed it. */
  readonly failure?: { readonly message: string; readonly exchange?: Exchange };
}

/** The outcome of a suite run against one target. */
export interface SuiteReport {
  readonly service: string;
  readonly version: string;
  readonly target: string;
  readonly routes: ReadonlyArray<{
    readonly operationId: string;
    readonly method: HttpMethod;
    readonly path: string;
  }>;
  readonly results: readonly CaseResult[];
  readonly durationMs: number;
  readonly passed: boolean;
}

/**
 * Every case of a contract, route by route, then the consumers' expectations.
 *
 * @example
 * ```ts
 * casesOf({ contract: menuContract, fixtures: menuFixtures, kinds: ['auth'] }).length;
 * ```
 */
export function casesOf(
  options: Pick<
    SuiteOptions,
    'contract' | 'fixtures' | 'expectations' | 'eventExpectations' | 'runs' | 'seed' | 'kinds'
  >,
): SuiteCase[] {
  const cases = [
    ...Object.values(options.contract.routes).flatMap((route) =>
      casesFor(route, options, options.fixtures?.[route.operationId]),
    ),
    ...expectationCases(options.contract, options.expectations ?? []),
    ...eventExpectationCases(options.contract, options.eventExpectations ?? []),
  ];
  return options.kinds ? cases.filter((candidate) => options.kinds?.includes(candidate.kind)) : cases;
}

/**
 * Runs the shared contract suite for one contract against one target, case by case, and
 * reports each case (a failure carries the request and the answer).
 *
 * @example
 * ```ts
 * const report = await runContractSuite({ contract: menuContract, fixtures: menuFixtures, expectations: ordersExpectations, target, runs: 25 });
 * console.log(formatSummary(report));
 * ```
 */
export async function runContractSuite(options: SuiteOptions): Promise<SuiteReport> {
  const { contract, target } = options;
  const problems = fixtureProblems(contract, options.fixtures ?? {});
  if (problems.length > 0) throw new Error(`Fixtures of ${contract.service.name}: ${problems.join('; ')}.`);
  const context = new SuiteContext(target, contract, options.fixtures ?? {});
  const started = Date.now();
  const results: CaseResult[] = [];
  // A case about identities no real account has runs only where the target can mint them; one
  // about how the domain routes a path, only where requests are not pinned to one API.
  const runnable = casesOf(options).filter(
    (candidate) =>
      (!candidate.needsAnyIdentity || target.mintsAnyIdentity) &&
      (!candidate.needsDomainRouting || !target.pinned),
  );
  for (const suiteCase of runnable) {
    const route = contract.routes[suiteCase.operationId];
    const caseStarted = Date.now();
    let failure: CaseResult['failure'];
    try {
      await suiteCase.run(context);
    } catch (error) {
      failure =
        error instanceof ContractViolation
          ? { message: error.message, ...(error.exchange ? { exchange: error.exchange } : {}) }
          : { message: `the case could not run: ${error instanceof Error ? error.message : String(error)}` };
    }
    const result: CaseResult = {
      operationId: suiteCase.operationId,
      route: route ? `${route.method} ${route.path}` : suiteCase.operationId,
      kind: suiteCase.kind,
      name: suiteCase.name,
      passed: !failure,
      durationMs: Date.now() - caseStarted,
      ...(failure ? { failure } : {}),
    };
    results.push(result);
    options.onResult?.(result);
  }
  return {
    service: contract.service.name,
    version: contract.service.version,
    target: target.name,
    routes: Object.values(contract.routes).map(({ operationId, method, path }) => ({
      operationId,
      method,
      path,
    })),
    results,
    durationMs: Date.now() - started,
    passed: results.every((result) => result.passed),
  };
}
