import { createLocalIssuer } from '@slice/testing';
import fc from 'fast-check';
import * as z from 'zod';
import {
  errorsOf,
  type FixtureRequest,
  type Route,
  type RouteFixture,
  type StoredExample,
} from '@slice/contract';
import { arbitraryOf } from './arbitrary';
import { problemIssues, responseIssues } from './checks';
import {
  ContractViolation,
  expectNone,
  expectStatus,
  type Exchange,
  type SuiteContext,
  type ValidRequest,
} from './context';
import type { BadTokenSet, TargetUser } from './target';

/** The kinds of case the suite generates for a route. */
export type CaseKind =
  | 'example'
  | 'valid'
  | 'validation'
  | 'auth'
  | 'ownership'
  | 'idempotency'
  | 'cross-cutting'
  | 'property'
  | 'expectation';

/** Every kind of case, in the order the suite runs them for a route. */
export const caseKinds: readonly CaseKind[] = [
  'example',
  'valid',
  'validation',
  'auth',
  'ownership',
  'idempotency',
  'cross-cutting',
  'property',
  'expectation',
];

/** One generated case: it passes, or throws a {@link ContractViolation} naming the break. */
export interface SuiteCase {
  readonly operationId: string;
  readonly kind: CaseKind;
  readonly name: string;
  /** The case mints identities no real account has; it runs only where the target can (`mintsAnyIdentity`). */
  readonly needsAnyIdentity?: boolean;
  /** The case is about how the platform domain routes a path; it does not run on a `pinned` target. */
  readonly needsDomainRouting?: boolean;
  run(context: SuiteContext): Promise<void>;
}

/** How many property-based requests per route, and the fast-check seed. */
export interface PropertyOptions {
  /** @default 100 */
  readonly runs?: number;
  /** @default a random seed, printed in the failure so a run can be repeated */
  readonly seed?: number;
}

type JsonObject = Record<string, unknown>;

/** How many requests with one `Idempotency-Key` the suite sends at once. */
const concurrentRetries = 5;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a refusal: the status, then a problem+json body. */
function expectProblem(exchange: Exchange, status: number | readonly number[], what: string): void {
  expectStatus(exchange, status, what);
  expectNone(problemIssues(exchange.response), what, exchange);
}

/** Checks a success: the route's status and a body that matches its schema exactly. */
function expectSuccess(route: Route, exchange: Exchange, what: string): void {
  expectStatus(exchange, route.status, what);
  expectNone(
    responseIssues(route, exchange.response),
    `${what}: the answer breaks the response schema`,
    exchange,
  );
}

/** The object properties of a zod object schema's input JSON Schema. */
function objectShape(
  schema: z.core.$ZodType | undefined,
): { properties: Record<string, JsonObject>; required: string[] } | undefined {
  if (!schema) return undefined;
  let json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  // A named schema (`.meta({ id })`) comes back as a $ref into $defs.
  const defs = isObject(json.$defs) ? json.$defs : {};
  while (typeof json.$ref === 'string') json = (defs[json.$ref.split('/').pop() ?? ''] ?? {}) as JsonObject;
  if (json.type !== 'object' || !isObject(json.properties)) return undefined;
  return {
    properties: json.properties as Record<string, JsonObject>,
    required: Array.isArray(json.required) ? (json.required as string[]) : [],
  };
}

/** A value of another JSON type than the property's. */
function wrongTypeFor(property: JsonObject): unknown {
  const type =
    property.type ?? (property.enum ? 'string' : property.$ref || property.properties ? 'object' : undefined);
  switch (type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'a list' };
    default:
      return 'not-an-object';
  }
}

/**
 * The statuses a route may answer with at all: its success status and every declared error.
 *
 * @example
 * ```ts
 * statusesOf(ordersContract.routes.getOrder); // [200, 400, 401, 404, 429, 500, 503]
 * ```
 */
export function statusesOf(route: Route): number[] {
  return [route.status, ...Object.keys(errorsOf(route)).map(Number)];
}

/** The valid request the invalid-request cases of a route share, and the resource it created as read back before them. */
interface SharedValid {
  readonly valid: ValidRequest;
  readonly before?: unknown;
}

