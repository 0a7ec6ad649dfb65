import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { TooManyRequestsError } from '@slice/contract';

/** Options of {@link callerRateLimits}. */
export interface CallerRateLimitProps {
  /** The first rule's priority; the second takes the next. */
  readonly priority: number;
  /** Requests per client IP per five minutes, on every route. @default 2000 */
  readonly perIp?: number;
  /** Requests per bearer token per five minutes, on signed-in routes. @default 1000 */
  readonly perCaller?: number;
}

/** WAF counts over a five-minute window unless told otherwise; `Retry-After` says so. */
const windowSeconds = 300;

const bodyKey = 'rate-limited';

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** Blocks with the platform's 429 problem document and a `Retry-After` of one window. */
const tooMany: wafv2.CfnWebACL.RuleActionProperty = {
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: bodyKey,
      responseHeaders: [{ name: 'Retry-After', value: String(windowSeconds) }],
    },
  },
};

/**
 * The web ACL's per-caller limits, so one caller's burst is refused before it reaches a stage
 * limit every customer shares: one rule per client IP on every route, and one per bearer token
 * (`Authorization`, WAF's custom aggregation key) on signed-in routes. WAF leaves a request
 * without an `Authorization` header out of the second rule, as AWS documents for a missing
 * aggregation key, so anonymous menu reads are held by the first alone. Both answer 429 with a
 * problem document and `Retry-After`.
 *
 * @example
 * ```ts
 * const limits = callerRateLimits({ priority: 30 });
 * new wafv2.CfnWebACL(this, 'WebAcl', { ...acl, rules: [...others, ...limits.rules], customResponseBodies: limits.customResponseBodies });
 * ```
 */
export function callerRateLimits({ priority, perIp = 2000, perCaller = 1000 }: CallerRateLimitProps): {
  rules: wafv2.CfnWebACL.RuleProperty[];
  customResponseBodies: Record<string, wafv2.CfnWebACL.CustomResponseBodyProperty>;
} {
  const problem = new TooManyRequestsError('Too many requests from this caller: wait, then retry.');
  return {
    customResponseBodies: {
      // WAF offers application/json, not application/problem+json; the body is a problem document still.
      [bodyKey]: { contentType: 'APPLICATION_JSON', content: JSON.stringify(problem.toProblem()) },
    },
    rules: [
      {
        name: 'RateLimitPerIp',
        priority,
        action: tooMany,
        statement: { rateBasedStatement: { limit: perIp, aggregateKeyType: 'IP' } },
        visibilityConfig: visibility('rate-limit-per-ip'),
      },
      {
        name: 'RateLimitPerCaller',
        priority: priority + 1,
        action: tooMany,
        statement: {
          rateBasedStatement: {
            limit: perCaller,
            aggregateKeyType: 'CUSTOM_KEYS',
            customKeys: [
              { header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } },
            ],
          },
        },
        visibilityConfig: visibility('rate-limit-per-caller'),
      },
    ],
  };
}
