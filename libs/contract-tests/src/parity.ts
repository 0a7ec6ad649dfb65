import type { Contract, ContractFixtures, FixtureRequest, Route } from '@slice/contract';
import { ContractViolation, SuiteContext, type As, type Exchange } from './context';
import type { Target } from './target';

/**
 * A declared rule for values parity ignores because each side generates its own: a field name
 * (the last segment of its path, `*` for any) and what its value looks like.
 */
export interface ParityRule {
  readonly field: string;
  readonly kind: 'uuid' | 'timestamp' | 'any';
}

/**
 * Generated ids and timestamps anywhere, opaque page cursors (each side encodes its own keys),
 * and the per-request problem fields.
 */
export const defaultParityRules: readonly ParityRule[] = [
  { field: '*', kind: 'uuid' },
  { field: '*', kind: 'timestamp' },
  { field: 'nextCursor', kind: 'any' },
  { field: 'correlationId', kind: 'any' },
  { field: 'instance', kind: 'any' },
];

/** The headers parity compares (the rest differ by nature: dates, request ids, lengths). */
export const defaultParityHeaders: readonly string[] = [
  'content-type',
  'cache-control',
  'x-content-type-options',
  'access-control-allow-origin',
];

const matchers: Record<ParityRule['kind'], (value: unknown) => boolean> = {
  uuid: (value) =>
    typeof value === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  timestamp: (value) =>
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value),
  any: () => true,
};

/**
 * A value with every generated id and timestamp replaced by `<uuid>`, `<timestamp>` or `<any>`.
 *
 * @example
 * ```ts
 * normalize({ id: '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10', name: 'Margherita' }, defaultParityRules); // { id: '<uuid>', name: 'Margherita' }
 * ```
 */
export function normalize(value: unknown, rules: readonly ParityRule[], field = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => normalize(item, rules, field));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalize(item, rules, key)]));
  }
  const rule = rules.find(
    (candidate) => (candidate.field === '*' || candidate.field === field) && matchers[candidate.kind](value),
  );
  return rule ? `<${rule.kind}>` : value;
}

/**
 * Where two JSON values differ, as dot paths with both values.
 *
 * @example
 * ```ts
 * differences({ total: 900 }, { total: 950 }); // [{ path: 'body.total', service: 900, monolith: 950 }]
 * ```
 */