/** One route's cases while {@link casesFor} builds them, and what its case groups share. */
interface RouteCases {
  readonly route: Route;
  readonly fixture: RouteFixture | undefined;
  readonly cases: SuiteCase[];
  add(
    kind: CaseKind,
    name: string,
    run: (context: SuiteContext) => Promise<void>,
    needs?: { anyIdentity?: boolean; domainRouting?: boolean } | boolean,
  ): void;
  /**
   * One resource per route and run, shared by the invalid-request cases so the last case can
   * prove that none of them changed it.
   */
  sharedValid(context: SuiteContext): Promise<SharedValid | undefined>;
  /** The shared valid request; throws when the route has none. */
  requireValid(context: SuiteContext): Promise<ValidRequest>;
}

function routeCases(route: Route, fixture: RouteFixture | undefined): RouteCases {
  const cases: SuiteCase[] = [];
  let shared: Promise<SharedValid | undefined> | undefined;
  const sharedValid = (context: SuiteContext) => {
    shared ??= (async () => {
      const valid = await context.validRequest(route);
      if (!valid) return undefined;
      if (!fixture?.readBack || !valid.created) return { valid };
      const read = await context.call(context.route(fixture.readBack), { path: valid.request.path ?? {} });
      return { valid, before: read.json };
    })();
    return shared;
  };
  return {
    route,
    fixture,
    cases,
    add(kind, name, run, needs = {}) {
      const { anyIdentity = needs === true, domainRouting = false } = typeof needs === 'boolean' ? {} : needs;
      cases.push({
        operationId: route.operationId,
        kind,
        name,
        run,
        ...(anyIdentity || needs === true ? { needsAnyIdentity: true } : {}),
        ...(domainRouting ? { needsDomainRouting: true } : {}),
      });
    },
    sharedValid,
    async requireValid(context) {
      const found = await sharedValid(context);
      if (found) return found.valid;
      // A route whose examples are all refusals (a 404 for an unknown id) still has a request of the
      // right shape, which is all the invalid-request and auth cases change one part of.
      const shaped = route.examples[0];
      if (shaped) return { request: shaped.request };
      throw new Error(`${route.operationId} has no fixture or example to build a valid request from.`);
    },
  };
}

/** A fresh valid request of the route (not the shared one); throws when the route has none. */
async function freshValid(context: SuiteContext, route: Route, as?: TargetUser): Promise<ValidRequest> {
  const valid = await context.validRequest(route, ...(as === undefined ? [] : [as]));
  if (!valid) throw new Error(`${route.operationId} has no valid request.`);
  return valid;
}

/** A refused create wrote nothing: what its request named is not there (for routes whose fixture can read it back). */
async function expectNothingCreated(
  { fixture }: RouteCases,
  context: SuiteContext,
  request: FixtureRequest,
  what: string,
): Promise<void> {
  if (!fixture?.readBack || fixture.needs || !fixture.readBackPath) return;
  const read = await context.call(context.route(fixture.readBack), { path: fixture.readBackPath(request) });
  expectStatus(read, 404, what);
}

/** Each example as it is written, and a valid request answered with exactly the declared fields. */
function exampleCases(cases: RouteCases): void {
  const { route, fixture } = cases;
  for (const example of route.examples) {
    cases.add('example', `example "${example.name}" answers ${example.response.status}`, (context) =>
      runExample(context, route, example),
    );
  }
  const hasValid = Boolean(
    fixture ?? route.examples.find((example) => example.response.status === route.status),
  );
  if (!hasValid) return;
  cases.add(
    'valid',
    `a valid request answers ${route.status} with exactly the declared fields`,
    async (context) => {
      // A fresh resource: the shared one must stay as the invalid requests found it.
      const valid = await freshValid(context, route);
      expectSuccess(route, await context.call(route, valid.request), 'a valid request');
    },
  );
}

/** An invalid request, built from the shared valid one, refused with a problem document and nothing written. */
function invalidCase(
  cases: RouteCases,
  name: string,
  status: number,
  build: (valid: ValidRequest) => { request: FixtureRequest; rawBody?: string; contentType?: string },
): void {
  cases.add('validation', name, async (context) => {
    const valid = await cases.requireValid(context);
    const { request, ...options } = build(valid);
    expectProblem(await context.call(cases.route, request, options), status, name);
    await expectNothingCreated(cases, context, request, `${name}: reading what the refused request named`);
  });
}

