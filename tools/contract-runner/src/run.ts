import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatSummary,
  runContractSuite,
  withHeaders,
  writeJunit,
  caseKinds,
  type CaseKind,
  type ParityReport,
  runParity,
  type SuiteReport,
  type Target,
} from '@slice/contract-tests';
import {
  consumerEventExpectations,
  contractAtMove,
  expectationsOn,
  monolithContracts,
  serviceContract,
  serviceContracts,
} from './services';

/** Options of {@link runContracts}. */
export interface RunContractsOptions {
  /** The service whose target runs: `menu`, `orders` or `monolith`. */
  readonly service: string;
  readonly target: Target;
  /** Property-based requests per route. */
  readonly runs: number;
  readonly seed?: number;
  /** Kinds of case to leave out, such as `property` on a shared stage (it creates random items). */
  readonly skip?: readonly CaseKind[];
  /** Reports go to `<out>/<service>/`: `summary.txt` and `junit.xml`. */
  readonly out: string;
  readonly print?: (text: string) => void;
}

/** The header that sends a request for a moved route to the monolith instead. */
export const monolithRouteHeader = { 'x-slice-route': 'monolith' } as const;

/**
 * Runs the suite for a service: its own contract with its consumers' expectations; for the
 * monolith every contract it still serves, each request sent with `x-slice-route: monolith`.
 * Writes a readable summary and JUnit XML per contract.
 *
 * @example
 * ```ts
 * const reports = await runContracts({ service: 'menu', target, runs: 25, out: 'dist/contract' });
 * ```
 */
export async function runContracts(options: RunContractsOptions): Promise<SuiteReport[]> {
  const print = options.print ?? ((text: string) => console.log(text));
  const isMonolith = options.service === 'monolith';
  const names = isMonolith
    ? [...Object.keys(monolithContracts), ...('monolith' in serviceContracts ? ['monolith'] : [])]
    : [options.service];
  const target = isMonolith
    ? {
        ...withHeaders(options.target, monolithRouteHeader, `${options.target.name} (monolith)`),
        pinned: true,
      }
    : options.target;
  const reports: SuiteReport[] = [];
  for (const name of names) {
    const { contract, fixtures } = isMonolith ? contractAtMove(name) : serviceContract(name);
    const report = await runContractSuite({
      contract,
      fixtures,
      expectations: expectationsOn(contract),
      eventExpectations: consumerEventExpectations,
      target,
      runs: options.runs,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.skip?.length ? { kinds: caseKinds.filter((kind) => !options.skip?.includes(kind)) } : {}),
    });
    const dir = join(options.out, options.service);
    mkdirSync(dir, { recursive: true });
    const summary = formatSummary(report);
    const file = names.length > 1 ? `${name}-` : '';
    writeFileSync(join(dir, `${file}summary.txt`), `${summary}\n`);
    writeJunit(report, join(dir, `${file}junit.xml`));
    print(summary);
    reports.push(report);
  }
  return reports;
}

/**
 * Replays a moved service's contract cases against the service and against the monolith
 * (`x-slice-route: monolith`) on one target, the routes both serve ({@link contractAtMove}).
 *
 * @example
 * ```ts
 * const report = await runServiceParity('orders', running.target);
 * console.log(formatParity(report));
 * ```
 */
export function runServiceParity(service: string, target: Target): Promise<ParityReport> {
  const { contract, fixtures } = contractAtMove(service);
  return runParity({
    contract,
    fixtures,
    service: target,
    monolith: withHeaders(target, monolithRouteHeader, 'monolith'),
  });
}
