import { join } from 'node:path';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigatewayv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  acknowledge,
  liveAlias,
  SafeRollout,
  ServiceFunction,
  ServiceStack,
  ServiceTable,
  type ServiceStackProps,
  type ThrottlingOptions,
} from '@slice/cdk';
import { trackedEvents, trackingContract } from '@slice/contracts-tracking';
import type { Construct } from 'constructs';

/** Props of {@link TrackingStack}: a stage and the usual stack props; the service comes from the contract. */
export interface TrackingStackProps extends Omit<ServiceStackProps, 'service'> {
  /**
   * The stage's limits on messages (and connection attempts) per second, for every route; above
   * them API Gateway answers 429 (or refuses the handshake). WAF cannot be attached to a
   * WebSocket API: these limits and the `$connect` authorizer are its protection.
   *
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttling?: ThrottlingOptions;
}

/** The service, as the stack vocabulary names it; a WebSocket service has no base path on `api.<domain>`. */
export const trackingService = { ...trackingContract.service, basePath: '/' } as const;

const handler = (name: string) => join(__dirname, '../src/handlers', `${name}.ts`);

/** Messages API Gateway sends a connection (`PostToConnection`) are at most 128 KB; ours are small. */
const routeTimeout = Duration.seconds(6);

/**
 * `SliceTracking-<stage>`: Tracking's WebSocket API (route selection on `$request.body.action`),
 * `$connect` behind a Lambda REQUEST authorizer that verifies the platform's user-pool token,
 * `track`, `$disconnect` and `$default`; its table (connections, watches, the orders' projection,
 * with TTL); and the EventBridge rule on the platform bus for the events it follows, whose
 * function pushes each new status through the `@connections` management API. The API id is
 * published to SSM for the front door, which maps it onto `ws.<domain>`.
 */
export class TrackingStack extends ServiceStack {
  readonly table: ServiceTable;
  readonly api: apigatewayv2.WebSocketApi;
  readonly stageOfApi: apigatewayv2.WebSocketStage;
  readonly followedEvents: events.Rule;
  readonly serverErrorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TrackingStackProps) {
    const { throttling, ...stackProps } = props;
    super(scope, id, { ...stackProps, service: trackingService });

    this.table = new ServiceTable(this, 'Table', { stage: this.stage, timeToLiveAttribute: 'expiresAt' });
    this.api = new apigatewayv2.WebSocketApi(this, 'Api', {
      apiName: `slice-tracking-${this.stage}`,
      description: `${trackingContract.service.title} ${trackingContract.service.version} (tracking, ${this.stage})`,
      routeSelectionExpression: '$request.body.action',
    });
    this.stageOfApi = this.webSocketStage(throttling ?? { rateLimit: 50, burstLimit: 100 });

    const environment = {
      TABLE_NAME: this.table.tableName,
      CONNECTIONS_URL: this.stageOfApi.callbackUrl,
      AWS_REQUEST_TIMEOUT_MS: '1500',
    };
    const fn = (constructId: string, name: string, timeout = routeTimeout) =>
      liveAlias(new ServiceFunction(this, constructId, { entry: handler(name), environment, timeout }));
    const connect = fn('Connect', 'connect');
    const disconnect = fn('Disconnect', 'disconnect');
    const track = fn('Track', 'track');
    const fallback = fn('DefaultRoute', 'default');
    const authorizer = this.authorizerFunction();
    this.table.grant(connect, 'dynamodb:PutItem');
    this.table.grant(disconnect, 'dynamodb:GetItem', 'dynamodb:DeleteItem');
    this.table.grant(
      track,
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
    );
    this.routes({ connect, disconnect, track, fallback, authorizer });

    const announce = this.announceFunction(environment);
    this.followedEvents = this.followEvents(announce);

    this.serverErrorAlarm = new cloudwatch.Alarm(this, 'ServerErrorAlarm', {
      alarmName: `slice-tracking-${this.stage}-api-execution-errors`,
      alarmDescription: `Tracking WebSocket messages that failed in API Gateway or an integration on ${this.stage}.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName: 'ExecutionError',
        dimensionsMap: { ApiId: this.api.apiId, Stage: this.stageOfApi.stageName },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 5,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new SafeRollout(this, 'Rollout', {
      stage: this.stage,
      aliases: [connect, disconnect, track, fallback, authorizer, announce],
      alarms: [this.serverErrorAlarm],
    });

    for (const [name, value, description] of [
      [
        'api-id',
        this.api.apiId,
        'The WebSocket API id of tracking, for the front door to map onto ws.<domain>.',
      ],
      ['stage-name', this.stageOfApi.stageName, 'The API Gateway stage of tracking.'],
    ] as const) {
      new ssm.StringParameter(this, `Parameter-${name}`, {
        parameterName: this.parameterName(name),
        stringValue: value,
        description,
      });
    }
  }

  /** The stage: throttled, access-logged as JSON, execution errors logged, detailed metrics. */
  private webSocketStage(throttling: ThrottlingOptions): apigatewayv2.WebSocketStage {
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: this.isDevelopment ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const stage = new apigatewayv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: this.stage,
      autoDeploy: true,
      description: `Stage ${this.stage} of tracking`,
      throttle: { rateLimit: throttling.rateLimit, burstLimit: throttling.burstLimit },
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigatewayv2.LogGroupLogDestination(accessLogs),
        format: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            status: '$context.status',
            error: '$context.error.message',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integration.error',
            principalId: '$context.authorizer.principalId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            service: 'tracking',
            stage: '$context.stage',
          }),
        ),
      },
    });
    const cfnStage = stage.node.defaultChild as apigatewayv2.CfnStage;
    // Execution logs go through the platform's account-level API Gateway logging role.
    cfnStage.addPropertyOverride('DefaultRouteSettings.LoggingLevel', 'ERROR');
    cfnStage.addPropertyOverride('DefaultRouteSettings.DataTraceEnabled', false);
    return stage;
  }

  /** The `$connect` authorizer: verifies the platform's user-pool tokens itself. */
  private authorizerFunction(): lambda.Alias {
    return liveAlias(
      new ServiceFunction(this, 'Authorizer', {
        entry: handler('authorize'),
        timeout: routeTimeout,
        environment: {
          TOKEN_ISSUER: this.platformValue('token-issuer'),
          TOKEN_AUDIENCE: this.platformValue('user-pool-client-id'),
        },
      }),
    );
  }

  private routes(fns: {
    readonly connect: lambda.Alias;
    readonly disconnect: lambda.Alias;
    readonly track: lambda.Alias;
    readonly fallback: lambda.Alias;
    readonly authorizer: lambda.Alias;
  }): void {
    const integration = (id: string, target: lambda.IFunction) => new WebSocketLambdaIntegration(id, target);
    // Either the `token` query parameter or `Sec-WebSocket-Protocol` carries the token, so no
    // identity source is required: API Gateway invokes the authorizer on every `$connect`, and
    // the authorizer refuses what carries no acceptable token.
    const authorizer = new WebSocketLambdaAuthorizer('TokenAuthorizer', fns.authorizer, {
      identitySource: [],
    });
    this.api.addRoute('$connect', {
      integration: integration('ConnectIntegration', fns.connect),
      authorizer,
    });
    this.api.addRoute('$disconnect', { integration: integration('DisconnectIntegration', fns.disconnect) });
    for (const action of Object.keys(trackingContract.accepts)) {
      this.api.addRoute(action, {
        integration: integration(`TrackIntegration`, fns.track),
        returnResponse: true,
      });
    }
    this.api.addRoute('$default', {
      integration: integration('DefaultIntegration', fns.fallback),
      returnResponse: true,
    });
    for (const route of this.api.node.findAll().filter((child) => child instanceof apigatewayv2.CfnRoute)) {
      const key = route.routeKey;
      if (key === '$connect') continue;
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        `A WebSocket API authorizes on $connect only; ${key} runs on a connection the $connect authorizer let in, with its caller.`,
      );
    }
  }

  /** The rule target: async invocation with retries, then the function's DLQ. */
  private announceFunction(environment: Record<string, string>): lambda.Alias {
    const deadLetters = this.deadLetterQueue('AnnounceDeadLetters', 'of the status push function');
    const fn = new ServiceFunction(this, 'AnnounceOrderStatus', {
      entry: handler('announce-order-status'),
      environment,
      timeout: Duration.seconds(30),
      deadLetterQueue: deadLetters,
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    });
    this.table.grant(fn, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query');
    this.stageOfApi.grantManagementApiAccess(fn);
    const apiLogicalId = this.resolve(
      (this.api.node.defaultChild as apigatewayv2.CfnApi).logicalId,
    ) as string;
    // cdk-nag names an unresolved pseudo parameter `<AWS::Region>`, a known one by its value.
    const known = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
    acknowledge(
      fn,
      `AwsSolutions-IAM5[Resource::arn:${known(this.partition, 'Partition')}:execute-api:${known(this.region, 'Region')}:<AWS::AccountId>:<${apiLogicalId}>/${this.stage}/*/@connections/*]`,
      'Connection ids are made by API Gateway at connect time; the grant is scoped to this API and stage and to @connections.',
    );
    return liveAlias(fn);
  }

  /** The rule for every event Tracking follows: the list in the contract, so adding one is one line there. */
  private followEvents(target: lambda.Alias): events.Rule {
    const sources = [...new Set(trackedEvents.map((tracked) => tracked.event.source))];
    const detailTypes = trackedEvents.map((tracked) => tracked.event.detailType);
    const deadLetters = this.deadLetterQueue('RuleDeadLetters', 'of the followed-events rule target');
    // By name: a rule needs no more of the bus (its ARN parameter would sit unused in the template).
    const bus = events.EventBus.fromEventBusName(this, 'PlatformBus', this.platformValue('event-bus-name'));
    return new events.Rule(this, 'FollowedEvents', {
      eventBus: bus,
      description: `The events Tracking follows: ${detailTypes.join(', ')}.`,
      eventPattern: { source: sources, detailType: detailTypes },
      targets: [
        new targets.LambdaFunction(target, {
          deadLetterQueue: deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
  }

  private deadLetterQueue(id: string, what: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(queue, 'AwsSolutions-SQS3', `This queue is the dead-letter queue ${what}.`);
    return queue;
  }
}
