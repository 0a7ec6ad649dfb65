import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { everySource, type StageConfig } from './types';

/** The dev stage: where every merge to main lands first. Replace the domain and zone with yours. */
export const dev: StageConfig = {
  name: 'dev',
  region: 'eu-west-1',
  domainName: 'api.dev.slice.example.com',
  webSocketDomainName: 'ws.dev.slice.example.com',
  webDomainName: 'www.dev.slice.example.com',
  // CloudFront's certificates live in us-east-1: issue one for webDomainName there and put its ARN here.
  webCertificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000001',
  signInDomainPrefix: 'slice-dev-example',
  hostedZone: { name: 'dev.slice.example.com', id: 'Z00000000000000000DEV' },
  logRetention: RetentionDays.TWO_WEEKS,
  rollout: { type: 'all-at-once' },
  // Anyone may send `x-slice-route` here, to compare a moved route with the monolith.
  previewSources: everySource,
};
