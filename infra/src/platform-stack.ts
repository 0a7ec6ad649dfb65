import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { acknowledge, ServiceStack, stageConfig, type ServiceStackProps } from '@slice/cdk';
import type { Construct } from 'constructs';
import { RoutingHeaderGuard } from './routing-header-guard';
import { callerRateLimits } from './rate-limits';

/** The platform's own entry in the service vocabulary: tags, stack name `SlicePlatform-<stage>`. */
export const platformService = {
  name: 'platform',
  team: 'platform',
  basePath: '/',
  version: '1.0.0',
  title: 'Platform',
  description: 'The shared event bus, user pool, WAF and the SSM values every service reads.',
} as const;

/** Props of {@link PlatformStack}. */
export interface PlatformStackProps extends Omit<ServiceStackProps, 'service'> {
  /**
   * The CIDRs that may send the front door's routing header (`x-slice-route`); see
   * {@link RoutingHeaderGuard}. Empty: nobody.
   * @default the stage's `previewSources` (`libs/cdk/src/stages/<stage>.ts`), else []
   */
  readonly previewSources?: readonly string[];
}

/**
 * `SlicePlatform-<stage>`: what every service builds on and reads from SSM
 * (`/slice/<stage>/platform/...`): the EventBridge bus with its archive and DLQ, the Cognito user
 * pool with `staff` and `customer` groups and an app client, the regional WAF web ACL for the
 * service stages (which also keeps the front door's routing header to the stage's
 * `previewSources`), API Gateway's account logging role, and the platform URL. Deployed before the
 * services; the front door (`SliceFrontDoor-<stage>`) is deployed after them.
 */
export class PlatformStack extends ServiceStack {
  readonly bus: events.EventBus;
  readonly users: cognito.UserPool;
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, { previewSources, ...props }: PlatformStackProps) {
    super(scope, id, { ...props, service: platformService });
    const config = stageConfig(this.stage);
    this.bus = eventBus(this, this.stage, this.isDevelopment);
    this.users = userPool(this, this.isDevelopment);
    const client = appClient(this.users, config.webDomainName);

    // The hosted sign-in pages and OAuth 2.0 endpoints (authorize, token, logout) of the pool, for
    // browser apps such as the storefront, which add their own app clients with their callback URLs.
    const signIn = this.users.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: config.signInDomainPrefix },
    });
    this.webAcl = webAcl(this, this.stage, previewSources ?? config.previewSources ?? []);
    apiGatewayAccountLogging(this);

    publishPlatformValues(this, this.stage, {
      'event-bus-name': this.bus.eventBusName,
      'event-bus-arn': this.bus.eventBusArn,
      'user-pool-id': this.users.userPoolId,
      'user-pool-arn': this.users.userPoolArn,
      'user-pool-client-id': client.userPoolClientId,
      // The `iss` of the pool's tokens, for functions that verify tokens themselves (the monolith).
      'token-issuer': this.users.userPoolProviderUrl,
      'web-acl-arn': this.webAcl.attrArn,
      'domain-name': config.domainName,
      'api-url': `https://${config.domainName}`,
      // Tracking's WebSocket API, on its own domain (the front door maps it), for clients to connect to.
      'ws-url': `wss://${config.webSocketDomainName}`,
      // The pool's Cognito domain: `<sign-in-url>/oauth2/authorize`, `/oauth2/token`, `/logout`.
      'sign-in-url': signIn.baseUrl(),
    });
  }
}

