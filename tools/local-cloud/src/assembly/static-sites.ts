/**
 * The static sites of the templates: each `AWS::CloudFront::Distribution` whose default origin is
 * an S3 bucket that a `Custom::CDKBucketDeployment` fills (the CDK's `BucketDeployment`), with its
 * default root object, custom error responses and response headers policy; and the hosted sign-in
 * of the user pools (`AWS::Cognito::UserPoolDomain`, and the app clients with OAuth flows).
 */
import type {
  ErrorResponseSpec,
  OAuthClientSpec,
  SignInSpec,
  SiteSourceSpec,
  StaticSiteSpec,
} from '../model';
import { isRecord } from '../json';
import type { Resolver } from './resolve';

/** What the loader hands this module. */
export interface StaticSitesContext {
  readonly resolver: Resolver;
  readonly stackNames: readonly string[];
  /** The asset of a source object key (`<hash>.zip`) of a stack, as its asset manifest stages it. */
  readonly assetDir: (stackName: string, objectKey: string) => string | undefined;
  readonly warn: (message: string) => void;
}

const records = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter(isRecord) : [];

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** The logical id a raw `{ Ref: X }` or `{ Fn::GetAtt: [X, …] }` names, else undefined. */
function logicalIdIn(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value['Ref'] === 'string') return value['Ref'];
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

function errorResponsesOf(config: Record<string, unknown>): ErrorResponseSpec[] {
  return records(config['CustomErrorResponses']).map((entry) => ({
    errorCode: Number(entry['ErrorCode']),
    ...(entry['ResponseCode'] === undefined ? {} : { responseCode: Number(entry['ResponseCode']) }),
    ...(typeof entry['ResponsePagePath'] === 'string' ? { responsePagePath: entry['ResponsePagePath'] } : {}),
  }));
}

/** The headers of a response headers policy, as CloudFront writes them (`SecurityHeadersConfig`, `CustomHeadersConfig`). */
export function policyHeaders(config: Record<string, unknown>): StaticSiteSpec['headers'] {
  const headers: Record<string, { value: string; override: boolean }> = {};
  const security = isRecord(config['SecurityHeadersConfig']) ? config['SecurityHeadersConfig'] : {};
  const add = (name: string, entry: unknown, value: (entry: Record<string, unknown>) => string) => {
    if (isRecord(entry)) headers[name] = { value: value(entry), override: entry['Override'] === true };
  };
  add('strict-transport-security', security['StrictTransportSecurity'], (entry) =>
    [
      `max-age=${String(entry['AccessControlMaxAgeSec'])}`,
      ...(entry['IncludeSubdomains'] === true ? ['includeSubDomains'] : []),
      ...(entry['Preload'] === true ? ['preload'] : []),
    ].join('; '),
  );
  add('content-security-policy', security['ContentSecurityPolicy'], (entry) =>
    String(entry['ContentSecurityPolicy']),
  );
  add('x-content-type-options', security['ContentTypeOptions'], () => 'nosniff');
  add('x-frame-options', security['FrameOptions'], (entry) => String(entry['FrameOption']));
  add('referrer-policy', security['ReferrerPolicy'], (entry) => String(entry['ReferrerPolicy']));
  add('x-xss-protection', security['XSSProtection'], (entry) =>
    entry['Protection'] === true ? `1${entry['ModeBlock'] === true ? '; mode=block' : ''}` : '0',
  );
  const custom = isRecord(config['CustomHeadersConfig']) ? config['CustomHeadersConfig']['Items'] : undefined;
  for (const entry of records(custom)) {
    headers[String(entry['Header']).toLowerCase()] = {
      value: String(entry['Value']),
      override: entry['Override'] === true,
    };
  }
  return headers;
}

/** The sources of the bucket deployments that fill `bucketLogicalId`, in template order. */
function deploymentsInto(context: StaticSitesContext, stackName: string, bucketLogicalId: string) {
  const { resolver } = context;
  const deployments = resolver
    .resources(stackName, 'Custom::CDKBucketDeployment')
    .filter(
      ([, resource]) => logicalIdIn(resource.Properties?.['DestinationBucketName']) === bucketLogicalId,
    );
  const sources: SiteSourceSpec[] = [];
  let keyPrefix = '';
  for (const [logicalId] of deployments) {
    const keys = strings(resolver.property(stackName, logicalId, 'SourceObjectKeys'));
    const markers = records(resolver.property(stackName, logicalId, 'SourceMarkers'));
    const configs = records(resolver.property(stackName, logicalId, 'SourceMarkersConfig'));
    keyPrefix = resolver.stringProperty(stackName, logicalId, 'DestinationBucketKeyPrefix') ?? '';
    keys.forEach((key, index) => {
      const dir = context.assetDir(stackName, key);
      if (!dir)
        return context.warn(`${stackName}/${logicalId}: no asset for ${key}; its files are not served.`);
      sources.push({
        dir,
        markers: Object.fromEntries(
          Object.entries(markers[index] ?? {}).map(([name, value]) => [name, String(value)]),
        ),
        jsonEscape: configs[index]?.['jsonEscape'] === true,
      });
    });
  }
  return { sources, keyPrefix };
}

