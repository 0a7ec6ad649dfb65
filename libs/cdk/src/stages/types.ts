import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** How a stage rolls out a new function version. */
export type RolloutPolicy =
  | { readonly type: 'all-at-once' }
  | { readonly type: 'canary'; readonly percent: number; readonly minutes: number };

/** Everything that differs between stages, in one typed file per stage. Stacks hard-code none of it. */
export interface StageConfig {
  /** `dev`, `prod`. */
  readonly name: string;
  /**
   * The AWS account; `undefined` deploys to the account of the credentials in use.
   * @default undefined
   */
  readonly account?: string;
  readonly region: string;
  /** The platform's custom domain: `api.<domain>`. */
  readonly domainName: string;
  /** The Route 53 hosted zone the domain, its certificate validation and its alias live in. */
  readonly hostedZone: { readonly name: string; readonly id: string };
  readonly logRetention: RetentionDays;
  readonly rollout: RolloutPolicy;
}
