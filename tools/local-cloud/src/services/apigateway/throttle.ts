import type { MethodSettingSpec } from '../../assembly/types';

/** Rate (requests per second, steady state) and burst (bucket size) of a method. */
export interface ThrottleLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The throttling that applies to one method of a stage: the `MethodSettings` entry for its
 * resource path and method, else the stage-wide `/*` entry (API Gateway applies that default to
 * each method separately). `undefined` when neither sets a limit.
 *
 * @example
 * ```ts
 * limitsFor(stage.methodSettings, '/orders/{orderId}', 'GET'); // { rateLimit: 100, burstLimit: 200 }
 * ```
 */
export function limitsFor(
  settings: readonly MethodSettingSpec[],
  resourcePath: string,
  httpMethod: string,
): ThrottleLimits | undefined {
  const matches = (setting: MethodSettingSpec) =>
    setting.httpMethod === '*' ||
    setting.httpMethod === httpMethod.toUpperCase() ||
    setting.httpMethod === 'ANY';
  const specific = settings.find((setting) => setting.resourcePath === resourcePath && matches(setting));
  const stageWide = settings.find((setting) => setting.resourcePath === '/*' && matches(setting));
  const rate = specific?.throttlingRateLimit ?? stageWide?.throttlingRateLimit;
  const burst = specific?.throttlingBurstLimit ?? stageWide?.throttlingBurstLimit;
  if (rate === undefined && burst === undefined) return undefined;
  return { rateLimit: rate ?? Number.POSITIVE_INFINITY, burstLimit: burst ?? Number.POSITIVE_INFINITY };
}

/**
 * Token buckets, one per key (a method of a stage): a bucket holds at most `burstLimit` tokens,
 * refills at `rateLimit` tokens per second, starts full, and each request takes one token or is
 * throttled.
 *
 * @example
 * ```ts
 * const throttle = new TokenBuckets(Date.now);
 * throttle.take('dev GET /orders', { rateLimit: 100, burstLimit: 200 }); // true until the bucket is empty
 * ```
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(private readonly now: () => number) {}

  /** Takes a token for `key`; false when the request is throttled. */
  take(key: string, limits: ThrottleLimits): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limits.burstLimit, updated: now };
    const elapsed = Math.max(0, now - bucket.updated);
    const refilled = Math.min(
      limits.burstLimit,
      bucket.tokens + (elapsed === 0 ? 0 : (elapsed / 1000) * limits.rateLimit),
    );
    const allowed = refilled >= 1;
    this.buckets.set(key, { tokens: allowed ? refilled - 1 : refilled, updated: now });
    return allowed;
  }

  clear(): void {
    this.buckets.clear();
  }
}