const validBody = (valid: ValidRequest): JsonObject =>
  isObject(valid.request.body) ? valid.request.body : {};

/** Hostile text in each free-text field of the body, refused naming the field. */
function freeTextCases(cases: RouteCases, schema: z.core.$ZodType): void {
  for (const field of freeTextFields(schema)) {
    const name = field.join('.');
    cases.add(
      'validation',
      `refuses control characters, bidi overrides, zero-width-only text and lone surrogates in ${name} with 400`,
      async (context) => {
        const valid = await cases.requireValid(context);
        for (const [what, text] of hostileTexts) {
          const request = { ...valid.request, body: withField(validBody(valid), field, text) };
          const exchange = await context.call(cases.route, request);
          expectProblem(exchange, 400, `${name} with ${what}`);
          expectNone(namesField(exchange, `body.${name}`), `${name} with ${what}`, exchange);
          await expectNothingCreated(
            cases,
            context,
            request,
            `${name} with ${what}: reading what the refused request named`,
          );
        }
      },
    );
  }
}

/** Bodies that break the schema: a missing or mistyped field, hostile text, an undeclared field, malformed JSON, another media type. */
function bodyValidationCases(cases: RouteCases): void {
  const schema = cases.route.request.body;
  if (!schema) return;
  const body = objectShape(schema);
  for (const field of body?.required ?? []) {
    invalidCase(cases, `refuses a body without the required field ${field} with 400`, 400, (valid) => {
      const { [field]: _dropped, ...rest } = validBody(valid);
      return { request: { ...valid.request, body: rest } };
    });
  }
  for (const [field, property] of Object.entries(body?.properties ?? {})) {
    invalidCase(cases, `refuses ${field} of the wrong type with 400`, 400, (valid) => ({
      request: { ...valid.request, body: { ...validBody(valid), [field]: wrongTypeFor(property) } },
    }));
  }
  freeTextCases(cases, schema);
  invalidCase(cases, 'refuses an undeclared body field with 400', 400, (valid) => ({
    request: { ...valid.request, body: { ...validBody(valid), contractTestUndeclared: true } },
  }));
  invalidCase(cases, 'refuses malformed JSON with 400', 400, (valid) => ({
    request: valid.request,
    rawBody: '{"broken": ',
  }));
  invalidCase(cases, 'refuses a body that is not application/json with 415', 415, (valid) => ({
    request: valid.request,
    contentType: 'text/plain',
  }));
}

/** Query and path parameters that break the schema: undeclared, paging out of range, a forged cursor, a malformed id. */
function parameterValidationCases(cases: RouteCases): void {
  const { route } = cases;
  const query = objectShape(route.request.query);
  if (query) {
    invalidCase(cases, 'refuses an undeclared query parameter with 400', 400, (valid) => ({
      request: { ...valid.request, query: { ...valid.request.query, contractTestUndeclared: 'x' } },
    }));
    if ('limit' in query.properties) {
      for (const limit of ['0', '100000', 'abc']) {
        invalidCase(cases, `refuses limit=${limit} with 400`, 400, (valid) => ({
          request: { ...valid.request, query: { ...valid.request.query, limit } },
        }));
      }
    }
    if ('cursor' in query.properties) {
      const cursor = Buffer.from('{"pk":"ORDER#forged","sk":"x"}').toString('base64url');
      invalidCase(cases, 'refuses a forged cursor with 400', 400, (valid) => ({
        request: { ...valid.request, query: { ...valid.request.query, cursor } },
      }));
    }
  }
  if (route.pathParameters.length > 0) {
    invalidCase(cases, 'refuses a path parameter that breaks its schema with 400', 400, (valid) => ({
      request: {
        ...valid.request,
        path: Object.fromEntries(route.pathParameters.map((name) => [name, 'Not A Valid Id!'])),
      },
    }));
  }
}

