import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PortalStack } from '../cdk/portal-stack';

const siteDir = join(__dirname, '../../../libs/cdk/test/fixtures/site');

describe('SlicePortal-<stage>', () => {
  let stack: PortalStack;
  let template: Template;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new PortalStack(app, 'SlicePortal-dev', {
      stage: 'dev',
      env: { account: '123456789012', region: 'eu-west-1' },
      siteDir,
    });
    template = Template.fromStack(stack);
  }, 60_000);

  it('is named after the portal and owned by the platform team', () => {
    expect(stack.stackName).toBe('SlicePortal-dev');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      Tags: Match.arrayWith([
        { Key: 'slice:service', Value: 'portal' },
        { Key: 'slice:team', Value: 'platform' },
      ]),
    });
  });

  it('deploys the generated site to a private bucket that only the distribution reads', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
  });

  it('answers a missing page with the error, not index.html: the portal is no single-page app', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ CustomErrorResponses: Match.absent() }),
    });
  });

  it('has no cdk-nag finding left unacknowledged', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);

    expect(report.violations).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });

  it('refuses to synthesize without a generated portal', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });

    expect(
      () =>
        new PortalStack(app, 'SlicePortal-dev', { stage: 'dev', siteDir: join(__dirname, 'no-such-site') }),
    ).toThrow(/npm run portal/);
  });
});
