import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { everySource, type StageConfig } from './types';

/** The dev stage: where every merge to main lands first. Replace the domain and zone with yours. */
export const dev: StageConfig = {
  name: 'dev',
  region: 'eu-west-1',
  domainName: 'api.dev.slice.example.com',
  webSocketDomainName: 'ws.dev.slice.example.com',
  hostedZone: { name: 'dev.slice.example.com', id: 'Z00000000000000000DEV' },
  logRetention: RetentionDays.TWO_WEEKS,
  rollout: { type: 'all-at-once' },
  // Anyone may send `x-slice-route` here, to compare a moved route with the monolith.
  previewSources: everySource,
};
