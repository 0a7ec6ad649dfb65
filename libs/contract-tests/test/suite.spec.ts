import { formatSummary } from '../src/report';
import { runContractSuite, type SuiteReport } from '../src/suite';
import type { Target } from '../src/target';
import { fakeShop, type ShopBreaks } from './fakes';
import { billingExpectations, shopContract, shopFixtures } from './sample-contract';

const run = async (breaks: ShopBreaks = {}) =>
  runContractSuite({
    contract: shopContract,
    fixtures: shopFixtures,
    expectations: billingExpectations,
    target: await fakeShop(breaks),
    runs: 15,
    seed: 7,
  });

const failed = (report: SuiteReport) =>
  report.results
    .filter((result) => !result.passed)
    .map(
      (result) => `${result.operationId} [${result.kind}] ${result.name}: ${result.failure?.message ?? ''}`,
    );

describe('the contract suite against a provider that keeps its contract', () => {
  it('passes every case, of every kind, consumer expectations included', async () => {
    const report = await run();
    expect(failed(report)).toEqual([]);
    expect(report.passed).toBe(true);
    expect(new Set(report.results.map((result) => result.kind))).toEqual(
      new Set([
        'example',
        'valid',
        'validation',
        'auth',
        'ownership',
        'idempotency',
        'cross-cutting',
        'property',
        'expectation',
      ]),
    );
    expect(formatSummary(report)).toMatch(
      /^Contract shop 1\.0\.0 against fake shop: 7 routes, \d+ cases, \d+ passed, 0 failed/,
    );
  });
});

