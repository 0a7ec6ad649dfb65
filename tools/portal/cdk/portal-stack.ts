import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput } from 'aws-cdk-lib';
import { ServiceStack, StaticSite, type ServiceStackProps } from '@slice/cdk';
import type { Construct } from 'constructs';

/** The portal's entry in the service vocabulary: tags, stack name `SlicePortal-<stage>`. */
export const portalService = {
  name: 'portal',
  team: 'platform',
  basePath: '/',
  version: '1.0.0',
  title: 'Developer portal',
  description: 'Services, owners, routes, events and API references of Slice, generated from the repo.',
} as const;

/** Where `npm run portal` writes the site. */
export const portalSiteDir = join(__dirname, '../../../dist/portal');

/** Props of {@link PortalStack}. */
export interface PortalStackProps extends Omit<ServiceStackProps, 'service'> {
  /**
   * The directory of the generated site.
   * @default `dist/portal`, which `npm run portal` writes (the synth target runs it first)
   */
  readonly siteDir?: string;
}

/**
 * `SlicePortal-<stage>`: the developer portal `npm run portal` generated, as a {@link StaticSite}
 * (a private S3 bucket behind CloudFront) on its `*.cloudfront.net` name. Its pages connect to
 * nothing but their own origin; the live panels work only where the local cloud serves the portal.
 */
export class PortalStack extends ServiceStack {
  readonly site: StaticSite;

  constructor(scope: Construct, id: string, { siteDir = portalSiteDir, ...props }: PortalStackProps) {
    super(scope, id, { ...props, service: portalService });
    if (!existsSync(join(siteDir, 'index.html')))
      throw new Error(`No portal in ${siteDir}: run \`npm run portal\` first (nx run portal:synth does).`);
    this.site = new StaticSite(this, 'Site', {
      stage: this.stage,
      source: siteDir,
      singlePageApp: false,
      comment: `Slice developer portal (${this.stage})`,
    });
    new CfnOutput(this, 'Url', { value: this.site.url, description: 'The developer portal.' });
  }
}
