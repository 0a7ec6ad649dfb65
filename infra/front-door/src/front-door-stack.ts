import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigatewayv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { acknowledge, ServiceStack, stageConfig, type ServiceStackProps } from '@slice/cdk';
import { problemContentType } from '@slice/contract';
import type { Construct } from 'constructs';
import { catchAllPriority, isRouted, type RoutingManifest, type WebSocketRoute } from './routing';

/** The front door's entry in the service vocabulary: stack name `SliceFrontDoor-<stage>`. */
export const frontDoorService = {
  name: 'front-door',
  team: 'platform',
  basePath: '/',
  version: '1.0.0',
  title: 'Front door',
  description: 'One custom domain composing every service with routing rules; the monolith behind the rest.',
} as const;

/** Props of {@link FrontDoorStack}. */
export interface FrontDoorStackProps extends Omit<ServiceStackProps, 'service'> {
  readonly routing: RoutingManifest;
}

/** A REST API and stage a rule sends requests to. */
interface Target {
  readonly apiId: string;
  readonly stage: string;
}

/**
 * `SliceFrontDoor-<stage>`: the platform's custom domain (regional, TLS 1.2, ACM certificate
 * validated through the hosted zone, a Route 53 alias) in routing mode rules-then-base-path-mappings, with one
 * routing rule per service base path from the reviewed manifest, the header rules above them, and
 * a catch-all to the legacy monolith. Each rule targets the service's REST API id read from SSM
 * (`/slice/<stage>/<service>/api-id`), so services keep deploying on their own; this stack deploys
 * after them.
 */
export class FrontDoorStack extends ServiceStack {
  readonly domain: apigateway.CfnDomainName;
  readonly rules: apigatewayv2.CfnRoutingRule[] = [];
  /** The WebSocket domain (`ws.<domain>`), when the manifest routes a WebSocket service. */
  readonly webSocketDomain?: apigatewayv2.CfnDomainName;