/** Auth, refused before the handler runs, and ownership: another customer's resource is 404. */
function authCases(cases: RouteCases): void {
  const { route, fixture } = cases;
  if (route.auth !== 'public') {
    cases.add('auth', 'refuses a request without a token with 401', async (context) => {
      const valid = await cases.requireValid(context);
      expectProblem(await context.call(route, valid.request, { as: 'none' }), 401, 'no token');
    });
    cases.add('auth', 'refuses every bad token with 401', async (context) => {
      const valid = await cases.requireValid(context);
      const tokens = await badTokensFor(context, context.users.customer);
      for (const [name, token] of Object.entries(tokens)) {
        if (token)
          expectProblem(await context.call(route, valid.request, { token }), 401, `the ${name} token`);
      }
    });
  }
  if (route.auth === 'staff') {
    cases.add('auth', 'refuses a customer on a staff route with 403', async (context) => {
      const valid = await cases.requireValid(context);
      expectProblem(
        await context.call(route, valid.request, { as: context.users.customer }),
        403,
        'a customer',
      );
    });
    cases.add(
      'auth',
      'refuses a member of one group named customer,staff with 403',
      async (context) => {
        const valid = await cases.requireValid(context);
        const lookalike = { sub: context.unique('ct-lookalike'), groups: ['customer,staff'] };
        expectProblem(
          await context.call(route, valid.request, { as: lookalike }),
          403,
          'a member of customer,staff',
        );
      },
      true,
    );
  }
  if (route.auth === 'user' && fixture?.needs)
    cases.add('ownership', "answers 404 for another customer's resource", async (context) => {
      const valid = await cases.requireValid(context);
      expectProblem(
        await context.call(route, valid.request, { as: context.users.otherCustomer }),
        404,
        "another customer's token",
      );
    });
}

/** A retry with the same key answers the first answer; another body with it is 422; no key is 400. */
function idempotencyKeyCases(cases: RouteCases): void {
  const { route } = cases;
  cases.add('idempotency', 'refuses a request without an Idempotency-Key with 400', async (context) => {
    const valid = await cases.requireValid(context);
    expectProblem(
      await context.call(route, valid.request, { idempotencyKey: '' }),
      400,
      'no Idempotency-Key',
    );
  });
  cases.add('idempotency', 'replays the first answer for a retry with the same key', async (context) => {
    const valid = await freshValid(context, route);
    const key = context.unique('ct-replay');
    const first = await context.call(route, valid.request, { idempotencyKey: key });
    const again = await context.call(route, valid.request, { idempotencyKey: key });
    expectSuccess(route, first, 'the first request');
    if (
      again.response.status !== first.response.status ||
      JSON.stringify(again.json) !== JSON.stringify(first.json)
    ) {
      throw new ContractViolation(
        `the retry answered differently: ${again.response.status} ${again.response.body}`,
        again,
      );
    }
  });
  cases.add('idempotency', 'refuses the same key with another body with 422', async (context) => {
    const valid = await freshValid(context, route);
    const key = context.unique('ct-reuse');
    expectSuccess(
      route,
      await context.call(route, valid.request, { idempotencyKey: key }),
      'the first request',
    );
    const other = anotherBody(route, valid.request.body);
    expectProblem(
      await context.call(route, { ...valid.request, body: other }, { idempotencyKey: key }),
      422,
      'the same key with another body',
    );
  });
}

/** Two callers whose subject and key meet when joined with ':' keep their answers apart. */
function idempotencyScopeCase(cases: RouteCases): void {
  const { route } = cases;
  cases.add(
    'idempotency',
    "keeps one caller's key apart from another's whose subject and key meet when joined with ':'",
    async (context) => {
      // `<base>:ct` with key `<key>` and `<base>` with key `ct:<key>` are both `<base>:ct:<key>` joined.
      const base = context.unique('ct-sub');
      const key = context.unique('ct-k');
      const groups = [route.auth === 'staff' ? 'staff' : 'customer'];
      const first = { sub: `${base}:ct`, groups };
      const second = { sub: base, groups };
      const firstValid = await freshValid(context, route, first);
      const secondValid = await freshValid(context, route, second);
      const answered = await context.call(route, firstValid.request, { as: first, idempotencyKey: key });
      expectSuccess(route, answered, 'the first caller');
      const other = await context.call(route, secondValid.request, {
        as: second,
        idempotencyKey: `ct:${key}`,
      });
      expectSuccess(route, other, 'the second caller');
      if (JSON.stringify(other.json) === JSON.stringify(answered.json))
        throw new ContractViolation("the second caller got the first caller's stored answer", other);
    },
    true,
  );
}