describe('the contract suite against a provider that breaks its contract', () => {
  it('reports a dropped field against the schema and against the consumer that reads it', async () => {
    const report = await run({ dropField: true });
    expect(report.passed).toBe(false);
    expect(failed(report)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^getItem \[valid\] .*available/),
        expect.stringMatching(
          /^getItem \[expectation\] the live answer carries what billing reads: billing relies on available, missing/,
        ),
      ]),
    );
  });

  it('reports an undeclared field in an answer', async () => {
    expect(failed(await run({ extraField: true }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^getItem \[valid\] .*undeclared field\(s\) pk/)]),
    );
  });

  it('reports a 500 that shows its message', async () => {
    const failures = failed(await run({ leakOnUnknown: true }));
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^getItem \[example\] example "unknown" answers 404: getItem: the error answer shows (a stack trace|a runtime error message)/,
        ),
      ]),
    );
    expect(failures.some((failure) => failure.startsWith('getItem [property]'))).toBe(true);
  });

  it('reports a missing validation', async () => {
    expect(failed(await run({ skipCreateValidation: true }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^createItem \[validation\] refuses a body without the required field name with 400: .*expected 400, got 201/,
        ),
        expect.stringMatching(/^createItem \[validation\] refuses an undeclared body field with 400/),
        expect.stringMatching(/^createItem \[validation\] refuses price of the wrong type with 400/),
      ]),
    );
  });

  it('reports free text that takes control characters, bidi overrides, zero-width names or lone surrogates', async () => {
    expect(failed(await run({ skipCreateValidation: true }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^createItem \[validation\] refuses control characters, bidi overrides, zero-width-only text and lone surrogates in name with 400: name with NUL and CR\/LF: expected 400, got \d+/,
        ),
      ]),
    );
  });

  it("reports two callers whose subject and key meet when joined, one reading the other's answer", async () => {
    expect(failed(await run({ joinedIdempotencyKeys: true }))).toEqual([
      expect.stringMatching(
        /^createItem \[idempotency\] keeps one caller's key apart from another's whose subject and key meet when joined with ':': /,
      ),
      expect.stringMatching(
        /^placeOrder \[idempotency\] keeps one caller's key apart from another's whose subject and key meet when joined with ':': the second caller got the first caller's stored answer/,
      ),
    ]);
  });

  it('reports a group named customer,staff that grants staff', async () => {
    const failures = failed(await run({ joinedGroups: true }));
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^createItem \[auth\] refuses a member of one group named customer,staff with 403: .*expected 403, got 201/,
        ),
        expect.stringMatching(
          /^updateItem \[auth\] refuses a member of one group named customer,staff with 403: .*expected 403, got 200/,
        ),
      ]),
    );
    // Nothing else broke but what the lookalike staff member changed.
    expect(failures.filter((failure) => !failure.includes('customer,staff'))).toEqual([
      expect.stringMatching(/^updateItem \[validation\] refused requests changed nothing/),
    ]);
  });

  it('reports a route served at a percent-encoded base path, and leaves the case out on a pinned target', async () => {
    const failures = failed(await run({ servesEncodedPaths: true }));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((failure) => failure.includes('answers 404 at a percent-encoded base path'))).toBe(
      true,
    );
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^listItems \[cross-cutting\] .*GET \/%73hop\/items.*expected 404, got 200/),
      ]),
    );
    const pinned = { ...(await fakeShop({ servesEncodedPaths: true })), pinned: true };
    const report = await runContractSuite({
      contract: shopContract,
      fixtures: shopFixtures,
      target: pinned,
      runs: 5,
      seed: 7,
    });
    expect(failed(report)).toEqual([]);
  });

  it('leaves out the cases about identities no account has when the target cannot mint them', async () => {
    const target = await fakeShop({ joinedGroups: true, joinedIdempotencyKeys: true });
    const report = await runContractSuite({
      contract: shopContract,
      fixtures: shopFixtures,
      target: { ...target, mintsAnyIdentity: false },
      runs: 5,
      seed: 7,
    });
    expect(failed(report)).toEqual([]);
    expect(report.results.some((result) => result.name.includes('customer,staff'))).toBe(false);
  });

  it('reports a refused create that wrote anyway', async () => {
    expect(failed(await run({ writeRefused: true }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^createItem \[validation\] refuses an undeclared body field with 400: .*reading what the refused request named: expected 404, got 200/,
        ),
      ]),
    );
  });

  it('reports concurrent retries with one key that each take effect', async () => {
    expect(failed(await run({ racyIdempotency: true }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^placeOrder \[idempotency\] answers 5 concurrent retries with one effect: two retries with one key got different answers/,
        ),
      ]),
    );
  });

  it("reports a removed ownership check on another customer's order", async () => {
    expect(failed(await run({ noOwnershipCheck: true }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^getOrder \[ownership\] answers 404 for another customer's resource: another customer's token: expected 404, got 200/,
        ),
        expect.stringMatching(/^cancelOrder \[ownership\]/),
      ]),
    );
  });
});

describe('the contract suite as a client that follows Retry-After', () => {
  /** The shop, answering every request to items with `status` first, `times` times in a row. */
  const comingBack = async (status: number, times: number): Promise<Target> => {
    const shop = await fakeShop();
    let refused = 0;
    return {
      ...shop,
      send: (request) => {
        if (request.path.startsWith('/shop/items') && refused < times) {
          refused += 1;
          return Promise.resolve({
            status,
            headers: { 'content-type': 'application/problem+json', 'retry-after': '0' },
            body: JSON.stringify({ type: 'about:blank', title: 'Come back', status }),
          });
        }
        return shop.send(request);
      },
    };
  };
  const runAgainst = async (target: Target) =>
    runContractSuite({ contract: shopContract, fixtures: shopFixtures, target, runs: 5, seed: 7 });

  it.each([429, 503])('retries a %i with Retry-After and judges the answer that follows', async (status) => {
    const report = await runAgainst(await comingBack(status, 2));
    expect(failed(report)).toEqual([]);
  });

  it('fails the case when the provider keeps answering 503', async () => {
    const report = await runAgainst(await comingBack(503, 1000));
    expect(report.passed).toBe(false);
    expect(failed(report).some((line) => line.includes('503'))).toBe(true);
  });
});
