import * as z from 'zod/mini';
import { Problem, problemContentType, type Route } from '@slice/contract';
import { jsonOf } from './http';
import type { HttpResponse } from './target';

/**
 * What must never appear in an error answer: stack frames, ARNs, CloudFormation physical names,
 * DynamoDB key attributes, AWS SDK exception names and JavaScript runtime error messages.
 */
export const leakPatterns: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp }> = [
  { name: 'a stack trace', pattern: /\bat [\w$.<>]+ \(?[^)\s]*:\d+:\d+\)?/ },
  { name: 'an ARN', pattern: /\barn:aws[\w-]*:/ },
  { name: 'a stack resource name', pattern: /\bSlice[A-Z][A-Za-z]*-[a-z0-9]+-[A-Za-z0-9]+-[A-Z0-9]{8,}\b/ },
  { name: 'a table key attribute', pattern: /"(pk|sk|PK|SK|gsi\d?pk|gsi\d?sk)"\s*:/ },
  {
    name: 'an AWS SDK error',
    pattern:
      /\b(ResourceNotFoundException|ConditionalCheckFailedException|ValidationException|AccessDeniedException|ProvisionedThroughputExceededException)\b/,
  },
  {
    name: 'a runtime error message',
    pattern:
      /\b(TypeError|ReferenceError|SyntaxError|RangeError)\b|Cannot read propert|is not a function|is not defined/,
  },
];

/**
 * Problems with an error answer's body that show internals; empty when it shows none.
 *
 * @example
 * ```ts
 * leaksIn({ status: 500, headers: {}, body: '{"detail":"TypeError: x is undefined"}' }); // ['the error answer shows a runtime error message', ...]
 * ```
 */
export function leaksIn(response: HttpResponse): string[] {
  if (response.status < 400) return [];
  const found = leakPatterns.filter(({ pattern }) => pattern.test(response.body)).map(({ name }) => name);
  const body = jsonOf(response) as { detail?: unknown; errors?: unknown } | undefined;
  if (response.status >= 500 && body && (body.detail !== undefined || body.errors !== undefined)) {
    found.push('a server error detail (a 5xx carries only its type, title, status and correlation id)');
  }
  return found.map((what) => `the error answer shows ${what}`);
}

/**
 * Why an answer is not a valid problem+json document for its status; empty when it is.
 *
 * @example
 * ```ts
 * problemIssues(response); // [] for a valid problem+json answer
 * ```
 */
export function problemIssues(response: HttpResponse): string[] {
  const issues: string[] = [];
  const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type !== problemContentType)
    issues.push(`content-type is ${type || 'missing'}, not ${problemContentType}`);
  const parsed = Problem.safeParse(jsonOf(response));
  if (!parsed.success) {
    issues.push(
      `the body is not a problem document: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')}`,
    );
  } else {
    if (parsed.data.status !== response.status)
      issues.push(`problem status ${parsed.data.status} differs from HTTP ${response.status}`);
    if (!parsed.data.type.startsWith('urn:slice:problem:'))
      issues.push(`problem type ${parsed.data.type} is not urn:slice:problem:<kind>`);
  }
  return issues;
}

/**
 * Why a success answer breaks the route's response schema (undeclared fields included); empty when it does not.
 *
 * @example
 * ```ts
 * responseIssues(menuContract.routes.getMenuItem, response); // ['pk: undeclared field(s) pk'] for a leaked key
 * ```
 */
export function responseIssues(route: Route, response: HttpResponse): string[] {
  if (!route.response) return response.body ? ['a 204 route answered with a body'] : [];
  const json = jsonOf(response);
  if (json === undefined) return ['the body is not JSON'];
  const parsed = z.safeParse(route.response, json);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const at = issue.path.join('.') || 'body';
    return issue.code === 'unrecognized_keys'
      ? `${at}: undeclared field(s) ${issue.keys.join(', ')}`
      : `${at}: ${issue.message}`;
  });
}