/** The domain events' bus, its dead-letter queue and its archive (kept a year, 30 days in development). */
function eventBus(scope: Construct, stage: string, isDevelopment: boolean): events.EventBus {
  const busDlq = new sqs.Queue(scope, 'BusDeadLetters', {
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(busDlq, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the event bus.');
  const bus = new events.EventBus(scope, 'Bus', {
    deadLetterQueue: busDlq,
    description: `Slice domain events (${stage})`,
  });
  bus.archive('Archive', {
    description: 'Every domain event, for replay.',
    eventPattern: { source: events.Match.prefix('slice.') },
    retention: isDevelopment ? Duration.days(30) : Duration.days(365),
  });
  return bus;
}

/** The user pool (email sign-in, optional TOTP, threat protection) and its `staff` and `customer` groups. */
function userPool(scope: Construct, isDevelopment: boolean): cognito.UserPool {
  const users = new cognito.UserPool(scope, 'Users', {
    selfSignUpEnabled: true,
    signInAliases: { email: true },
    autoVerify: { email: true },
    passwordPolicy: {
      minLength: 12,
      requireDigits: true,
      requireLowercase: true,
      requireUppercase: true,
      requireSymbols: true,
    },
    mfa: cognito.Mfa.OPTIONAL,
    mfaSecondFactor: { sms: false, otp: true },
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    deletionProtection: !isDevelopment,
    removalPolicy: isDevelopment ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  acknowledge(
    users,
    'AwsSolutions-COG2',
    'MFA is optional so customers can order without it (TOTP is offered). Enforcing MFA for the staff group needs a separate pool or a pre-token trigger, which is not built yet.',
  );
  for (const group of ['staff', 'customer']) {
    new cognito.CfnUserPoolGroup(scope, `${group[0]?.toUpperCase()}${group.slice(1)}Group`, {
      userPoolId: users.userPoolId,
      groupName: group,
      description: group === 'staff' ? 'May call staff routes.' : 'Customers.',
    });
  }
  return users;
}

/**
 * The platform's one app client: every service and the WebSocket authorizer accept its tokens.
 * The storefront signs customers in with it through the hosted UI (code grant with PKCE).
 */
function appClient(users: cognito.UserPool, webDomainName: string): cognito.UserPoolClient {
  const storefront = `https://${webDomainName}`;
  return users.addClient('AppClient', {
    authFlows: { userSrp: true },
    preventUserExistenceErrors: true,
    generateSecret: false,
    oAuth: {
      flows: { authorizationCodeGrant: true },
      scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
      callbackUrls: [`${storefront}/callback`],
      logoutUrls: [`${storefront}/`],
    },
    supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
  });
}

/** The regional web ACL of the service stages: the routing header guard, managed rules, caller rate limits. */
function webAcl(scope: Construct, stage: string, previewSources: readonly string[]): wafv2.CfnWebACL {
  // First: the cheapest rule, and its 403 names the header instead of a managed rule's bare 403.
  // It only blocks, so a listed source still passes the managed rules and the rate limit.
  const routingHeaderGuard = new RoutingHeaderGuard(scope, 'RoutingHeaderGuard', {
    sources: previewSources,
    priority: 5,
  });
  const rateLimits = callerRateLimits({ priority: 30 });
  return new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: {
      cloudWatchMetricsEnabled: true,
      metricName: `slice-${stage}`,
      sampledRequestsEnabled: true,
    },
    customResponseBodies: {
      ...routingHeaderGuard.customResponseBodies,
      ...rateLimits.customResponseBodies,
    },
    rules: [
      routingHeaderGuard.rule,
      managedRule('AWSManagedRulesCommonRuleSet', 10, [
        // The services answer an oversized body with a 413 problem+json naming it (100 KB);
        // the WAF's 8 KB block would answer a bare 403 first.
        'SizeRestrictions_BODY',
      ]),
      managedRule('AWSManagedRulesKnownBadInputsRuleSet', 20),
      ...rateLimits.rules,
    ],
  });
}

/** API Gateway writes execution logs through one role per account and region. */
function apiGatewayAccountLogging(scope: Construct): void {
  const gatewayLogs = new iam.Role(scope, 'ApiGatewayLogsRole', {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
    ],
  });
  acknowledge(
    gatewayLogs,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    'The AWS-managed policy is the documented minimum for API Gateway account logging.',
  );
  new apigateway.CfnAccount(scope, 'ApiGatewayAccount', { cloudWatchRoleArn: gatewayLogs.roleArn });
}

/** Publishes each value as `/slice/<stage>/platform/<name>` in SSM, where the services read it. */
function publishPlatformValues(scope: Construct, stage: string, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    new ssm.StringParameter(scope, `Parameter-${name}`, {
      parameterName: `/slice/${stage}/platform/${name}`,
      stringValue: value,
      description: `Slice platform value ${name} for the services of stage ${stage}.`,
    });
  }
}

function managedRule(name: string, priority: number, countOnly: string[] = []): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(countOnly.length
          ? { ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
          : {}),
      },
    },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  };
}
