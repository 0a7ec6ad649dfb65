import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import {
  acknowledge,
  addProblemResponses,
  corsAllowHeaders,
  CursorSigningKey,
  IdempotencyTable,
  liveAlias,
  SafeRollout,
  ServiceFunction,
  serviceParameterName,
  ServiceStack,
  ServiceTable,
  stageCorsOrigins,
} from '@slice/cdk';
import type { ServiceStackProps } from '@slice/cdk';
import { monolithContract } from '@slice/contracts-monolith';
import type { Construct } from 'constructs';

/** Props of {@link MonolithStack}: a stage and the usual stack props; the service comes from the contract. */
export type MonolithStackProps = Omit<ServiceStackProps, 'service'>;

const index = (name: string): dynamodb.GlobalSecondaryIndexPropsV2 => ({
  indexName: name,
  partitionKey: { name: `${name}PK`, type: dynamodb.AttributeType.STRING },
  sortKey: { name: `${name}SK`, type: dynamodb.AttributeType.STRING },
});

/**
 * The legacy monolith as it was: one table shared by every feature (`PK`/`SK`, `GSI1`, `GSI2`),
 * one function (the "lambdalith") with an internal router, and one REST API whose root and
 * `{proxy+}` resources send every method to it. The function verifies tokens itself: a proxy
 * resource has one authorizer setting, and the monolith's routes are public and signed-in mixed.
 * It publishes its API id (for the front door's catch-all) and its table name (for the data
 * move) to SSM.
 */
export class MonolithStack extends ServiceStack {
  readonly table: ServiceTable;
  readonly api: apigateway.RestApi;
  readonly serverErrorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MonolithStackProps) {
    super(scope, id, { ...props, service: monolithContract.service });
    this.table = new ServiceTable(this, 'Data', {
      stage: this.stage,
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [index('GSI1'), index('GSI2')],
    });
    const live = this.lambdalith();
    this.api = this.proxyApi(live);
    this.publishParameters();
    this.serverErrorAlarm = this.serverErrorAlarmOfApi();
    this.monitoring.addApi({ deploymentStage: this.api.deploymentStage, alarms: [this.serverErrorAlarm] });
    new SafeRollout(this, 'Rollout', { stage: this.stage, aliases: [live], alarms: [this.serverErrorAlarm] });
  }

  /**
   * The one function behind every route, with exactly the calls its repositories make (no deletes,
   * no batch writes, no scans), its idempotency table, the cursor key's ARN and the front door's
   * moved base paths; shipped through its `live` alias.
   */
  private lambdalith(): lambda.Alias {
    const { stage } = this;
    const idempotency = new IdempotencyTable(this, 'Idempotency', { stage });
    const cursorKey = new CursorSigningKey(this, 'CursorSigningKey', {
      purpose: 'the monolith API pagination cursors',
    });
    // Published by the front door from its manifest; read at run time, so a flip needs no redeploy here.
    const movedBasePathsParameter = serviceParameterName(stage, 'front-door', 'moved-base-paths');
    const fn = new ServiceFunction(this, 'Api', {
      entry: join(__dirname, '../src/handlers/api.ts'),
      stage,
      serviceName: 'monolith',
      // Every route in one function: more memory buys the CPU the larger bundle's cold start needs.
      memorySize: 1024,
      timeout: Duration.seconds(10),
      environment: {
        TABLE_NAME: this.table.tableName,
        TOKEN_ISSUER: this.platformValue('token-issuer'),
        TOKEN_AUDIENCE: this.platformValue('user-pool-client-id'),
        CORS_ALLOWED_ORIGINS: stageCorsOrigins(stage).join(','),
        MOVED_BASE_PATHS_PARAMETER: movedBasePathsParameter,
      },
    });
    // The secret's ARN, not its value: the key is read at cold start.
    cursorKey.grantRead(fn);
    const live = liveAlias(fn);
    this.table.grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
    idempotency.grantIdempotency(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          this.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: movedBasePathsParameter.slice(1),
          }),
        ],
      }),
    );
    return live;
  }

  /**
   * The REST API: `ANY /` and `ANY /{proxy+}` to the function, reached through the platform domain
   * only (its WAF), with access logs, tracing, stage throttling, CORS preflight and problem+json
   * gateway responses.
   */
  private proxyApi(live: lambda.Alias): apigateway.RestApi {
    const { stage } = this;
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: this.isDevelopment ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const api = new apigateway.RestApi(this, 'RestApi', {
      restApiName: `slice-monolith-${stage}`,
      // Reached through the platform domain only, where the WAF guards the routing header.
      disableExecuteApiEndpoint: true,
      description: `${monolithContract.service.title}: every legacy route behind one {proxy+} resource (${stage})`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: stage,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
      },
      defaultCorsPreflightOptions: {
        // The stage's storefront, as the services allow: parity compares the CORS headers too.
        allowOrigins: stageCorsOrigins(stage),
        allowHeaders: [...corsAllowHeaders],
        allowMethods: apigateway.Cors.ALL_METHODS,
        maxAge: Duration.hours(1),
      },
    });
    addProblemResponses(api, stageCorsOrigins(stage));
    const integration = new apigateway.LambdaIntegration(live);
    const root = api.root.addMethod('ANY', integration);
    const proxy = api.root.addResource('{proxy+}').addMethod('ANY', integration);
    for (const method of [root, proxy]) {
      const reason =
        'The monolith serves public and signed-in routes behind one proxy resource; its function verifies the user pool token of every signed-in route (issuer, audience, signature, expiry) before the route runs.';
      acknowledge(method.node.defaultChild as Construct, 'AwsSolutions-APIG4', reason);
      acknowledge(method.node.defaultChild as Construct, 'AwsSolutions-COG4', reason);
    }
    acknowledge(
      api.node.defaultChild as Construct,
      'AwsSolutions-APIG2',
      'A proxy resource has no per-route parameters to check; the function validates every request against its route contract and answers problem+json naming each invalid field.',
    );
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: api.deploymentStage.stageArn,
      webAclArn: this.webAclArn,
    });
    return api;
  }

  /** What the platform reads: the API id (the front door's catch-all), its stage, the table (the data moves). */
  private publishParameters(): void {
    const publish = (name: string, value: string, what: string) =>
      new ssm.StringParameter(this, `${name}Parameter`, {
        parameterName: this.parameterName(name),
        stringValue: value,
        description: `${what} of the monolith on ${this.stage}.`,
      });
    publish('api-id', this.api.restApiId, "The REST API id, for the front door's catch-all");
    publish('stage-name', this.api.deploymentStage.stageName, 'The API Gateway stage');
    publish('table-name', this.table.tableName, 'The single table, for the data move to the services');
  }

  /** The share of 5xx answers, which rolls the function's canary back. */
  private serverErrorAlarmOfApi(): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, 'ServerErrorAlarm', {
      alarmName: `slice-monolith-${this.stage}-api-5xx-rate`,
      alarmDescription: `Share of monolith API requests answered with a 5xx on ${this.stage}.`,
      metric: this.api.deploymentStage.metricServerError({
        statistic: 'Average',
        period: Duration.minutes(1),
      }),
      threshold: 0.05,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
  }
}
