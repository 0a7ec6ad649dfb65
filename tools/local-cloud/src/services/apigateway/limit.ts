import type { MethodSpec } from '../../assembly/types';
import type { Exchange, Outcome } from './exchange';
import { gatewayErrors } from './responses';
import { limitsFor, type ThrottleLimits, type TokenBuckets } from './throttle';

/** API Gateway's payload limit for REST APIs: 10 MB. */
export const maxRequestBytes = 10 * 1024 * 1024;

/** API Gateway's longest method ARN for a method with authorization: 1600 bytes. */
export const maxMethodArnBytes = 1600;

/**
 * The account's throttle quota per Region, across every API: 10,000 requests per second with a
 * burst of 5,000 (AWS's default; the local cloud lets tests lower it).
 */
export const accountThrottleQuota: ThrottleLimits = { rateLimit: 10_000, burstLimit: 5_000 };

/** The bucket key of the account-level quota. */
const accountBucket = '\0account';

/**
 * Whether the method's stage throttling and the account's quota let the request through; else
 * API Gateway's `429 Too Many Requests` (`THROTTLED`, which Slice's APIs answer with `Retry-After`).
 * One bucket per method as defined: an `ANY` method is one method.
 *
 * @example
 * ```ts
 * const refused = throttle(exchange, method, buckets, accountThrottleQuota);
 * if (refused) return refused;
 * ```
 */
export function throttle(
  exchange: Exchange,
  method: MethodSpec,
  buckets: TokenBuckets,
  account: ThrottleLimits,
): Outcome | undefined {
  const { api, stage, client } = exchange;
  const resourcePath = exchange.resourcePath ?? '';
  const cacheKey = `${stage.name}\0${client.httpMethod}\0${resourcePath}`;
  let throttling = api.throttling.get(cacheKey);
  if (throttling === undefined) {
    const limits = limitsFor(stage.methodSettings, resourcePath, client.httpMethod);
    throttling = limits
      ? { key: `${api.spec.id}\0${stage.name}\0${resourcePath}\0${method.httpMethod}`, limits }
      : null;
    api.throttling.set(cacheKey, throttling);
  }
  if (throttling && !buckets.take(throttling.key, throttling.limits)) {
    const { limits } = throttling;
    return exchange.fail(
      gatewayErrors.throttled(),
      `over ${limits.rateLimit} requests/s (burst ${limits.burstLimit})`,
    );
  }
  if (!buckets.take(accountBucket, account)) {
    return exchange.fail(
      gatewayErrors.throttled(),
      `over the account's ${account.rateLimit} requests/s (burst ${account.burstLimit})`,
    );
  }
  return undefined;
}

/**
 * API Gateway's `414 Request URI too long` when an authorized method's ARN (which carries the
 * request path) is over {@link maxMethodArnBytes}; API Gateway documents the status, the body is
 * the local gateway's (no gateway response type covers it).
 *
 * @example
 * ```ts
 * const refused = methodArnTooLong(methodArn);
 * if (refused) return refused;
 * ```
 */
export function methodArnTooLong(methodArn: string): Outcome | undefined {
  if (Buffer.byteLength(methodArn) <= maxMethodArnBytes) return undefined;
  return {
    statusCode: 414,
    headers: [['Content-Type', 'application/json']],
    body: '{"message":"Request URI too long"}',
    note: `the method ARN is ${Buffer.byteLength(methodArn)} bytes, over API Gateway's ${maxMethodArnBytes}`,
  };
}
