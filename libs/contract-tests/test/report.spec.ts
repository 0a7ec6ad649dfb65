import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSummary, writeJunit } from '../src/report';
import { runContractSuite, type SuiteReport } from '../src/suite';
import { fakeShop } from './fakes';
import { shopContract, shopFixtures } from './sample-contract';

let report: SuiteReport;
let dir: string;

beforeAll(async () => {
  report = await runContractSuite({
    contract: shopContract,
    fixtures: shopFixtures,
    target: await fakeShop({ noOwnershipCheck: true }),
    kinds: ['ownership', 'valid'],
  });
  dir = mkdtempSync(join(tmpdir(), 'slice-report-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the suite report', () => {
  it('summarises routes and cases, and shows each failure with its request and answer, token shortened', () => {
    const summary = formatSummary(report);
    const failures = report.results.filter((result) => !result.passed);
    expect(summary).toContain(
      `7 routes, ${report.results.length} cases, ${report.results.length - failures.length} passed, ${failures.length} failed`,
    );
    expect(summary).toMatch(/✗ getOrder +GET \/shop\/orders\/\{orderId\} +2 cases, 1 failed/);
    expect(summary).toMatch(/request: GET \/shop\/orders\/[0-9a-f-]{36}/);
    expect(summary).toContain('answer: 200');
    expect(summary).toMatch(/authorization: Bearer eyJhbGc…\n/);
  });

  it('writes JUnit XML with one test case per case and the failures marked', () => {
    const file = join(dir, 'shop', 'junit.xml');
    writeJunit(report, file);
    const xml = readFileSync(file, 'utf8');
    const failures = report.results.filter((result) => !result.passed).length;
    expect(failures).toBeGreaterThan(0);
    expect(xml).toContain(`tests="${report.results.length}"`);
    expect(xml).toContain(`failures="${failures}"`);
    expect(xml).toContain('classname="shop.getOrder"');
    expect(xml).toContain('expected 404, got 200');
  });
});
