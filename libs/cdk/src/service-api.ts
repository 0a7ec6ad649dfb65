import { toOpenApi, type Contract, type Route } from '@slice/contract';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { addProblemResponses } from './gateway-responses';
import { acknowledge } from './nag';
import { isDevelopmentStage, serviceParameterName, ServiceStack } from './service-stack';
import { stageCorsOrigins } from './stages';

/**
 * Stage-wide request limits of an API.
 *
 * @example
 * ```ts
 * const throttling: ThrottlingOptions = { rateLimit: 50, burstLimit: 100 };
 * ```
 */
export interface ThrottlingOptions {
  /** Steady requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst above the steady rate. */
  readonly burstLimit: number;
}

/**
 * When the alarms of a {@link ServiceApi} go off. Each alarms on 3 of the last 5 one-minute periods.
 *
 * @example
 * ```ts
 * const alarmThresholds: ServiceApiAlarmOptions = { serverErrorRate: 0.01, p99Latency: Duration.millis(800) };
 * ```
 */
export interface ServiceApiAlarmOptions {
  /**
   * The share of requests answered with a 5xx, from 0 to 1.
   *
   * @default 0.05
   */
  readonly serverErrorRate?: number;

  /**
   * The p99 latency.
   *
   * @default Duration.seconds(3)
   */
  readonly p99Latency?: Duration;

  /**
   * Requests answered 429 (stage or method limits, or a handler's TooManyRequestsError) per minute.
   *
   * @default 10
   */
  readonly throttledRequestsPerMinute?: number;
}

/**
 * The headers every Slice API lets browsers send (CORS preflight), besides any header a route's
 * contract declares.
 *
 * @example
 * ```ts
 * corsAllowHeaders.includes('Idempotency-Key'); // true
 * ```
 */
export const corsAllowHeaders: readonly string[] = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'X-Correlation-Id',
];

/**
 * Properties of a {@link ServiceApi}. `handlers` is typed from the contract: a missing or unknown
 * operation id is a compile error (and, for untyped callers, a synth-time error).
 *
 * @example
 * ```ts
 * const props: ServiceApiProps<typeof ordersContract.routes> = {
 *   contract: ordersContract,
 *   stage: 'prod',
 *   handlers: { placeOrder, getOrder, listOrders, cancelOrder },
 *   userPool: stack.userPool,
 * };
 * ```
 */
export interface ServiceApiProps<R extends Record<string, Route> = Record<string, Route>> {
  /** The service contract: its routes become the API's resources and methods. */
  readonly contract: Contract<R>;

  /** The stage, which is also the API Gateway stage name. */
  readonly stage: string;

  /** The function serving each route, by operation id. Every route needs one; every handler needs a route. */
  readonly handlers: Readonly<Record<keyof R & string, lambda.IFunction>>;

  /**
   * The user pool whose tokens `user` and `staff` routes accept (Cognito authorizer).
   *
   * @default - none; required when any route is not public
   */
  readonly userPool?: cognito.IUserPool;

  /**
   * Stage-wide request limits; above them callers get 429 with `Retry-After`.
   *
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttling?: ThrottlingOptions;

  /**
   * The origins browsers may call the API from; `*` for any. Also given to each handler as
   * `CORS_ALLOWED_ORIGINS`, so the middleware answers CORS the same way.
   *
   * @default the stage's storefront origin (`stageCorsOrigins(stage)`); `['*']` for a stage without a stage file
   */
  readonly corsOrigins?: string[];

  /**
   * The regional WAF web ACL to attach to the stage.
   *
   * @default - no web ACL (cdk-nag AwsSolutions-APIG3 then needs an acknowledgment)
   */
  readonly webAclArn?: string;

  /**
   * Execution logging of the stage. Needs the account's API Gateway CloudWatch role, which the
   * platform stack sets up once per account and region.
   *
   * @default apigateway.MethodLoggingLevel.ERROR
   */
  readonly loggingLevel?: apigateway.MethodLoggingLevel;

  /**
   * How long access logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;

  /**
   * Thresholds of the API alarms.
   *
   * @default - see ServiceApiAlarmOptions
   */
  readonly alarmThresholds?: ServiceApiAlarmOptions;
}

