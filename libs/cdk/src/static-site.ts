import { type CfnElement, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { isDevelopmentStage } from './service-stack';

/**
 * The custom domain of a {@link StaticSite}: its name, the Route 53 zone its alias records go in,
 * and a certificate for the name in `us-east-1` (CloudFront takes certificates from that region only).
 *
 * @example
 * ```ts
 * const domain: StaticSiteDomain = { domainName: 'www.slice.example.com', hostedZone, certificate };
 * ```
 */
export interface StaticSiteDomain {
  readonly domainName: string;
  readonly hostedZone: route53.IHostedZone;
  readonly certificate: acm.ICertificate;
}

/**
 * Properties of a {@link StaticSite}.
 *
 * @example
 * ```ts
 * const props: StaticSiteProps = { stage: 'dev', source: 'dist/apps/storefront/site', connectOrigins: ['https://api.slice.example.com'] };
 * ```
 */
export interface StaticSiteProps {
  /** The stage: development stages destroy the buckets with the stack, others retain them. */
  readonly stage: string;

  /** The directory of the built site, uploaded as it is (its `index.html` at the root). */
  readonly source: string;

  /**
   * More files to deploy beside the directory, such as the runtime configuration
   * (`s3deploy.Source.jsonData('config.json', { apiUrl })`), whose values may be deploy-time tokens.
   *
   * @default - none
   */
  readonly extraSources?: s3deploy.ISource[];

  /**
   * The origins the pages may connect to besides their own (`fetch`, `WebSocket`): the API, the
   * WebSocket API, the sign-in service. They are the whole `connect-src` of the site's
   * Content-Security-Policy; every other fetch is refused by the browser.
   *
   * @default - none: the pages may only connect to their own origin
   */
  readonly connectOrigins?: readonly string[];

  /**
   * The site's custom domain. Without one the site answers on its `*.cloudfront.net` name.
   *
   * @default - no custom domain
   */
  readonly domain?: StaticSiteDomain;

  /**
   * Whether the site is a single-page app: a missing path (S3 answers 403 through origin access
   * control, 404 when listing is allowed) is answered with `/index.html` and status 200, so the
   * app's router handles it.
   *
   * @default true
   */
  readonly singlePageApp?: boolean;

  /**
   * The object CloudFront answers for `/`.
   *
   * @default 'index.html'
   */
  readonly defaultRootObject?: string;

  /**
   * The ARN of a CloudFront-scope WAF web ACL (created in `us-east-1`) to attach.
   *
   * @default - none (the site serves static files only; the APIs it calls have the platform's WAF)
   */
  readonly webAclArn?: string;

  /**
   * A description of the distribution for the console.
   *
   * @default 'Static site'
   */
  readonly comment?: string;
}

/** The origin of a URL or of `scheme://host[:port]`, checked: `https://api.example.com`. */
function originOf(site: string, value: string): string {
  if (value.includes('${Token[')) return value;
  const match = /^(https?|wss?):\/\/[^/?#\s]+/.exec(value);
  if (!match) throw new Error(`StaticSite ${site}: "${value}" is not an http(s) or ws(s) origin.`);
  return match[0];
}

/**
 * The Content-Security-Policy of a static site that loads only its own scripts, styles and images
 * and connects only to its own origin and the given ones.
 *
 * @example
 * ```ts
 * contentSecurityPolicy(['https://api.slice.example.com', 'wss://ws.slice.example.com']);
 * // "default-src 'self'; ... connect-src 'self' https://api.slice.example.com wss://ws.slice.example.com; ..."
 * ```
 */
export function contentSecurityPolicy(connectOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectOrigins].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * A static website on AWS: a private, encrypted S3 bucket (public access blocked, TLS only) that only
 * the site's CloudFront distribution reads, through origin access control; HTTPS only (HTTP is
 * redirected), security headers on every answer (HSTS, a Content-Security-Policy naming exactly
 * the origins the pages talk to, frame and content-type options, referrer policy), `index.html`
 * for `/` and for every unknown path of a single-page app, access logs for both the bucket and the
 * distribution, an optional custom domain with its alias records, and a deployment of the built
 * directory that invalidates the distribution's cache.
 *
 * @example
 * ```ts
 * const site = new StaticSite(this, 'Site', {
 *   stage: 'dev',
 *   source: join(__dirname, '../../../dist/apps/storefront/site'),
 *   extraSources: [s3deploy.Source.jsonData('config.json', { apiUrl: 'https://api.slice.example.com' })],
 *   connectOrigins: ['https://api.slice.example.com', 'wss://ws.slice.example.com'],
 * });
 * site.url; // https://d111111abcdef8.cloudfront.net, or https://<domain>
 * ```
 */
export class StaticSite extends Construct {
  /** The private bucket the site's files are in. */
  readonly bucket: s3.Bucket;
  /** The bucket the bucket's and the distribution's access logs go to. */
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** The security headers every answer carries. */
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  readonly deployment: s3deploy.BucketDeployment;
  /** The site's URL: `https://` and its custom domain, or the distribution's domain name. */
  readonly url: string;
  /** The site's origin for CORS (same as {@link url}: no path, no trailing slash). */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const development = isDevelopmentStage(props.stage);
    const removal = development
      ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }
      : { removalPolicy: RemovalPolicy.RETAIN };
    const connectOrigins = (props.connectOrigins ?? []).map((value) => originOf(id, value));
    const defaultRootObject = props.defaultRootObject ?? 'index.html';

    this.logBucket = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL grant: the bucket must accept ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(development ? 14 : 365) }],
      ...removal,
    });
    acknowledge(
      this.logBucket,
      'AwsSolutions-S1',
      'This is the access-log bucket; logging its own access would log the log writes.',
    );

    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: !development,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'bucket/',
      ...removal,
    });

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Security headers of ${id}`,
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          preload: false,
          override: true,
        },
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(connectOrigins),
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });

    this.distribution = this.createDistribution(props, defaultRootObject);
    this.url = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
    this.origin = this.url;
    if (props.domain) this.addAliasRecords(props.domain);

    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [s3deploy.Source.asset(props.source), ...(props.extraSources ?? [])],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 512,
    });
    this.acknowledgeDeploymentFunction();
  }

  private createDistribution(props: StaticSiteProps, defaultRootObject: string): cloudfront.Distribution {
    const fallback = props.singlePageApp ?? true;
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: props.comment ?? 'Static site',
      defaultRootObject,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      // Through origin access control S3 answers a missing key with 403 (the distribution may not
      // list the bucket); a single-page app answers both with its shell.
      errorResponses: fallback
        ? [403, 404].map((httpStatus) => ({
            httpStatus,
            responseHttpStatus: 200,
            responsePagePath: `/${defaultRootObject}`,
            ttl: Duration.seconds(10),
          }))
        : [],
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'distribution/',
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: props.domain.certificate,
            // A TLS policy applies to a custom certificate only; the default one's is CloudFront's.
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    acknowledge(
      distribution,
      'AwsSolutions-CFR1',
      'Customers may browse from anywhere; the site serves only public static files, so no country is refused.',
    );
    if (!props.webAclArn) {
      acknowledge(
        distribution,
        'AwsSolutions-CFR2',
        'The distribution serves static files only; the APIs the pages call sit behind the platform WAF. A CloudFront web ACL can be given as webAclArn.',
      );
    }
    if (!props.domain) {
      acknowledge(
        distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront sets; with one, TLSv1.2_2021 is the minimum.',
      );
    }
    return distribution;
  }

  private addAliasRecords(domain: StaticSiteDomain): void {
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    const recordName = domain.domainName;
    new route53.ARecord(this, 'AliasRecord', { zone: domain.hostedZone, recordName, target });
    new route53.AaaaRecord(this, 'AliasRecordIpv6', { zone: domain.hostedZone, recordName, target });
  }

  /** The deployment's function is the CDK's own singleton: its findings are the CDK's choices. */
  private acknowledgeDeploymentFunction(): void {
    const stack = Stack.of(this);
    const reasons: Record<string, string> = {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        "The CDK's BucketDeployment function logs with the AWS-managed basic execution policy.",
      'AwsSolutions-IAM5[Action::s3:GetBucket*]':
        'The CDK grants the BucketDeployment function read of the asset bucket and write of the site bucket by action prefix.',
      'AwsSolutions-IAM5[Action::s3:GetObject*]':
        'The CDK grants the BucketDeployment function read of the asset bucket by action prefix.',
      'AwsSolutions-IAM5[Action::s3:List*]':
        'The CDK grants the BucketDeployment function listing of the asset and site buckets.',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]':
        'The deployment prunes files the new build no longer has.',
      'AwsSolutions-IAM5[Action::s3:Abort*]': 'The deployment aborts its own failed multipart uploads.',
      'AwsSolutions-IAM5[Resource::*]':
        'CloudFront invalidations cannot be scoped to a distribution ARN in the CDK-generated policy.',
      [`AwsSolutions-IAM5[Resource::${assetObjects(stack)}]`]:
        'The deployment reads the built site from the CDK asset bucket, whose object keys are content hashes.',
      [`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*]`]:
        'The deployment writes and prunes every file of the site bucket.',
      'AwsSolutions-L1':
        "The runtime of the CDK's BucketDeployment function is chosen by the CDK version, not by this stack.",
    };
    for (const child of stack.node.findAll()) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      for (const [id, reason] of Object.entries(reasons)) acknowledge(child, id, reason);
    }
  }
}

/** The objects of the CDK bootstrap asset bucket, as cdk-nag prints them in a finding. */
function assetObjects(stack: Stack): string {
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const qualifier = DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return `arn:${partition}:s3:::cdk-${qualifier}-assets-${account}-${region}/*`;
}
