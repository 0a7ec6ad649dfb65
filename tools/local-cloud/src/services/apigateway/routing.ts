import type { RestApiSpec, RoutingRuleSpec } from '../../assembly/types';

/** Priority of the first rule {@link deriveRoutingRules} makes; the others follow in steps of 100. */
const derivedPriority = 1000;
/** Priority of derived catch-all rules (an API that serves `/{proxy+}`): after every other rule. */
const catchAllPriority = 1_000_000;

/** A routing rule compiled for matching. */
export interface CompiledRule {
  readonly rule: RoutingRuleSpec;
  /** Longest first, so the longest matching base path is the one stripped. */
  readonly basePaths?: readonly string[];
  readonly headers?: readonly (readonly { readonly name: string; readonly value: RegExp }[])[];
}

/** The rule that matched a request, and the base path it matched. */
export interface RuleMatch {
  readonly rule: RoutingRuleSpec;
  readonly basePath?: string;
  /** The path the API sees: without the base path when the rule strips it. */
  readonly apiPath: string;
}

/**
 * A glob with `*` wildcards as an anchored, case-sensitive regular expression.
 *
 * @example
 * ```ts
 * globPattern('preview-*').test('preview-42'); // true
 * ```
 */
export function globPattern(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
}

/**
 * Orders the rules by priority (lowest first) and compiles their conditions.
 *
 * @example
 * ```ts
 * const rules = compileRules([{ priority: 100, basePaths: ['orders'], apiId, stage: 'dev', stripBasePath: false, source }]);
 * ```
 */
export function compileRules(rules: readonly RoutingRuleSpec[]): CompiledRule[] {
  return [...rules]
    .sort((left, right) => left.priority - right.priority)
    .map((rule) => ({
      rule,
      ...(rule.basePaths === undefined
        ? {}
        : {
            basePaths: [...rule.basePaths]
              .map((path) => path.replace(/^\/+|\/+$/g, ''))
              .sort((a, b) => b.length - a.length),
          }),
      ...(rule.headers === undefined
        ? {}
        : {
            headers: rule.headers.map((condition) =>
              condition.anyOf.map((match) => ({
                name: match.name.toLowerCase(),
                value: globPattern(match.glob),
              })),
            ),
          }),
    }));
}

function basePathOf(path: string, basePaths: readonly string[]): string | undefined {
  return basePaths.find(
    (basePath) => basePath === '' || path === `/${basePath}` || path.startsWith(`/${basePath}/`),
  );
}

/**
 * The first rule, by priority, whose every condition matches the request: any of its base paths is
 * the path's first segment(s), compared case-sensitively with the path as sent, percent-encoding
 * included (AWS documents a base path condition as a case-sensitive string to match and does not
 * decode it, so `/%6Frders` is not `orders` and falls to a later rule, the monolith's catch-all,
 * which refuses a moved group itself), and each header condition has a header whose value
 * matches its glob. `headers` returns every value of a header, by lower-case name.
 *
 * @example
 * ```ts
 * matchRule(rules, '/orders/o-1', (name) => (name === 'x-slice-route' ? ['monolith'] : []));
 * ```
 */
export function matchRule(
  rules: readonly CompiledRule[],
  path: string,
  headers: (lowerCaseName: string) => readonly string[],
): RuleMatch | undefined {
  for (const compiled of rules) {
    const basePath = compiled.basePaths === undefined ? undefined : basePathOf(path, compiled.basePaths);
    if (compiled.basePaths !== undefined && basePath === undefined) continue;
    const headersMatch = (compiled.headers ?? []).every((condition) =>
      condition.some((match) => headers(match.name).some((value) => match.value.test(value))),
    );
    if (!headersMatch) continue;
    const stripped =
      compiled.rule.stripBasePath && basePath !== undefined && basePath !== ''
        ? path.slice(basePath.length + 1) || '/'
        : path;
    return {
      rule: compiled.rule,
      ...(basePath === undefined ? {} : { basePath }),
      apiPath: stripped.startsWith('/') ? stripped : `/${stripped}`,
    };
  }
  return undefined;
}

/**
 * Routing rules for when no loaded stack defines any (the platform stack is not loaded): one rule
 * per REST API, matching the first path segments of its resources (`/menu` for the Menu API), in
 * the order of the APIs, without stripping. An API whose top-level resource is a path parameter
 * (`/{proxy+}`, as a monolith has) gets a catch-all rule after all the others. `stage` picks the
 * stage when the API has it; otherwise its first stage is used.
 *
 * @example
 * ```ts
 * deriveRoutingRules(model.restApis, 'dev');
 * // [{ priority: 1000, basePaths: ['menu'], apiId: '…', stage: 'dev', stripBasePath: false, source: 'derived' }, …]
 * ```
 */
export function deriveRoutingRules(apis: readonly RestApiSpec[], stage?: string): RoutingRuleSpec[] {
  const rules: RoutingRuleSpec[] = [];
  const catchAll: RoutingRuleSpec[] = [];
  for (const api of apis) {
    const stageName = api.stages.find((candidate) => candidate.name === stage)?.name ?? api.stages[0]?.name;
    if (stageName === undefined) continue;
    const segments = new Set<string>();
    let servesRoot = false;
    for (const resource of api.resources) {
      if (resource.methods.length === 0) continue;
      const [first] = resource.path.split('/').filter(Boolean);
      if (first === undefined) {
        servesRoot ||= resource.methods.some((method) => method.httpMethod !== 'OPTIONS');
      } else {
        segments.add(first);
      }
    }
    const literal = [...segments].filter((segment) => !segment.startsWith('{'));
    const base = { apiId: api.id, stage: stageName, stripBasePath: false, source: 'derived' };
    if (literal.length < segments.size || (segments.size === 0 && servesRoot)) {
      catchAll.push({ ...base, priority: catchAllPriority + catchAll.length });
    } else if (literal.length > 0) {
      rules.push({ ...base, priority: derivedPriority + 100 * rules.length, basePaths: literal });
    }
  }
  return [...rules, ...catchAll];
}