/**
 * The regional REST API of a service, built from its contract: one resource tree from the route
 * paths, one Lambda proxy method per route, the Cognito authorizer on `user` and `staff` routes,
 * required path, query and header parameters checked by the gateway, CORS preflight, and
 * problem+json bodies for every answer the gateway gives itself. The stage is named after the
 * stage, logs JSON access logs, traces with X-Ray, throttles, and alarms on 5xx rate, p99
 * latency and throttled requests. Its default `execute-api` endpoint is disabled: requests come
 * through the platform domain only. The API id and stage name are published to SSM
 * (`/slice/<stage>/<service>/api-id`, `.../stage-name`) for the platform's routing rules.
 *
 * Request bodies are validated by the handler's middleware against the same contract, not by
 * the gateway: the middleware answers with a problem+json that names each invalid field.
 *
 * @example
 * ```ts
 * const api = new ServiceApi(this, 'Api', {
 *   contract: ordersContract,
 *   stage: this.stage,
 *   handlers: { placeOrder, getOrder, listOrders, cancelOrder },
 *   userPool: this.userPool,
 *   webAclArn: this.webAclArn,
 * });
 * ```
 */
export class ServiceApi<R extends Record<string, Route> = Record<string, Route>> extends Construct {
  /** The REST API. */
  readonly api: apigateway.RestApi;

  /** The stage the API is deployed to. */
  readonly deploymentStage: apigateway.Stage;

  /** The method serving each route, by operation id. */
  readonly methods: Readonly<Record<keyof R & string, apigateway.Method>>;

  /** The JSON access logs of the stage. */
  readonly accessLogGroup: logs.LogGroup;

  /** Goes off when the share of 5xx answers is above the threshold. */
  readonly serverErrorAlarm: cloudwatch.Alarm;

  /** Goes off when the p99 latency is above the threshold. */
  readonly latencyAlarm: cloudwatch.Alarm;

  /** Goes off when too many requests are answered 429. */
  readonly throttlingAlarm: cloudwatch.Alarm;

  /** Every alarm of the API, for a deployment group to roll back on. */
  readonly alarms: cloudwatch.IAlarm[];

  /**
   * The URL of the stage (`https://<id>.execute-api.<region>.amazonaws.com/<stage>/`). It does not
   * answer: the default endpoint is disabled, and callers use the platform domain.
   */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ServiceApiProps<R>) {
    super(scope, id);
    const { contract, stage } = props;
    const service = contract.service.name;
    const routes = Object.values(contract.routes);
    const { corsOrigins, throttling } = checkedProps(id, routes, props);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: isDevelopmentStage(stage) ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const parameters = parametersByOperation(contract);
    this.api = restApi(this, {
      contract,
      stage,
      corsOrigins,
      throttling,
      parameters,
      accessLogGroup: this.accessLogGroup,
      loggingLevel: props.loggingLevel ?? apigateway.MethodLoggingLevel.ERROR,
    });
    this.deploymentStage = this.api.deploymentStage;
    this.url = this.api.url;
    this.methods = routeMethods<R>(this, this.api, {
      service,
      routes,
      handlers: props.handlers,
      parameters,
      corsOrigins,
      userPool: props.userPool,
    });

    if (props.webAclArn !== undefined) {
      // The stage ARN refers to the stage, so the association waits for it.
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    }
    publishApiParameters(this, stage, service, this.api);

    const alarms = apiAlarms(this, {
      service,
      stage,
      deploymentStage: this.deploymentStage,
      accessLogGroup: this.accessLogGroup,
      thresholds: props.alarmThresholds ?? {},
    });
    this.serverErrorAlarm = alarms.serverErrorAlarm;
    this.latencyAlarm = alarms.latencyAlarm;
    this.throttlingAlarm = alarms.throttlingAlarm;
    this.alarms = [this.serverErrorAlarm, this.latencyAlarm, this.throttlingAlarm];
    ServiceStack.find(this)?.monitoring.addApi(this);
  }
}

/**
 * The props checked before anything is built (every route has its handler, a user pool when a
 * route needs signed-in callers, valid origins and limits), with their defaults applied.
 */
function checkedProps(
  id: string,
  routes: readonly Route[],
  props: ServiceApiProps,
): { corsOrigins: string[]; throttling: ThrottlingOptions } {
  checkHandlers(id, routes, props.handlers);
  const needsAuthorizer = routes.filter((route) => route.auth !== 'public');
  if (needsAuthorizer.length > 0 && !props.userPool) {
    throw new Error(
      `ServiceApi ${id}: routes ${needsAuthorizer.map(describe).join(', ')} need signed-in callers; pass userPool.`,
    );
  }
  const corsOrigins = props.corsOrigins ?? stageCorsOrigins(props.stage);
  checkOrigins(id, corsOrigins);
  const throttling = props.throttling ?? { rateLimit: 100, burstLimit: 200 };
  checkThrottling(id, throttling);
  return { corsOrigins, throttling };
}