/** One distribution as a site, or undefined when its default origin is not a deployed S3 bucket. */
function siteOf(
  context: StaticSitesContext,
  stackName: string,
  logicalId: string,
): StaticSiteSpec | undefined {
  const { resolver } = context;
  const raw = resolver.resource(stackName, logicalId).Properties?.['DistributionConfig'];
  if (!isRecord(raw)) return undefined;
  const behavior = isRecord(raw['DefaultCacheBehavior']) ? raw['DefaultCacheBehavior'] : {};
  const origin = records(raw['Origins']).find((each) => each['Id'] === behavior['TargetOriginId']);
  const bucket = logicalIdIn(origin?.['DomainName']);
  if (!origin || !bucket || resolver.resource(stackName, bucket).Type !== 'AWS::S3::Bucket') return undefined;
  const config = resolver.property(stackName, logicalId, 'DistributionConfig') as Record<string, unknown>;
  const policy = logicalIdIn(behavior['ResponseHeadersPolicyId']);
  const policyConfig =
    policy === undefined ? {} : resolver.property(stackName, policy, 'ResponseHeadersPolicyConfig');
  if (policy === undefined && behavior['ResponseHeadersPolicyId'] !== undefined)
    context.warn(`${stackName}/${logicalId}: a managed response headers policy is not applied locally.`);
  const resolvedBehavior = isRecord(config['DefaultCacheBehavior']) ? config['DefaultCacheBehavior'] : {};
  const allowedMethods = strings(resolvedBehavior['AllowedMethods']);
  return {
    id: resolver.physicalId(stackName, logicalId),
    stackName,
    logicalId,
    domainName: String(resolver.attribute(stackName, logicalId, 'DomainName', `${logicalId}.DomainName`)),
    aliases: strings(config['Aliases']),
    ...(typeof config['DefaultRootObject'] === 'string' && config['DefaultRootObject'] !== ''
      ? { defaultRootObject: config['DefaultRootObject'] }
      : {}),
    errorResponses: errorResponsesOf(config),
    allowedMethods: allowedMethods.length ? allowedMethods : ['GET', 'HEAD'],
    headers: isRecord(policyConfig) ? policyHeaders(policyConfig) : {},
    ...deploymentsInto(context, stackName, bucket),
  };
}

/**
 * The static sites of the stacks.
 *
 * @example
 * ```ts
 * staticSitesOf({ resolver, stackNames, assetDir, warn })[0]?.aliases; // ['www.dev.slice.example.com']
 * ```
 */
export function staticSitesOf(context: StaticSitesContext): StaticSiteSpec[] {
  return context.stackNames.flatMap((stackName) =>
    context.resolver
      .resources(stackName, 'AWS::CloudFront::Distribution')
      .map(([logicalId]) => siteOf(context, stackName, logicalId))
      .filter((site) => site !== undefined),
  );
}

function clientOf(resolver: Resolver, stackName: string, logicalId: string): OAuthClientSpec {
  const text = (name: string) => strings(resolver.property(stackName, logicalId, name));
  return {
    clientId: resolver.physicalId(stackName, logicalId),
    flows: text('AllowedOAuthFlows'),
    scopes: text('AllowedOAuthScopes'),
    callbackUrls: text('CallbackURLs'),
    logoutUrls: text('LogoutURLs'),
    hasSecret: resolver.property(stackName, logicalId, 'GenerateSecret') === true,
  };
}

/**
 * The hosted sign-in of the stacks' user pools: each Cognito domain's origin and every app client
 * that allows an OAuth flow.
 *
 * @example
 * ```ts
 * signInOf(resolver, stackNames).domains; // ['https://slice-dev.auth.eu-west-1.amazoncognito.com']
 * ```
 */
export function signInOf(resolver: Resolver, stackNames: readonly string[]): SignInSpec {
  const domains = stackNames.flatMap((stackName) =>
    resolver.resources(stackName, 'AWS::Cognito::UserPoolDomain').map(([logicalId]) => {
      const name = resolver.physicalId(stackName, logicalId);
      const custom = resolver.property(stackName, logicalId, 'CustomDomainConfig');
      return custom === undefined
        ? `https://${name}.auth.${resolver.region(stackName)}.amazoncognito.com`
        : `https://${name}`;
    }),
  );
  const clients = stackNames.flatMap((stackName) =>
    resolver
      .resources(stackName, 'AWS::Cognito::UserPoolClient')
      .filter(([, resource]) => resource.Properties?.['AllowedOAuthFlowsUserPoolClient'] === true)
      .map(([logicalId]) => clientOf(resolver, stackName, logicalId)),
  );
  return { domains, clients };
}
