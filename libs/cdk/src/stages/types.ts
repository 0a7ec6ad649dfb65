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
  /**
   * The custom domain of the WebSocket API (Tracking): `ws.<domain>`. API Gateway cannot map a
   * WebSocket API and REST APIs onto one domain, so it has its own, in the same hosted zone.
   */
  readonly webSocketDomainName: string;
  /**
   * The custom domain of the customer storefront (`www.<domain>`): its CloudFront distribution
   * answers on it, and the services' REST APIs allow it as the one CORS origin.
   */
  readonly webDomainName: string;
  /**
   * The ACM certificate of {@link webDomainName}, issued in `us-east-1` (CloudFront takes
   * certificates from that region only, and the stacks deploy in {@link region}).
   */
  readonly webCertificateArn: string;
  /**
   * The prefix of the user pool's Cognito domain, where the hosted sign-in pages and the OAuth 2.0
   * endpoints answer: `https://<prefix>.auth.<region>.amazoncognito.com`. Unique across AWS.
   */
  readonly signInDomainPrefix: string;
  /** The Route 53 hosted zone the domain, its certificate validation and its alias live in. */
  readonly hostedZone: { readonly name: string; readonly id: string };
  readonly logRetention: RetentionDays;
  readonly rollout: RolloutPolicy;
  /**
   * The source addresses (IPv4 or IPv6 CIDRs, such as `203.0.113.0/24` or `2001:db8::/48`) that may
   * send the front door's routing header (`x-slice-route`, which reaches the monolith even for routes
   * that moved to a service). The platform's WAF answers the header from any other source with 403.
   * An empty list means nobody may use the header; {@link everySource} allows it from anywhere. WAF
   * accepts no `/0` range.
   * @default [] (nobody)
   */
  readonly previewSources?: readonly string[];
}

/**
 * Every IPv4 and IPv6 address, as WAF accepts it: the two halves of each address space, because WAF
 * refuses `/0` ranges. For stages where anyone may use the routing header (dev).
 *
 * @example
 * ```ts
 * export const dev: StageConfig = { ...settings, previewSources: everySource };
 * ```
 */
export const everySource: readonly string[] = ['0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1'];