/** What {@link restApi} builds the REST API and its stage from. */
interface RestApiSettings {
  readonly contract: Contract;
  readonly stage: string;
  readonly corsOrigins: string[];
  readonly throttling: ThrottlingOptions;
  readonly parameters: Readonly<Record<string, Parameter[]>>;
  readonly accessLogGroup: logs.LogGroup;
  readonly loggingLevel: apigateway.MethodLoggingLevel;
}

/**
 * The REST API and its stage: regional, no `execute-api` endpoint, JSON access logs, tracing,
 * the stage limits, CORS preflight for the platform's and the routes' headers, and the
 * problem+json answers of the gateway.
 */
function restApi(scope: Construct, settings: RestApiSettings): apigateway.RestApi {
  const { contract, stage, corsOrigins, throttling } = settings;
  const service = contract.service.name;
  const headerNames = unique([
    ...corsAllowHeaders,
    ...Object.values(settings.parameters).flatMap((list) =>
      list.filter((p) => p.in === 'header').map((p) => p.name),
    ),
  ]);
  const api = new apigateway.RestApi(scope, 'Api', {
    restApiName: `slice-${service}-${stage}`,
    description: `${contract.service.title} ${contract.service.version} (${service}, ${stage})`,
    endpointTypes: [apigateway.EndpointType.REGIONAL],
    // The platform domain is the only way in: its routing rules, the WAF and the stage limits
    // apply to every request, and the header guard cannot be bypassed through execute-api.
    disableExecuteApiEndpoint: true,
    // The account-level CloudWatch role is the platform's: one per account and region, not
    // one per service stack (they would overwrite each other).
    cloudWatchRole: false,
    deploy: true,
    retainDeployments: false,
    deployOptions: {
      stageName: stage,
      description: `Stage ${stage} of ${service}`,
      accessLogDestination: new apigateway.LogGroupLogDestination(settings.accessLogGroup),
      accessLogFormat: apigateway.AccessLogFormat.custom(accessLogFormat(service)),
      tracingEnabled: true,
      metricsEnabled: true,
      loggingLevel: settings.loggingLevel,
      dataTraceEnabled: false,
      throttlingRateLimit: throttling.rateLimit,
      throttlingBurstLimit: throttling.burstLimit,
    },
    defaultCorsPreflightOptions: {
      allowOrigins: corsOrigins,
      allowHeaders: headerNames,
      allowMethods: apigateway.Cors.ALL_METHODS,
      maxAge: Duration.hours(1),
    },
  });
  acknowledge(
    api.node.defaultChild as Construct,
    'AwsSolutions-APIG2',
    'The gateway validates required parameters; bodies are validated by the handler middleware against the same contract, which answers problem+json naming each invalid field.',
  );
  addProblemResponses(api, corsOrigins);
  return api;
}

/** What {@link routeMethods} adds a method per route from. */
interface RouteMethodSettings<R extends Record<string, Route>> {
  readonly service: string;
  readonly routes: readonly Route[];
  readonly handlers: Readonly<Record<keyof R & string, lambda.IFunction>>;
  readonly parameters: Readonly<Record<string, Parameter[]>>;
  readonly corsOrigins: readonly string[];
  readonly userPool?: cognito.IUserPool;
}

/**
 * One Lambda proxy method per route, by operation id: the gateway checks its required
 * parameters, and the Cognito authorizer guards every route that is not public.
 */
function routeMethods<R extends Record<string, Route>>(
  scope: Construct,
  api: apigateway.RestApi,
  settings: RouteMethodSettings<R>,
): Record<keyof R & string, apigateway.Method> {
  const { service, routes, handlers, parameters, corsOrigins, userPool } = settings;
  const validator = api.addRequestValidator('ParameterValidator', {
    validateRequestParameters: true,
    validateRequestBody: false,
  });
  const authorizer =
    routes.some((route) => route.auth !== 'public') && userPool
      ? new apigateway.CognitoUserPoolsAuthorizer(scope, 'Authorizer', { cognitoUserPools: [userPool] })
      : undefined;
  const methods: Record<string, apigateway.Method> = {};
  for (const route of routes) {
    const handler = handlers[route.operationId as keyof R & string];
    // A `live` alias invokes its function: the setting goes on the function behind it.
    const target = handler instanceof lambda.Alias ? handler.version.lambda : handler;
    if (target instanceof lambda.Function)
      target.addEnvironment('CORS_ALLOWED_ORIGINS', corsOrigins.join(','));
    const integration = new apigateway.LambdaIntegration(handler);
    const method = api.root.resourceForPath(route.path).addMethod(route.method, integration, {
      operationName: route.operationId,
      requestParameters: requestParametersOf(parameters[route.operationId] ?? []),
      requestValidator: validator,
      ...(route.auth === 'public'
        ? { authorizationType: apigateway.AuthorizationType.NONE }
        : { authorizationType: apigateway.AuthorizationType.COGNITO, authorizer }),
    });
    if (route.auth === 'public') {
      const cfnMethod = method.node.defaultChild as Construct;
      const reason = `${route.operationId} is a public route of the ${service} contract; anyone may call it.`;
      acknowledge(cfnMethod, 'AwsSolutions-APIG4', reason);
      acknowledge(cfnMethod, 'AwsSolutions-COG4', reason);
    }
    methods[route.operationId] = method;
  }
  return methods;
}