  constructor(scope: Construct, id: string, props: FrontDoorStackProps) {
    const { routing, ...stackProps } = props;
    super(scope, id, { ...stackProps, service: frontDoorService });
    const config = stageConfig(this.stage);

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.hostedZone.id,
      zoneName: config.hostedZone.name,
    });
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: config.domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    this.domain = new apigateway.CfnDomainName(this, 'Domain', {
      domainName: config.domainName,
      regionalCertificateArn: certificate.certificateArn,
      endpointConfiguration: { types: ['REGIONAL'] },
      securityPolicy: 'TLS_1_2',
      routingMode: 'ROUTING_RULE_THEN_BASE_PATH_MAPPING',
    });
    new route53.ARecord(this, 'Alias', {
      zone,
      recordName: config.domainName,
      target: route53.RecordTarget.fromAlias({
        bind: () => ({
          dnsName: this.domain.attrRegionalDomainName,
          hostedZoneId: this.domain.attrRegionalHostedZoneId,
        }),
      }),
    });

    const serviceTarget = (service: string): Target => ({
      apiId: ssm.StringParameter.valueForStringParameter(this, `/slice/${this.stage}/${service}/api-id`),
      stage: this.stage,
    });
    const legacy = routing.fallback === 'monolith' ? serviceTarget('monolith') : this.placeholder();
    const targetOf = (name: string) => (name === 'monolith' ? legacy : serviceTarget(name));

    for (const rule of routing.headerRules) {
      this.rule(`Header${rule.priority}`, rule.priority, targetOf(rule.target), [
        { matchHeaders: { anyOf: [{ header: rule.header, valueGlob: rule.value }] } },
        ...(rule.basePaths ? [{ matchBasePaths: { anyOf: [...rule.basePaths] } }] : []),
      ]);
    }
    const routed = routing.services.filter(isRouted);
    for (const route of routed) {
      this.rule(`Service-${route.service}`, route.priority, targetOf(route.service), [
        { matchBasePaths: { anyOf: [...route.basePaths] } },
      ]);
    }
    this.rule('CatchAll', catchAllPriority, legacy, []);

    const [webSocket, ...others] = routing.webSockets ?? [];
    if (others.length > 0) {
      throw new Error("FrontDoorStack: one WebSocket service per stage: it owns the stage's ws.<domain>.");
    }
    if (webSocket) this.webSocketDomain = this.webSocketDomainFor(webSocket, zone);

    // The monolith refuses these groups without the routing header, whatever a path's spelling.
    new ssm.StringParameter(this, 'MovedBasePathsParameter', {
      parameterName: this.parameterName('moved-base-paths'),
      stringValue: JSON.stringify({ basePaths: routed.flatMap((route) => route.basePaths) }),
      description: `The base paths the front door sends to services on ${this.stage}; the monolith refuses them without x-slice-route.`,
    });
  }

  /**
   * The WebSocket service's own custom domain (API Gateway maps WebSocket and REST APIs onto
   * different domains): regional, TLS 1.2, its certificate validated through the hosted zone, an
   * alias, and one API mapping to the WebSocket API id the service publishes in SSM. WAF cannot
   * be attached to a WebSocket API; the service's stage throttles and its `$connect` authorizer
   * refuses callers without a platform token.
   */
  private webSocketDomainFor(route: WebSocketRoute, zone: route53.IHostedZone): apigatewayv2.CfnDomainName {
    const { webSocketDomainName } = stageConfig(this.stage);
    if (!webSocketDomainName.startsWith(`${route.subdomain}.`)) {
      throw new Error(
        `FrontDoorStack: ${route.service} lives on ${route.subdomain}.<domain>, but the stage's webSocketDomainName is ${webSocketDomainName}.`,
      );
    }
    const certificate = new acm.Certificate(this, 'WebSocketCertificate', {
      domainName: webSocketDomainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });
    const domain = new apigatewayv2.CfnDomainName(this, 'WebSocketDomain', {
      domainName: webSocketDomainName,
      domainNameConfigurations: [
        { certificateArn: certificate.certificateArn, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
      ],
    });
    new apigatewayv2.CfnApiMapping(this, `WebSocketMapping-${route.service}`, {
      domainName: domain.ref,
      apiId: ssm.StringParameter.valueForStringParameter(
        this,
        `/slice/${this.stage}/${route.service}/api-id`,
      ),
      stage: this.stage,
    });
    new route53.ARecord(this, 'WebSocketAlias', {
      zone,
      recordName: webSocketDomainName,
      target: route53.RecordTarget.fromAlias({
        bind: () => ({
          dnsName: domain.attrRegionalDomainName,
          hostedZoneId: domain.attrRegionalHostedZoneId,
        }),
      }),
    });
    return domain;
  }

  private rule(
    id: string,
    priority: number,
    target: Target,
    conditions: apigatewayv2.CfnRoutingRule.ConditionProperty[],
  ) {
    this.rules.push(
      new apigatewayv2.CfnRoutingRule(this, id, {
        domainNameArn: this.domain.attrDomainNameArn,
        priority,
        conditions,
        actions: [{ invokeApi: { apiId: target.apiId, stage: target.stage, stripBasePath: false } }],
      }),
    );
  }

  /**
   * On a platform without a monolith (`fallback: 'placeholder'` in the manifest), unmatched routes
   * reach this placeholder: a MOCK API that answers 404 problem+json.
   */
  private placeholder(): Target {
    const accessLogs = new logs.LogGroup(this, 'PlaceholderAccessLogs', {
      retention: stageConfig(this.stage).logRetention,
    });
    const api = new apigateway.RestApi(this, 'LegacyPlaceholder', {
      description: 'Answers routes no service owns yet, until the monolith is deployed.',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: this.stage,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const notFound = new apigateway.MockIntegration({
      requestTemplates: { 'application/json': '{"statusCode": 404}' },
      integrationResponses: [
        {
          statusCode: '404',
          responseTemplates: {
            'application/json': JSON.stringify({
              type: 'urn:slice:problem:not-found',
              title: 'Not Found',
              status: 404,
              detail: 'No service answers this route yet.',
            }),
          },
          responseParameters: { 'method.response.header.Content-Type': `'${problemContentType}'` },
        },
      ],
    });
    const methodResponses = [
      { statusCode: '404', responseParameters: { 'method.response.header.Content-Type': true } },
    ];
    api.root.addMethod('ANY', notFound, { methodResponses });
    api.root.addResource('{proxy+}').addMethod('ANY', notFound, { methodResponses });
    new wafv2.CfnWebACLAssociation(this, 'PlaceholderWaf', {
      resourceArn: api.deploymentStage.stageArn,
      webAclArn: this.webAclArn,
    });
    acknowledge(
      api,
      'AwsSolutions-APIG2',
      'The placeholder takes no input: every request gets the same 404.',
    );
    acknowledge(api, 'AwsSolutions-APIG4', 'The placeholder is public and answers 404 to everyone.');
    acknowledge(api, 'AwsSolutions-COG4', 'The placeholder is public and answers 404 to everyone.');
    return { apiId: api.restApiId, stage: api.deploymentStage.stageName };
  }
}