/** Concurrent retries with one key have one effect: each answers the one result or 409 while it is in progress. */
function idempotencyBurstCase(cases: RouteCases): void {
  const { route } = cases;
  cases.add(
    'idempotency',
    `answers ${concurrentRetries} concurrent retries with one effect`,
    async (context) => {
      const valid = await freshValid(context, route);
      const key = context.unique('ct-burst');
      const answers = await Promise.all(
        Array.from({ length: concurrentRetries }, () =>
          context.call(route, valid.request, { idempotencyKey: key }),
        ),
      );
      const done = answers.filter((answer) => answer.response.status !== 409);
      for (const answer of answers) {
        if (answer.response.status === 409)
          expectNone(problemIssues(answer.response), 'an in-progress retry', answer);
        else expectSuccess(route, answer, 'a concurrent retry');
      }
      const [first] = done;
      if (!first)
        throw new ContractViolation('every concurrent retry answered 409: none completed', answers[0]);
      const again = await context.call(route, valid.request, { idempotencyKey: key });
      for (const answer of [...done, again]) {
        if (JSON.stringify(answer.json) !== JSON.stringify(first.json)) {
          throw new ContractViolation(
            `two retries with one key got different answers: ${first.response.body}`,
            answer,
          );
        }
      }
    },
  );
}

/** A request of the route: a fresh valid one (a valid request may change the resource), else one with placeholder path parameters. */
async function freshOrPlaceholder(context: SuiteContext, route: Route): Promise<FixtureRequest> {
  const valid = await context.validRequest(route);
  return valid?.request ?? { path: Object.fromEntries(route.pathParameters.map((name) => [name, 'x'])) };
}

/** The correlation id echoed with security headers, and a percent-encoded base path never reaching the route. */
function headerAndRoutingCases(cases: RouteCases): void {
  const { route } = cases;
  cases.add('cross-cutting', 'echoes the correlation id and sends security headers', async (context) => {
    const request = await freshOrPlaceholder(context, route);
    const correlationId = context.unique('ct-correlation');
    const exchange = await context.call(route, request, { correlationId });
    const headers = exchange.response.headers;
    const issues: string[] = [];
    if (headers['x-correlation-id'] !== correlationId)
      issues.push(`x-correlation-id is ${headers['x-correlation-id'] ?? 'missing'}, not ${correlationId}`);
    if (exchange.response.status < 400) {
      if (headers['x-content-type-options'] !== 'nosniff')
        issues.push('x-content-type-options: nosniff is missing');
      if (!headers['strict-transport-security']) issues.push('strict-transport-security is missing');
    }
    expectNone(issues, 'cross-cutting headers', exchange);
  });
  cases.add(
    'cross-cutting',
    'answers 404 at a percent-encoded base path, never the route',
    async (context) => {
      const request = await freshOrPlaceholder(context, route);
      const encoded = await context.call(route, request, { encodeBasePath: true });
      expectProblem(encoded, 404, `${route.method} ${encoded.request.path}`);
      await expectNothingCreated(
        cases,
        context,
        request,
        'reading what the request at the encoded path named',
      );
    },
    { domainRouting: true },
  );
}

/** The CORS preflight of the route's path answers its method. */
function preflightCase(cases: RouteCases): void {
  const { route } = cases;
  cases.add('cross-cutting', 'answers the CORS preflight', async (context) => {
    const request = {
      method: 'OPTIONS',
      path: route.path.replace(/\{[^}]+\}/g, 'x'),
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': route.method,
        'access-control-request-headers': 'authorization,content-type',
      },
    };
    const response = await context.target.send(request);
    const exchange = { request, response, json: undefined };
    const issues: string[] = [];
    if (response.status < 200 || response.status >= 300) issues.push(`status ${response.status}`);
    if (!response.headers['access-control-allow-origin'])
      issues.push('access-control-allow-origin is missing');
    if (!(response.headers['access-control-allow-methods'] ?? '').toUpperCase().includes(route.method)) {
      issues.push(`access-control-allow-methods does not list ${route.method}`);
    }
    expectNone(issues, 'CORS preflight', exchange);
  });
}