/** The API id and stage name in SSM (`/slice/<stage>/<service>/api-id`, `.../stage-name`), for the platform's routing rules. */
function publishApiParameters(
  scope: Construct,
  stage: string,
  service: string,
  api: apigateway.RestApi,
): void {
  new ssm.StringParameter(scope, 'ApiIdParameter', {
    parameterName: serviceParameterName(stage, service, 'api-id'),
    stringValue: api.restApiId,
    description: `The REST API id of ${service} on ${stage}, for the platform's routing rules.`,
  });
  new ssm.StringParameter(scope, 'StageNameParameter', {
    parameterName: serviceParameterName(stage, service, 'stage-name'),
    stringValue: api.deploymentStage.stageName,
    description: `The API Gateway stage of ${service} on ${stage}.`,
  });
}

/** What {@link apiAlarms} watches. */
interface ApiAlarmSettings {
  readonly service: string;
  readonly stage: string;
  readonly deploymentStage: apigateway.Stage;
  readonly accessLogGroup: logs.LogGroup;
  readonly thresholds: ServiceApiAlarmOptions;
}

/** The alarms on the 5xx rate, the p99 latency and the throttled requests, each on 3 of 5 minutes. */
function apiAlarms(
  scope: Construct,
  { service, stage, deploymentStage, accessLogGroup, thresholds }: ApiAlarmSettings,
): Pick<ServiceApi, 'serverErrorAlarm' | 'latencyAlarm' | 'throttlingAlarm'> {
  const alarmName = (what: string) => `slice-${service}-${stage}-api-${what}`;
  const window = { evaluationPeriods: 5, datapointsToAlarm: 3 };
  const serverErrorAlarm = new cloudwatch.Alarm(scope, 'ServerErrorAlarm', {
    alarmName: alarmName('5xx-rate'),
    alarmDescription: `Share of ${service} API requests answered with a 5xx on ${stage}.`,
    metric: deploymentStage.metricServerError({ statistic: 'Average', period: Duration.minutes(1) }),
    threshold: thresholds.serverErrorRate ?? 0.05,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    ...window,
  });
  const latencyAlarm = new cloudwatch.Alarm(scope, 'LatencyAlarm', {
    alarmName: alarmName('p99-latency'),
    alarmDescription: `p99 latency of the ${service} API on ${stage}, in milliseconds.`,
    metric: deploymentStage.metricLatency({ statistic: 'p99', period: Duration.minutes(1) }),
    threshold: (thresholds.p99Latency ?? Duration.seconds(3)).toMilliseconds(),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    ...window,
  });
  // REST APIs publish no throttling metric (429s are folded into 4XXError with every client
  // error), so the access logs are counted instead.
  const throttled = accessLogGroup.addMetricFilter('ThrottledRequests', {
    filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
    metricNamespace: 'Slice',
    metricName: 'ThrottledRequests',
    metricValue: '1',
    dimensions: { Service: '$.service', Stage: '$.stage' },
  });
  const throttlingAlarm = new cloudwatch.Alarm(scope, 'ThrottlingAlarm', {
    alarmName: alarmName('throttled'),
    alarmDescription: `Requests to the ${service} API answered 429 on ${stage}, per minute.`,
    metric: throttled.metric({
      statistic: 'Sum',
      period: Duration.minutes(1),
      dimensionsMap: { Service: service, Stage: stage },
    }),
    threshold: thresholds.throttledRequestsPerMinute ?? 10,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    ...window,
  });
  return { serverErrorAlarm, latencyAlarm, throttlingAlarm };
}

/** A route as people read it: `placeOrder (POST /orders)`. */
function describe(route: Route): string {
  return `${route.operationId} (${route.method} ${route.path})`;
}

