import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StorefrontStack } from '../cdk/storefront-stack';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe('SliceStorefront-<stage>', () => {
  let stack: StorefrontStack;
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new StorefrontStack(app, 'SliceStorefront-dev', {
      stage: 'dev',
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Resources;
  }, 60_000);

  /** The CloudFormation parameter (an SSM platform value) of `/slice/dev/platform/<name>`. */
  const platformParameter = (name: string): string => {
    const parameters = template.toJSON().Parameters as Record<string, { Default?: string }>;
    const entry = Object.entries(parameters).find(([, p]) => p.Default === `/slice/dev/platform/${name}`);
    if (!entry) throw new Error(`no parameter for ${name}`);
    return entry[0];
  };

  it('is named after the storefront and owned by team web', () => {
    expect(stack.stackName).toBe('SliceStorefront-dev');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      Tags: Match.arrayWith([
        { Key: 'slice:service', Value: 'storefront' },
        { Key: 'slice:team', Value: 'web' },
      ]),
    });
  });

  it('has no cdk-nag finding left unacknowledged', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);

    expect(report.violations).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });

  it("answers on the stage's www domain with the stage's us-east-1 certificate", () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['www.dev.slice.example.com'],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn:
            'arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000001',
        }),
      }),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'www.dev.slice.example.com.',
      Type: 'A',
      HostedZoneId: 'Z00000000000000000DEV',
    });
  });

  it('writes config.json from the platform values of the stage, not from constants', () => {
    const [deployment] = Object.values(resources).filter((r) => r.Type === 'Custom::CDKBucketDeployment');
    const markers = JSON.stringify(deployment?.Properties.SourceMarkers);

    for (const name of ['api-url', 'ws-url', 'sign-in-url', 'user-pool-client-id'])
      expect(markers).toContain(JSON.stringify({ Ref: platformParameter(name) }));
    expect(deployment?.Properties.SourceObjectKeys).toHaveLength(2);
  });

  it('lets the pages connect to the API, the WebSocket API and the sign-in domain, and nothing else', () => {
    const [policy] = Object.values(resources).filter(
      (r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy',
    );
    const csp = JSON.stringify(
      (policy?.Properties as { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: unknown } })
        .ResponseHeadersPolicyConfig.SecurityHeadersConfig,
    );

    expect(csp).toContain("connect-src 'self' ");
    for (const name of ['api-url', 'ws-url', 'sign-in-url'])
      expect(csp).toContain(JSON.stringify({ Ref: platformParameter(name) }));
    expect(csp).not.toContain(JSON.stringify({ Ref: platformParameter('user-pool-client-id') }));
  });
});