/** After every invalid request, the shared resource is as it was read before them. */
function nothingChangedCase(cases: RouteCases): void {
  const { fixture } = cases;
  const readBack = fixture?.needs ? fixture.readBack : undefined;
  if (!readBack) return;
  cases.add('validation', 'refused requests changed nothing', async (context) => {
    const found = await cases.sharedValid(context);
    if (!found?.valid.created)
      throw new Error(`${cases.route.operationId}: ${fixture?.needs ?? ''} created nothing to read back.`);
    const after = await context.call(context.route(readBack), { path: found.valid.request.path ?? {} });
    if (JSON.stringify(after.json) !== JSON.stringify(found.before)) {
      throw new ContractViolation(
        `a refused request changed the resource: before ${JSON.stringify(found.before)}`,
        after,
      );
    }
  });
}

/**
 * Every case the suite runs for one route: examples, a valid request, invalid requests derived
 * from the schemas (nothing written), auth, ownership, idempotency, cross-cutting headers and
 * property-based requests generated from the schemas. The fixture decides which apply: without
 * a valid request there is no `valid` case, without `needs` no ownership case, without
 * `readBack` no nothing-written case.
 *
 * @example
 * ```ts
 * casesFor(ordersContract.routes.getOrder, { runs: 25 }, ordersFixtures.getOrder).map((c) => `${c.kind}: ${c.name}`);
 * ```
 */
export function casesFor(route: Route, options: PropertyOptions = {}, fixture?: RouteFixture): SuiteCase[] {
  const cases = routeCases(route, fixture);
  exampleCases(cases);
  bodyValidationCases(cases);
  parameterValidationCases(cases);
  authCases(cases);
  if (route.idempotencyKey) {
    idempotencyKeyCases(cases);
    idempotencyScopeCase(cases);
    idempotencyBurstCase(cases);
  }
  headerAndRoutingCases(cases);
  preflightCase(cases);
  nothingChangedCase(cases);
  cases.add(
    'property',
    `generated requests answer within the contract (${options.runs ?? 100} runs)`,
    (context) => runProperty(context, route, options),
  );
  return cases.cases;
}

/** Text no name, address or description needs, each refused by the contracts' `freeText` fields. */
const hostileTexts: ReadonlyArray<readonly [string, string]> = [
  ['NUL and CR/LF', 'Ana\u0000\r\nX-Injected: 1'],
  ['a right-to-left override', 'Ana\u202Etxt.exe'],
  ['zero-width characters only', '\u200B\u200C\u200D'],
  ['a lone surrogate', 'Ana\uD800'],
];

/**
 * The free-text string fields of a body schema, as paths (`['deliveryAddress', 'name']`): strings
 * without a pattern, format or fixed values, in the body and the objects it nests.
 */
function freeTextFields(schema: z.core.$ZodType | undefined): string[][] {
  if (!schema) return [];
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  const defs = isObject(root.$defs) ? root.$defs : {};
  const resolve = (node: JsonObject): JsonObject => {
    let current = node;
    while (typeof current.$ref === 'string')
      current = (defs[current.$ref.split('/').pop() ?? ''] ?? {}) as JsonObject;
    return current;
  };
  const walk = (node: JsonObject, path: string[], depth: number): string[][] => {
    const resolved = resolve(node);
    if (resolved.type === 'string')
      return resolved.pattern || resolved.format || resolved.enum || 'const' in resolved ? [] : [path];
    if (resolved.type !== 'object' || !isObject(resolved.properties) || depth > 3) return [];
    return Object.entries(resolved.properties as Record<string, JsonObject>).flatMap(([name, child]) =>
      walk(child, [...path, name], depth + 1),
    );
  };
  return walk(root, [], 0).filter((path) => path.length > 0);
}

/** A copy of `body` with the field at `path` set to `value`. */
function withField(body: JsonObject, path: readonly string[], value: unknown): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined) return body;
  const inner = isObject(body[head]) ? body[head] : {};
  return { ...body, [head]: rest.length === 0 ? value : withField(inner, rest, value) };
}