function checkHandlers(
  id: string,
  routes: readonly Route[],
  handlers: Readonly<Record<string, unknown>>,
): void {
  const operations = new Set(routes.map((route) => route.operationId));
  const missing = routes.filter((route) => handlers[route.operationId] === undefined).map(describe);
  const extra = Object.keys(handlers).filter((key) => !operations.has(key));
  const problems = [
    ...(missing.length ? [`no handler for ${missing.join(', ')}`] : []),
    ...(extra.length ? [`handlers for no route of the contract: ${extra.join(', ')}`] : []),
  ];
  if (problems.length) throw new Error(`ServiceApi ${id}: ${problems.join('; ')}.`);
}

function checkOrigins(id: string, origins: readonly string[]): void {
  if (origins.length === 0)
    throw new Error(`ServiceApi ${id}: corsOrigins needs at least one origin (or '*').`);
  const invalid = origins.filter((origin) => origin !== '*' && !/^https?:\/\/[^/\s,']+$/.test(origin));
  if (invalid.length) {
    throw new Error(
      `ServiceApi ${id}: CORS origins must be '*' or scheme://host[:port]; got ${invalid.join(', ')}.`,
    );
  }
}

function checkThrottling(id: string, { rateLimit, burstLimit }: ThrottlingOptions): void {
  if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit < 1) {
    throw new Error(`ServiceApi ${id}: throttling needs rateLimit > 0 and an integer burstLimit >= 1.`);
  }
}

/** A request parameter of a route, as its OpenAPI operation declares it. */
interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  /** Absent when false, as OpenAPI's default. */
  readonly required?: boolean;
}

/**
 * The parameters of every operation, from the contract's OpenAPI document: one derivation of
 * "required" (optional and defaulted fields are not) for the docs, the clients and the gateway.
 */
function parametersByOperation(contract: Contract): Record<string, Parameter[]> {
  const document = toOpenApi(contract);
  const byOperation: Record<string, Parameter[]> = {};
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      byOperation[String(operation.operationId)] = (operation.parameters ?? []) as Parameter[];
    }
  }
  return byOperation;
}

/**
 * The method request parameters of a route, `true` when required. Header names are
 * case-insensitive: a header the route's schema declares and the platform adds too (the
 * `Idempotency-Key`) is declared once, required if either says so.
 */
function requestParametersOf(parameters: readonly Parameter[]): Record<string, boolean> {
  const location = { path: 'path', query: 'querystring', header: 'header' } as const;
  const byKey = new Map<string, { name: string; required: boolean }>();
  for (const parameter of parameters) {
    const name = `method.request.${location[parameter.in]}.${parameter.name}`;
    const key = parameter.in === 'header' ? name.toLowerCase() : name;
    const seen = byKey.get(key);
    byKey.set(key, {
      name: seen?.name ?? name,
      required: (seen?.required ?? false) || parameter.required === true,
    });
  }
  return Object.fromEntries([...byKey.values()].map(({ name, required }) => [name, required]));
}

function unique(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The JSON access log line of a request. REST API access logs can only use `$context` values,
 * not request headers, so the `X-Correlation-Id` header cannot be logged here: the line carries
 * the request id (the handler sees it as `requestContext.requestId`) and the X-Ray trace id,
 * which join it to the function's logs and traces. Every value is quoted so a missing one (`-`)
 * still makes valid JSON.
 */
function accessLogFormat(service: string): string {
  const field = apigateway.AccessLogField;
  return JSON.stringify({
    service,
    requestId: field.contextRequestId(),
    extendedRequestId: field.contextExtendedRequestId(),
    apiId: field.contextApiId(),
    stage: field.contextStage(),
    ip: field.contextIdentitySourceIp(),
    userAgent: field.contextIdentityUserAgent(),
    requestTime: field.contextRequestTime(),
    requestTimeEpoch: field.contextRequestTimeEpoch(),
    method: field.contextHttpMethod(),
    resourcePath: field.contextResourcePath(),
    path: field.contextPath(),
    protocol: field.contextProtocol(),
    status: field.contextStatus(),
    responseLength: field.contextResponseLength(),
    latency: field.contextResponseLatency(),
    integrationLatency: field.contextIntegrationLatency(),
    integrationStatus: field.contextIntegrationStatus(),
    errorType: field.contextErrorResponseType(),
    authorizerError: field.contextAuthorizerError(),
    user: field.contextAuthorizerClaims('sub'),
    wafStatus: field.contextWafStatus(),
    xrayTraceId: field.contextXrayTraceId(),
  });
}