export function differences(
  a: unknown,
  b: unknown,
  path = 'body',
): Array<{ path: string; service: unknown; monolith: unknown }> {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const bothObjects =
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return [{ path, service: a, monolith: b }];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) =>
    differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`),
  );
}

/** One difference between the service's answer and the monolith's. */
export interface ParityDifference {
  readonly operationId: string;
  readonly scenario: string;
  /** `status`, `header content-type`, `body.lines.0.name`. */
  readonly where: string;
  readonly service: unknown;
  readonly monolith: unknown;
}

/** The outcome of a parity run. */
export interface ParityReport {
  readonly service: string;
  readonly scenarios: ReadonlyArray<{
    readonly operationId: string;
    readonly name: string;
    readonly same: boolean;
  }>;
  readonly differences: readonly ParityDifference[];
  readonly passed: boolean;
}

/** Options of {@link runParity}. */
export interface ParityOptions {
  readonly contract: Contract;
  readonly fixtures?: ContractFixtures;
  /** The new service. */
  readonly service: Target;
  /** The monolith, for the same routes (through the front door with `x-slice-route: monolith`). */
  readonly monolith: Target;
  /** @default {@link defaultParityRules} */
  readonly rules?: readonly ParityRule[];
  /** @default {@link defaultParityHeaders} */
  readonly headers?: readonly string[];
}

interface Scenario {
  readonly operationId: string;
  readonly name: string;
  run(context: SuiteContext): Promise<Exchange | undefined>;
}

const caught = async (run: () => Promise<Exchange | undefined>): Promise<Exchange | undefined> => {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ContractViolation && error.exchange) return error.exchange;
    throw error;
  }
};

function scenariosOf(route: Route): Scenario[] {
  const id = route.operationId;
  const scenarios: Scenario[] = route.examples.map((example) => ({
    operationId: id,
    name: `example "${example.name}"`,
    run: (context) => context.call(route, example.request),
  }));
  const withValid = (
    name: string,
    as: (context: SuiteContext) => As | undefined,
    change: (request: FixtureRequest) => { request: FixtureRequest; rawBody?: string },
  ) =>
    scenarios.push({
      operationId: id,
      name,
      run: async (context) => {
        const valid = await context.validRequest(route);
        if (!valid) return undefined;
        const { request, ...options } = change(valid.request);
        const caller = as(context);
        return context.call(route, request, { ...options, ...(caller ? { as: caller } : {}) });
      },
    });
  withValid(
    'a valid request',
    () => undefined,
    (request) => ({ request }),
  );
  if (route.auth !== 'public')
    withValid(
      'no token',
      () => 'none',
      (request) => ({ request }),
    );
  if (route.auth === 'staff')
    withValid(
      'a customer',
      (context) => context.users.customer,
      (request) => ({ request }),
    );
  if (route.request.body) {
    withValid(
      'an undeclared body field',
      () => undefined,
      (request) => ({
        request: { ...request, body: { ...(request.body as object), contractTestUndeclared: true } },
      }),
    );
    withValid(
      'malformed JSON',
      () => undefined,
      (request) => ({ request, rawBody: '{"broken": ' }),
    );
  }
  return scenarios;
}

/**
 * Replays a contract's cases against the new service and the monolith, the same requests in
 * the same order with the same fresh values, and reports every difference in status, the
 * compared headers or the body, after ignoring generated ids and timestamps by the rules.
 *
 * @example
 * ```ts
 * const report = await runParity({ contract: ordersContract, fixtures: ordersFixtures, service, monolith: withHeaders(service, { 'x-slice-route': 'monolith' }) });
 * console.log(formatParity(report));
 * ```
 */
export async function runParity(options: ParityOptions): Promise<ParityReport> {
  const rules = options.rules ?? defaultParityRules;
  const headers = options.headers ?? defaultParityHeaders;
  const fixtures = options.fixtures ?? {};
  const runId = Math.random().toString(16).slice(2, 10);
  // One context per side with the same run id: both sides see the same users and fresh values.
  const service = new SuiteContext(options.service, options.contract, fixtures, runId);
  const monolith = new SuiteContext(options.monolith, options.contract, fixtures, runId);
  const found: ParityDifference[] = [];
  const scenarios: Array<{ operationId: string; name: string; same: boolean }> = [];
  for (const scenario of Object.values(options.contract.routes).flatMap(scenariosOf)) {
    const [a, b] = [await caught(() => scenario.run(service)), await caught(() => scenario.run(monolith))];
    if (!a || !b) continue;
    const own: ParityDifference[] = [];
    const add = (where: string, left: unknown, right: unknown) =>
      own.push({
        operationId: scenario.operationId,
        scenario: scenario.name,
        where,
        service: left,
        monolith: right,
      });
    if (a.response.status !== b.response.status) add('status', a.response.status, b.response.status);
    for (const name of headers) {
      const value = (exchange: Exchange) =>
        name === 'content-type'
          ? exchange.response.headers[name]?.split(';')[0]
          : exchange.response.headers[name];
      if (value(a) !== value(b)) add(`header ${name}`, value(a), value(b));
    }
    for (const difference of differences(
      normalize(a.json ?? a.response.body, rules),
      normalize(b.json ?? b.response.body, rules),
    )) {
      add(difference.path, difference.service, difference.monolith);
    }
    scenarios.push({ operationId: scenario.operationId, name: scenario.name, same: own.length === 0 });
    found.push(...own);
  }
  return {
    service: options.contract.service.name,
    scenarios,
    differences: found,
    passed: found.length === 0,
  };
}

/**
 * A target that adds headers to every request: `x-slice-route: monolith` sends a moved route to the monolith.
 *
 * @example
 * ```ts
 * const monolith = withHeaders(target, { 'x-slice-route': 'monolith' }, 'monolith');
 * ```
 */
export function withHeaders(
  target: Target,
  headers: Readonly<Record<string, string>>,
  name = target.name,
): Target {
  return {
    ...target,
    name,
    send: (request) => target.send({ ...request, headers: { ...request.headers, ...headers } }),
  };
}

/**
 * A parity run as a readable report.
 *
 * @example
 * ```ts
 * console.log(formatParity(await runParity(options)));
 * ```
 */
export function formatParity(report: ParityReport): string {
  const lines = [
    `Parity ${report.service}: ${report.scenarios.length} scenarios, ${report.scenarios.filter((scenario) => scenario.same).length} identical, ${report.differences.length} difference(s)`,
  ];
  for (const difference of report.differences) {
    lines.push(
      `  ✗ ${difference.operationId} ${difference.scenario}: ${difference.where}: service ${JSON.stringify(difference.service)} ≠ monolith ${JSON.stringify(difference.monolith)}`,
    );
  }
  return lines.join('\n');
}