/** Whether a 400 problem names the field, as every validation answer must. */
function namesField(exchange: Exchange, path: string): string[] {
  const errors = isObject(exchange.json) && Array.isArray(exchange.json.errors) ? exchange.json.errors : [];
  const named = errors.some((error) => isObject(error) && error.path === path);
  return named ? [] : [`the problem does not name ${path} in its errors`];
}

async function runExample(context: SuiteContext, route: Route, example: StoredExample): Promise<void> {
  const exchange = await context.call(route, example.request);
  const what = `example "${example.name}"`;
  if (example.response.status < 400) {
    expectStatus(exchange, example.response.status, what);
    expectNone(
      responseIssues(route, exchange.response),
      `${what}: the answer breaks the response schema`,
      exchange,
    );
  } else {
    expectProblem(exchange, example.response.status, what);
  }
}

const badTokenCache = new WeakMap<SuiteContext, Promise<BadTokenSet>>();

/** Tokens to refuse, minted once per run (a foreign RSA key is slow to make). */
function badTokensFor(context: SuiteContext, user: TargetUser): Promise<BadTokenSet> {
  let tokens = badTokenCache.get(context);
  if (!tokens) {
    tokens = mintBadTokens(context, user);
    badTokenCache.set(context, tokens);
  }
  return tokens;
}

/** Tokens to refuse: those the target can sign plus those anyone can forge from a valid token. */
async function mintBadTokens(context: SuiteContext, user: TargetUser): Promise<BadTokenSet> {
  const valid = await context.target.token(user);
  const [header = '', payload = '', signature = ''] = valid.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JsonObject;
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as unknown[]) : [];
  const tampered = Buffer.from(
    JSON.stringify({ ...claims, 'cognito:groups': [...groups, 'staff'] }),
  ).toString('base64url');
  const stranger = createLocalIssuer({
    issuer: String(claims.iss),
    audience: String(claims.aud ?? claims.client_id),
  });
  return {
    malformed: 'not-a-jwt',
    algNone: `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`,
    badSignature: `${header}.${tampered}.${signature}`,
    unknownKey: await stranger.token({ sub: user.sub, groups: groups.map(String) }),
    ...(await context.target.badTokens?.(user)),
  };
}

/** A schema-valid body that differs from `body`, for the same-key-other-body case. */
function anotherBody(route: Route, body: unknown): unknown {
  if (!route.request.body) return body;
  const samples = fc.sample(arbitraryOf(route.request.body), { numRuns: 20, seed: 42 });
  return (
    samples.find(
      (sample) =>
        route.request.body &&
        z.safeParse(route.request.body, sample).success &&
        JSON.stringify(sample) !== JSON.stringify(body),
    ) ?? body
  );
}

async function runProperty(context: SuiteContext, route: Route, options: PropertyOptions): Promise<void> {
  const part = (schema: z.core.$ZodType | undefined) =>
    schema ? arbitraryOf(schema) : fc.constant(undefined);
  const request = fc.record({
    path: part(route.request.path),
    query: part(route.request.query),
    body: part(route.request.body),
  });
  const allowed = statusesOf(route);
  // Keep shrinking short: every run is a real request.
  const result = await fc.check(
    fc.asyncProperty(request, async (generated) => {
      const exchange = await context.call(route, generated as FixtureRequest);
      const { status } = exchange.response;
      if (!allowed.includes(status))
        throw new ContractViolation(`answered ${status}, which the route does not declare`, exchange);
      if (status === route.status)
        expectNone(
          responseIssues(route, exchange.response),
          'the answer breaks the response schema',
          exchange,
        );
      else if (status >= 400)
        expectNone(problemIssues(exchange.response), 'the error is not problem+json', exchange);
      if (status >= 500) throw new ContractViolation(`answered ${status}`, exchange);
      return true;
    }),
    {
      numRuns: options.runs ?? 100,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      endOnFailure: true,
    },
  );
  if (result.failed) {
    const error = result.errorInstance;
    const message = `${error instanceof Error ? error.message : String(error)} (fast-check seed ${result.seed}, path ${result.counterexamplePath ?? ''})`;
    throw new ContractViolation(message, error instanceof ContractViolation ? error.exchange : undefined);
  }
}
