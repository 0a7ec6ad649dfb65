import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { contentSecurityPolicy, StaticSite, type StaticSiteProps } from '../src';

const source = join(__dirname, 'fixtures/site');
const connectOrigins = ['https://api.slice.example', 'wss://ws.slice.example/', 'https://auth.slice.example'];

function siteStack(props: Partial<StaticSiteProps> = {}): { stack: Stack; site: StaticSite } {
  const app = new App();
  const stack = new Stack(app, 'Site', { env: { account: '123456789012', region: 'eu-west-1' } });
  const site = new StaticSite(stack, 'Site', { stage: 'prod', source, connectOrigins, ...props });
  return { stack, site };
}

function withDomain(stack: Stack) {
  return {
    domainName: 'www.slice.example',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z000',
      zoneName: 'slice.example',
    }),
    certificate: acm.Certificate.fromCertificateArn(
      stack,
      'Certificate',
      'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
    ),
  };
}

function headersPolicy(template: Template): Record<string, unknown> {
  const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  return (
    policy?.Properties as { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, unknown> } }
  ).ResponseHeadersPolicyConfig.SecurityHeadersConfig;
}

describe('StaticSite', () => {
  it.each(['prod', 'dev'])('has no cdk-nag finding left unacknowledged on %s', (stage) => {
    const { stack } = siteStack({ stage });

    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);

    expect(report.violations).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });

  it('has no cdk-nag finding left with a custom domain, and needs no TLS acknowledgment then', () => {
    const app = new App();
    const stack = new Stack(app, 'Site', { env: { account: '123456789012', region: 'eu-west-1' } });
    new StaticSite(stack, 'Site', { stage: 'prod', source, domain: withDomain(stack) });

    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);

    expect(report.violations).toEqual([]);
    const template = Template.fromStack(stack);
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const acknowledged = (distribution?.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string }[];
    expect(acknowledged.map((rule) => rule.id)).not.toContain('AwsSolutions-CFR4');
  });

  it('keeps the files in a private bucket that refuses plain HTTP', () => {
    const { stack } = siteStack();
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'bucket/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets only its distribution read the bucket, through origin access control', () => {
    const { stack } = siteStack();
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('answers / with index.html and every missing path of the app with index.html and 200', () => {
    const { stack } = siteStack();

    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
        ],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
  });

  it('has no fallback when it is not a single-page app', () => {
    const { stack } = siteStack({ singlePageApp: false });

    const [distribution] = Object.values(
      Template.fromStack(stack).findResources('AWS::CloudFront::Distribution'),
    );
    expect(distribution?.Properties.DistributionConfig.CustomErrorResponses).toBeUndefined();
  });

  it('sends HSTS, frame, content-type and referrer headers on every answer', () => {
    const headers = headersPolicy(Template.fromStack(siteStack().stack));

    expect(headers).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 31_536_000,
        IncludeSubdomains: true,
        Override: true,
      },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
    });
  });

  it('lets the pages connect to exactly their own origin and the origins given', () => {
    const headers = headersPolicy(Template.fromStack(siteStack().stack)) as {
      ContentSecurityPolicy: { ContentSecurityPolicy: string };
    };

    const policy = headers.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(policy).toContain(
      "connect-src 'self' https://api.slice.example wss://ws.slice.example https://auth.slice.example;",
    );
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it('refuses a connect origin that is not an http(s) or ws(s) URL', () => {
    expect(() => siteStack({ connectOrigins: ['api.slice.example'] })).toThrow(
      /not an http\(s\) or ws\(s\) origin/,
    );
  });

  it('deploys the directory to the bucket and invalidates the distribution', () => {
    const { stack } = siteStack();

    Template.fromStack(stack).hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^SiteFiles') },
      DistributionId: { Ref: Match.stringLikeRegexp('^SiteDistribution') },
      DistributionPaths: ['/*'],
      Prune: true,
    });
  });

  it('answers on its custom domain, with alias records and the certificate', () => {
    const app = new App();
    const stack = new Stack(app, 'Site', { env: { account: '123456789012', region: 'eu-west-1' } });
    const site = new StaticSite(stack, 'Site', { stage: 'prod', source, domain: withDomain(stack) });
    const template = Template.fromStack(stack);

    expect(site.url).toBe('https://www.slice.example');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['www.slice.example'],
        ViewerCertificate: Match.objectLike({
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        }),
      }),
    });
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
  });

  it('retains its buckets outside development and empties and deletes them on dev', () => {
    Template.fromStack(siteStack().stack).allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    Template.fromStack(siteStack({ stage: 'dev' }).stack).allResources('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
    });
  });
});

describe('contentSecurityPolicy', () => {
  it('allows nothing but its own origin when given no origin', () => {
    expect(contentSecurityPolicy([])).toContain("connect-src 'self';");
    expect(contentSecurityPolicy([])).toContain("default-src 'self'");
  });
});
