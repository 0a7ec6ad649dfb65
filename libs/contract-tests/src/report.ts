import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import junit from 'junit-report-builder';
import type { Exchange } from './context';
import type { SuiteReport } from './suite';

const clip = (text: string, max = 600) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

const redact = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${name === 'authorization' ? `${value.slice(0, 14)}…` : value}`)
    .join('\n    ');

/**
 * A request and its answer as readable text, tokens shortened.
 *
 * @example
 * ```ts
 * console.log(formatExchange(violation.exchange));
 * ```
 */
export function formatExchange(exchange: Exchange): string {
  const { request, response } = exchange;
  return [
    `  request: ${request.method} ${request.path}`,
    `    ${redact(request.headers)}`,
    ...(request.body === undefined ? [] : [`    ${clip(request.body)}`]),
    `  answer: ${response.status}`,
    `    ${redact(response.headers)}`,
    `    ${clip(response.body)}`,
  ].join('\n');
}

/**
 * A readable summary of a suite run: the service, its routes with their case counts, and every
 * failure with the request and the answer.
 *
 * @example
 * ```ts
 * console.log(formatSummary(await runContractSuite(options)));
 * ```
 */
export function formatSummary(report: SuiteReport): string {
  const failed = report.results.filter((result) => !result.passed);
  const lines = [
    `Contract ${report.service} ${report.version} against ${report.target}: ${report.routes.length} routes, ${report.results.length} cases, ${report.results.length - failed.length} passed, ${failed.length} failed (${(report.durationMs / 1000).toFixed(1)} s)`,
  ];
  for (const route of report.routes) {
    const own = report.results.filter((result) => result.operationId === route.operationId);
    const bad = own.filter((result) => !result.passed).length;
    lines.push(
      `  ${bad ? '✗' : '✓'} ${route.operationId.padEnd(20)} ${`${route.method} ${route.path}`.padEnd(32)} ${own.length} cases${bad ? `, ${bad} failed` : ''}`,
    );
  }
  for (const result of failed) {
    lines.push(
      '',
      `✗ ${result.operationId} [${result.kind}] ${result.name}`,
      `  ${result.failure?.message ?? ''}`,
    );
    if (result.failure?.exchange) lines.push(formatExchange(result.failure.exchange));
  }
  return lines.join('\n');
}

/**
 * Writes a suite run as JUnit XML for CI: one test suite per service and target, one test case
 * per case (class name = operation id), the failure message with the request and the answer.
 *
 * @example
 * ```ts
 * writeJunit(report, 'dist/contract/menu/junit.xml');
 * ```
 */
export function writeJunit(report: SuiteReport, path: string): void {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name(`contract ${report.service} (${report.target})`);
  for (const result of report.results) {
    const testCase = suite
      .testCase()
      .className(`${report.service}.${result.operationId}`)
      .name(`[${result.kind}] ${result.name}`)
      .time(result.durationMs / 1000);
    if (result.failure) {
      testCase.failure(result.failure.message, 'ContractViolation');
      if (result.failure.exchange) testCase.stacktrace(formatExchange(result.failure.exchange));
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  builder.writeTo(path);
}
