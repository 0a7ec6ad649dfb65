import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { CfnOutput } from 'aws-cdk-lib';
import { ServiceStack, stageConfig, StaticSite, type ServiceStackProps } from '@slice/cdk';
import type { Construct } from 'constructs';
import { buildSite } from './build-site';

/** The storefront's entry in the service vocabulary: tags, stack name `SliceStorefront-<stage>`. */
export const storefrontService = {
  name: 'storefront',
  team: 'web',
  basePath: '/',
  version: '1.0.0',
  title: 'Storefront',
  description: 'The customer storefront: browse the menu, sign in, order and follow it live.',
} as const;

/** Props of {@link StorefrontStack}. */
export interface StorefrontStackProps extends Omit<ServiceStackProps, 'service'> {
  /**
   * The directory of the built site.
   * @default the site built from `src/` and `site/` at synth
   */
  readonly siteDir?: string;
}

/**
 * `SliceStorefront-<stage>`: the customer storefront as a {@link StaticSite} on the stage's
 * `www.<domain>`, with its runtime configuration (`/config.json`) written at deploy time from the
 * platform's SSM values: the API and WebSocket URLs, the user pool's sign-in domain and app client.
 * The pages may connect to exactly those origins (the site's Content-Security-Policy).
 */
export class StorefrontStack extends ServiceStack {
  readonly site: StaticSite;

  constructor(scope: Construct, id: string, { siteDir, ...props }: StorefrontStackProps) {
    super(scope, id, { ...props, service: storefrontService });
    const config = stageConfig(this.stage);
    const apiUrl = this.platformValue('api-url');
    const webSocketUrl = this.platformValue('ws-url');
    const signInUrl = this.platformValue('sign-in-url');
    const siteConfig = {
      apiUrl,
      webSocketUrl,
      signIn: {
        url: signInUrl,
        clientId: this.platformValue('user-pool-client-id'),
        scopes: ['openid', 'email', 'profile'],
      },
    };
    this.site = new StaticSite(this, 'Site', {
      stage: this.stage,
      source: siteDir ?? buildSite(),
      extraSources: [s3deploy.Source.jsonData('config.json', siteConfig)],
      connectOrigins: [apiUrl, webSocketUrl, signInUrl],
      comment: `Slice storefront (${this.stage})`,
      domain: {
        domainName: config.webDomainName,
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
          hostedZoneId: config.hostedZone.id,
          zoneName: config.hostedZone.name,
        }),
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', config.webCertificateArn),
      },
    });
    new CfnOutput(this, 'Url', { value: this.site.url, description: 'The storefront.' });
  }
}
