import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { isDevelopmentStage, serviceParameterName, ServiceStack } from './service-stack';

/** Props of {@link ServiceWebSocketApi}. */
export interface ServiceWebSocketApiProps {
  /** The function (or its `live` alias) of `$connect`. */
  readonly connect: lambda.IFunction;
  /** The function (or its `live` alias) of `$disconnect`. */
  readonly disconnect: lambda.IFunction;
}

/**
 * A WebSocket API with `$connect` and `$disconnect` on Lambda, its stage named after the Slice
 * stage with access logs and throttling, and its id and endpoint published to SSM
 * (`/slice/<stage>/<service>/websocket-api-id`, `websocket-url`) for the platform and for the
 * functions that push through `@connections`.
 *
 * @example
 * ```ts
 * const ws = new ServiceWebSocketApi(this, 'WebSocket', {
 *   connect: this.handlerFunction('connect', functions),
 *   disconnect: this.handlerFunction('disconnect', functions),
 * });
 * ws.stage.grantManagementApiAccess(notify);
 * ```
 */
export class ServiceWebSocketApi extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;

  constructor(scope: Construct, id: string, props: ServiceWebSocketApiProps) {
    super(scope, id);
    const stack = ServiceStack.find(this);
    const stageName = stack?.stage ?? 'dev';
    const service = stack?.service.name ?? 'service';
    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      description: `WebSocket API of ${service} (${stageName})`,
      connectRouteOptions: { integration: new WebSocketLambdaIntegration('Connect', props.connect) },
      disconnectRouteOptions: { integration: new WebSocketLambdaIntegration('Disconnect', props.disconnect) },
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: isDevelopmentStage(stageName) ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName,
      autoDeploy: true,
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    for (const route of this.api.node.findAll()) {
      if (!(route instanceof apigwv2.CfnRoute)) continue;
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        route.routeKey === '$connect'
          ? "A new service's $connect accepts any caller and the API pushes nothing yet; add a REQUEST authorizer (WebSocket APIs take no Cognito authorizer) before it carries anything personal."
          : 'API Gateway authorizes a WebSocket connection once, on $connect; later routes belong to an accepted connection.',
      );
    }
    new ssm.StringParameter(this, 'ApiIdParameter', {
      parameterName: serviceParameterName(stageName, service, 'websocket-api-id'),
      stringValue: this.api.apiId,
      description: `The WebSocket API id of ${service} on ${stageName}.`,
    });
    new ssm.StringParameter(this, 'UrlParameter', {
      parameterName: serviceParameterName(stageName, service, 'websocket-url'),
      stringValue: this.stage.url,
      description: `The WebSocket endpoint of ${service} on ${stageName}.`,
    });
  }
}
