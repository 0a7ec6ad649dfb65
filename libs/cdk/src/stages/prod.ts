import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StageConfig } from './types';

/** The prod stage: canary rollouts, longer log retention. Replace the domain and zone with yours. */
export const prod: StageConfig = {
  name: 'prod',
  region: 'eu-west-1',
  domainName: 'api.slice.example.com',
  webSocketDomainName: 'ws.slice.example.com',
  webDomainName: 'www.slice.example.com',
  // CloudFront's certificates live in us-east-1: issue one for webDomainName there and put its ARN here.
  webCertificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000002',
  signInDomainPrefix: 'slice-example',
  hostedZone: { name: 'slice.example.com', id: 'Z0000000000000000PROD' },
  logRetention: RetentionDays.SIX_MONTHS,
  rollout: { type: 'canary', percent: 10, minutes: 5 },
  // Nobody may send `x-slice-route` in prod. To compare or roll back from the office or VPN, add its
  // egress CIDRs here (`'203.0.113.0/24'`, `'2001:db8::/48'`) in a reviewed change; deploy `infra`.
  previewSources: [],
};
