/**
 * The model of the local cloud, its one home: what the assembly loader produces from the
 * synthesized templates (the stacks, functions, tables, queues, REST APIs, the front door's
 * routing rules, the values SSM and Secrets Manager answer with) and what the services, the
 * Lambda runtime and the gateway consume. Every value here is already resolved (no intrinsic
 * functions left).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** An IAM policy statement, as in a template, resolved. */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

/** A Lambda function from a template, ready to run. */
export interface FunctionSpec {
  /** `<stackName>/<logicalId>`, unique across the local cloud. */
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** The function name (the template's `FunctionName`, or `<stackName>-<logicalId>`). */
  readonly functionName: string;
  readonly arn: string;
  /** `index.handler`: file (without extension) and export. */
  readonly handler: string;
  /** Absolute path of the function's code: the asset folder of the cloud assembly. */
  readonly codeDir: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The function's environment variables from the template, resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
  readonly roleArn: string;
  /** Every statement of every policy attached to the function's role (inline, `AWS::IAM::Policy`, managed). */
  readonly policy: readonly PolicyStatement[];
}

/** A DynamoDB table from a template. */
export interface TableSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly tableName: string;
  readonly arn: string;
  readonly streamArn?: string;
  readonly createTableInput: CreateTableCommandInput;
  readonly timeToLiveAttribute?: string;
}

/** What an invocation gave back. */
export type InvokeResult =
  | {
      readonly ok: true;
      readonly payload: unknown;
      readonly durationMs: number;
      readonly coldStart: boolean;
      /** The invocation's request id (its START/END/REPORT lines'), when it ran. */
      readonly requestId?: string;
    }
  | {
      readonly ok: false;
      readonly requestId?: string;
      /** `Timeout`: killed at its timeout; `Crash`: the process died; `Error`: the handler threw; `Throttled`: reserved concurrency reached. */
      readonly errorType: 'Timeout' | 'Crash' | 'Error' | 'Throttled';
      readonly errorMessage: string;
      /** For `Error`: the thrown error's `name` (`TypeError`, `OrderNotFound`), Lambda's `errorType`. */
      readonly handlerErrorType?: string;
      readonly durationMs: number;
    };

/** Runs functions: one execution environment (child process) per concurrent invocation. */
export interface LambdaRuntime {
  /** Adds or replaces a function; replacing drains its environments and the next call cold-starts. */
  register(fn: FunctionSpec): void;
  /** `maxWaitMs`: how long it may wait for a slot of the account's concurrency (the caller's own timeout). */
  invoke(
    functionId: string,
    event: unknown,
    options?: { readonly maxWaitMs?: number },
  ): Promise<InvokeResult>;
  /** Stops every environment and child process. */
  stop(): Promise<void>;
}

/** A CloudFormation template, as the CDK synthesizes it. */
export interface Template {
  readonly Parameters?: Readonly<Record<string, TemplateParameter>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly Resources?: Readonly<Record<string, TemplateResource>>;
  readonly Outputs?: Readonly<Record<string, TemplateOutput>>;
}

/** A template parameter. */
export interface TemplateParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

/** A template resource, unresolved. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Condition?: string;
}

/** A template output. */
export interface TemplateOutput {
  readonly Value: unknown;
  readonly Export?: { readonly Name: unknown };
  readonly Condition?: string;
}

/** A stack of a cloud assembly. */
export interface StackSpec {
  /** The stack name (`SliceOrders-dev`). */
  readonly name: string;
  /** Absolute path of the synthesized template. */
  readonly templatePath: string;
  /** Absolute path of the cloud assembly folder the stack came from (where its assets are). */
  readonly assemblyDir: string;
  /** The region the stack runs in: its synthesized environment's, or the loader's default. */
  readonly region: string;
  readonly template: Template;
}

/** A stage of a REST API. */
export interface StageSpec {
  readonly name: string;
  /** Stage variables; empty when the stage has none. */
  readonly variables: Readonly<Record<string, string>>;
  /** Method settings, as in the template; `resourcePath` is decoded (`/orders/{orderId}`, or `/*`). */
  readonly methodSettings: readonly MethodSettingSpec[];
}

/** The throttling part of a stage's `MethodSettings` entry. */
export interface MethodSettingSpec {
  /** `/*` for every resource, else a resource path such as `/orders/{orderId}`. */
  readonly resourcePath: string;
  /** `*` for every method, else an HTTP method. */
  readonly httpMethod: string;
  /** Steady-state requests per second. */
  readonly throttlingRateLimit?: number;
  /** Bucket size: requests allowed at once. */
  readonly throttlingBurstLimit?: number;
}

/** One `IntegrationResponses` entry of a MOCK (or non-proxy) integration. */
export interface IntegrationResponseSpec {
  readonly statusCode: string;
  /** A regular expression the integration's status is matched against; none for the default response. */
  readonly selectionPattern?: string;
  /** `method.response.header.X` → `'static value'` or `method.request.header.Y`. */
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: Readonly<Record<string, string>>;
}

/** How a method reaches its backend. */
export type IntegrationSpec =
  | {
      readonly type: 'AWS_PROXY';
      readonly uri: string;
      /** The function ARN in the URI (may contain `${stageVariables.x}`). */
      readonly functionArn: string;
      /** The function of the model the ARN names, when it names one without stage variables. */
      readonly functionId?: string;
      readonly timeoutMs: number;
    }
  | {
      readonly type: 'MOCK';
      readonly requestTemplates: Readonly<Record<string, string>>;
      readonly responses: readonly IntegrationResponseSpec[];
      readonly timeoutMs: number;
    }
  | {
      /** Integration types the local gateway does not run; it answers 500 and logs why. */
      readonly type: 'HTTP' | 'HTTP_PROXY' | 'AWS';
      readonly uri?: string;
      readonly timeoutMs: number;
    };

/** A method of a REST API resource. */
export interface MethodSpec {
  /** `GET`, `POST`, … or `ANY`. */
  readonly httpMethod: string;
  readonly authorizationType: 'NONE' | 'COGNITO_USER_POOLS' | 'CUSTOM' | 'AWS_IAM';
  readonly authorizerId?: string;
  /** OAuth scopes a Cognito authorizer requires (an access token with one of them). */
  readonly authorizationScopes?: readonly string[];
  readonly apiKeyRequired: boolean;
  readonly operationName?: string;
  /** `method.request.header.X` / `.querystring.x` / `.path.x` → required. */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  /** The method's request validator checks required parameters. */
  readonly validateRequestParameters: boolean;
  /** The method's request validator checks the body against a model (not enforced locally). */
  readonly validateRequestBody: boolean;
  readonly integration: IntegrationSpec;
}

/** A resource of a REST API, with its full path. */
export interface RestResourceSpec {
  readonly id: string;
  /** `/`, `/orders`, `/orders/{orderId}`, `/{proxy+}`. */
  readonly path: string;
  readonly methods: readonly MethodSpec[];
}

/** An authorizer of a REST API. */
export interface AuthorizerSpec {
  readonly id: string;
  readonly name: string;
  readonly type: 'COGNITO_USER_POOLS' | 'TOKEN' | 'REQUEST';
  /** The user pools of a Cognito authorizer. */
  readonly providerArns: readonly string[];
  /** `method.request.header.Authorization`, or a comma-separated list for REQUEST authorizers. */
  readonly identitySource?: string;
  /** A regular expression a TOKEN authorizer's token must match before the function is called. */
  readonly identityValidationExpression?: string;
  /** How long a Lambda authorizer's policy is cached; 0 turns caching off. */
  readonly resultTtlSeconds: number;
  /** The authorizer function of a TOKEN or REQUEST authorizer. */
  readonly functionArn?: string;
  readonly functionId?: string;
}

/** A customized gateway response (`DEFAULT_4XX`, `UNAUTHORIZED`, `THROTTLED`, …). */
export interface GatewayResponseSpec {
  readonly responseType: string;
  readonly statusCode?: number;
  /** `gatewayresponse.header.X` → `'static value'` or `method.request.header.Y`. */
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: Readonly<Record<string, string>>;
}

/** A REST API (API Gateway v1) from a template. */
export interface RestApiSpec {
  /** The API id: a stable ten-character lower-case id derived from the stack and logical id. */
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  /** The region of the API's stack, for `execute-api` ARNs. */
  readonly region: string;
  readonly rootResourceId: string;
  readonly stages: readonly StageSpec[];
  readonly resources: readonly RestResourceSpec[];
  readonly authorizers: readonly AuthorizerSpec[];
  readonly gatewayResponses: readonly GatewayResponseSpec[];
  /** Content types whose bodies reach the function base64-encoded (`image/png`, `*\/*`). */
  readonly binaryMediaTypes: readonly string[];
}

/** A `MatchHeaders` condition of a routing rule. */
export interface HeaderCondition {
  readonly anyOf: readonly { readonly name: string; readonly glob: string }[];
}

/** A rule of the front door: which API and stage answer a request. */
export interface RoutingRuleSpec {
  /** Lowest first. */
  readonly priority: number;
  /** Base paths without slashes (`orders`, `orders/v2`); any of them matches. None: every path. */
  readonly basePaths?: readonly string[];
  /**
   * Header conditions: every condition must match, and a condition matches when any of its headers
   * does. Header names are case-insensitive; `glob` values are case-sensitive, with `*` wildcards.
   */
  readonly headers?: readonly HeaderCondition[];
  readonly apiId: string;
  readonly stage: string;
  /** Remove the matched base path before the API sees the path. */
  readonly stripBasePath: boolean;
  /** Where the rule came from: `<stack>/<logicalId>`, or `derived` when the loader made it up. */
  readonly source: string;
}

/** A Lambda event source mapping, with its properties resolved but otherwise as in the template. */
export interface EventSourceMappingSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** The function of the model it invokes, when it names one. */
  readonly functionId?: string;
  readonly eventSourceArn?: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** An SQS queue from a template. */
export interface QueueSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly queueName: string;
  readonly url: string;
  readonly arn: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** An EventBridge event bus (`AWS::Events::EventBus`). */
export interface EventBusSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
}

/** A target of an EventBridge rule. */
export interface EventRuleTargetSpec {
  /** The target's `Id` within its rule. */
  readonly id: string;
  /** A function (or alias) ARN, a queue ARN, or another service's ARN the local cloud does not run. */
  readonly arn: string;
  /** The function of the model a Lambda target names. */
  readonly functionId?: string;
  /** `Input`: a constant JSON text sent instead of the event. */
  readonly input?: string;
  /** `InputPath`: a JSONPath (`$.detail`) selecting the part of the event to send. */
  readonly inputPath?: string;
  /** `RetryPolicy.MaximumRetryAttempts` (EventBridge's default: 185). */
  readonly maximumRetryAttempts: number;
  /** `RetryPolicy.MaximumEventAgeInSeconds` (EventBridge's default: 86 400). */
  readonly maximumEventAgeSeconds: number;
  /** `DeadLetterConfig.Arn`: the SQS queue for events EventBridge could not deliver. */
  readonly deadLetterArn?: string;
}

/** An EventBridge rule (`AWS::Events::Rule`) with an event pattern. */
export interface EventRuleSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** The bus's name (`default` when the rule names none). */
  readonly eventBusName: string;
  readonly eventPattern?: Readonly<Record<string, unknown>>;
  /** `ScheduleExpression`: the rule runs on the local cloud's clock (in UTC) instead of matching events. */
  readonly scheduleExpression?: string;
  readonly enabled: boolean;
  readonly targets: readonly EventRuleTargetSpec[];
}

/**
 * How Lambda runs a function's asynchronous invocations (EventBridge targets): from its
 * `AWS::Lambda::EventInvokeConfig` and the function's `DeadLetterConfig`.
 */
export interface AsyncInvokeConfigSpec {
  readonly functionId: string;
  /** Retries after a function error: 0 to 2 (Lambda's default: 2). */
  readonly maximumRetryAttempts: number;
  /** Lambda's default: 21 600 (6 hours). */
  readonly maximumEventAgeSeconds: number;
  /** The on-failure destination (`DestinationConfig.OnFailure`): it receives Lambda's invocation record. */
  readonly onFailureArn?: string;
  /** The function's `DeadLetterConfig.TargetArn`: it receives the event itself. */
  readonly deadLetterArn?: string;
}

/** A resource-based permission on a function (`AWS::Lambda::Permission`). */
export interface LambdaPermissionSpec {
  readonly stackName: string;
  readonly logicalId: string;
  readonly functionId?: string;
  readonly action: string;
  readonly principal: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
}

/** How a WebSocket route reaches its backend (`AWS::ApiGatewayV2::Integration`). */
export interface WebSocketIntegrationSpec {
  readonly id: string;
  /** Only `AWS_PROXY` to a Lambda function runs locally; the others answer the client an error. */
  readonly type: 'AWS_PROXY' | 'AWS' | 'HTTP' | 'HTTP_PROXY' | 'MOCK';
  readonly uri?: string;
  /** The function ARN in the URI. */
  readonly functionArn?: string;
  /** The function of the model the ARN names. */
  readonly functionId?: string;
  /** `TimeoutInMillis`: 50 ms to 29 s, 29 s when the template sets none. */
  readonly timeoutMs: number;
  /** The `IntegrationResponseKey`s of its `AWS::ApiGatewayV2::IntegrationResponse`s (not applied to proxy integrations). */
  readonly responseKeys: readonly string[];
}

/** A route of a WebSocket API (`AWS::ApiGatewayV2::Route`). */
export interface WebSocketRouteSpec {
  readonly id: string;
  /** `$connect`, `$disconnect`, `$default` or a custom key (`track`). */
  readonly routeKey: string;
  readonly authorizationType: 'NONE' | 'CUSTOM' | 'AWS_IAM';
  readonly authorizerId?: string;
  /** The integration its `Target` (`integrations/<id>`) names; none: the route has no backend. */
  readonly integration?: WebSocketIntegrationSpec;
  /**
   * Two-way: the route has a `$default` `AWS::ApiGatewayV2::RouteResponse`, so the integration's
   * answer (a proxy answer's `body`) is sent back to the client; one-way routes send nothing back.
   */
  readonly twoWay: boolean;
}

/** A REQUEST Lambda authorizer of a WebSocket API (`AWS::ApiGatewayV2::Authorizer`). */
export interface WebSocketAuthorizerSpec {
  readonly id: string;
  readonly name: string;
  /** `route.request.header.X`, `route.request.querystring.x`, `stageVariables.x`, `context.x`. */
  readonly identitySources: readonly string[];
  readonly functionArn?: string;
  readonly functionId?: string;
}

/** A stage of a WebSocket API (`AWS::ApiGatewayV2::Stage`). */
export interface WebSocketStageSpec {
  readonly name: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** A custom domain name mapped onto a WebSocket API (`AWS::ApiGatewayV2::DomainName` and `ApiMapping`). */
export interface WebSocketDomainSpec {
  /** `ws.slice.example`. */
  readonly domainName: string;
  readonly stage: string;
  /** The mapping's path (`ApiMappingKey`); empty for the domain's root. */
  readonly mappingKey: string;
}

/** A WebSocket API (API Gateway v2, `ProtocolType: WEBSOCKET`) from a template. */
export interface WebSocketApiSpec {
  /** The API id: ten lower-case characters, stable across loads. */
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  /** The region of the API's stack, for `execute-api` ARNs and its domain name. */
  readonly region: string;
  /** `$request.body.action`. */
  readonly routeSelectionExpression: string;
  readonly routes: readonly WebSocketRouteSpec[];
  readonly authorizers: readonly WebSocketAuthorizerSpec[];
  readonly stages: readonly WebSocketStageSpec[];
  readonly domains: readonly WebSocketDomainSpec[];
}

/**
 * A Step Functions state machine (`AWS::StepFunctions::StateMachine`), its definition resolved
 * (`Fn::Join`/`Fn::Sub` of `DefinitionString` already applied) and checked at load.
 */
export interface StateMachineSpec {
  /** `<stackName>/<logicalId>`. */
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** `StateMachineName`, or the name CloudFormation generates. */
  readonly name: string;
  readonly arn: string;
  /** The definition's JSON text, `${...}` placeholders of `definitionSubstitutions` still in it. */
  readonly definition: string;
  readonly definitionSubstitutions: Readonly<Record<string, string>>;
  readonly roleArn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Every statement of every policy attached to the state machine's role: what its tasks may call. */
  readonly policy: readonly PolicyStatement[];
}

/** Everything the local cloud runs, from the loaded cloud assemblies. */
export interface LocalModel {
  readonly accountId: string;
  /** The default region: the loader's `region` option, else the stacks'. */
  readonly region: string;
  readonly stacks: readonly StackSpec[];
  readonly functions: readonly FunctionSpec[];
  readonly tables: readonly TableSpec[];
  readonly queues: readonly QueueSpec[];
  readonly restApis: readonly RestApiSpec[];
  /** Every SSM parameter: the given ones and every `AWS::SSM::Parameter` of the templates. */
  readonly parameters: ReadonlyMap<string, string>;
  /** Secret ARN → secret string, for every `AWS::SecretsManager::Secret`. */
  readonly secrets: ReadonlyMap<string, string>;
  /** From `AWS::ApiGatewayV2::RoutingRule` (then base path mappings); empty when no stack has any. */
  readonly routingRules: readonly RoutingRuleSpec[];
  readonly eventSourceMappings: readonly EventSourceMappingSpec[];
  readonly permissions: readonly LambdaPermissionSpec[];
  /** From `AWS::Events::EventBus`; the `default` bus is not listed. @default none */
  readonly eventBuses?: readonly EventBusSpec[];
  /** From `AWS::Events::Rule`. @default none */
  readonly eventRules?: readonly EventRuleSpec[];
  /** One per function that has an `EventInvokeConfig` or a `DeadLetterConfig`. @default none */
  readonly asyncInvokeConfigs?: readonly AsyncInvokeConfigSpec[];
  /** From `AWS::ApiGatewayV2::Api` with `ProtocolType: WEBSOCKET` and its routes. @default none */
  readonly webSocketApis?: readonly WebSocketApiSpec[];
  /** From `AWS::StepFunctions::StateMachine`. @default none */
  readonly stateMachines?: readonly StateMachineSpec[];
  /** From `AWS::SNS::Topic`. @default none */
  readonly topics?: readonly TopicSpec[];
  /** From `AWS::SNS::Subscription`. @default none */
  readonly subscriptions?: readonly SubscriptionSpec[];
  /** The queues' and topics' resource policies (`AWS::SQS::QueuePolicy`, `AWS::SNS::TopicPolicy`). @default none */
  readonly resourcePolicies?: readonly ResourcePolicySpec[];
  /** From `AWS::Scheduler::Schedule`. @default none */
  readonly schedules?: readonly ScheduleSpec[];
  /** From `AWS::Scheduler::ScheduleGroup` (the `default` group is not listed). @default none */
  readonly scheduleGroups?: readonly ScheduleGroupSpec[];
  /** From `AWS::CloudFront::Distribution` with an S3 origin a `Custom::CDKBucketDeployment` fills. @default none */
  readonly staticSites?: readonly StaticSiteSpec[];
  /** From `AWS::Cognito::UserPoolClient` with OAuth flows, and the pools' `AWS::Cognito::UserPoolDomain`. @default none */
  readonly signIn?: SignInSpec;
  /** What the templates hold that the local cloud ignores or cannot run, one sentence each. */
  readonly warnings: readonly string[];
}

/** A `CustomErrorResponses` entry of a distribution. */
export interface ErrorResponseSpec {
  /** The origin's status this entry answers. */
  readonly errorCode: number;
  /** The status the viewer gets; absent: the origin's. */
  readonly responseCode?: number;
  /** The object answered instead (`/index.html`); absent: the origin's error body. */
  readonly responsePagePath?: string;
}

/** One source of a bucket deployment: a directory of the assembly and the markers to substitute in its files. */
export interface SiteSourceSpec {
  readonly dir: string;
  /** `<<marker:0xbaba:0>>` → its resolved value. */
  readonly markers: Readonly<Record<string, string>>;
  /** Marker values are JSON-escaped (`Source.jsonData`). */
  readonly jsonEscape: boolean;
}

/** A CloudFront distribution serving an S3 bucket that a bucket deployment fills, as the local cloud serves it. */
export interface StaticSiteSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** `d<id>.cloudfront.net`. */
  readonly domainName: string;
  /** The distribution's alternate domain names (`Aliases`). */
  readonly aliases: readonly string[];
  readonly defaultRootObject?: string;
  readonly errorResponses: readonly ErrorResponseSpec[];
  /** The methods the default behaviour allows (`GET`, `HEAD`, …). */
  readonly allowedMethods: readonly string[];
  /** The response headers policy's headers, by name, and whether each overrides the origin's. */
  readonly headers: Readonly<Record<string, { readonly value: string; readonly override: boolean }>>;
  /** The deployments' sources, in order: a later one's file wins. */
  readonly sources: readonly SiteSourceSpec[];
  /** The deployment's `DestinationBucketKeyPrefix`, '' for the bucket's root. */
  readonly keyPrefix: string;
}

/** An app client of a user pool that signs users in through the hosted UI (`AllowedOAuthFlows`). */
export interface OAuthClientSpec {
  readonly clientId: string;
  readonly flows: readonly string[];
  readonly scopes: readonly string[];
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /** The client has a secret (a confidential client). */
  readonly hasSecret: boolean;
}

/** The hosted UI of the templates' user pools: their Cognito domains and OAuth app clients. */
export interface SignInSpec {
  /** `https://<prefix>.auth.<region>.amazoncognito.com`, or a custom domain, per `AWS::Cognito::UserPoolDomain`. */
  readonly domains: readonly string[];
  readonly clients: readonly OAuthClientSpec[];
}

/** A standard SNS topic (`AWS::SNS::Topic`); FIFO topics are refused at load. */
export interface TopicSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
}

/** An SNS subscription (`AWS::SNS::Subscription`), its filter policy checked at load. */
export interface SubscriptionSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly arn: string;
  readonly topicArn: string;
  /** `sqs`, `lambda`, `email`, `email-json`, `sms`, `http`, `https`. */
  readonly protocol: string;
  readonly endpoint: string;
  readonly filterPolicy?: Readonly<Record<string, unknown>>;
  readonly filterPolicyScope: 'MessageAttributes' | 'MessageBody';
  readonly rawMessageDelivery: boolean;
  readonly deadLetterTargetArn?: string;
}

/** A resource-based policy statement: an identity statement with its `Principal`. */
export interface ResourceStatement extends PolicyStatement {
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
}

/** The policy of a queue (`AWS::SQS::QueuePolicy`) or topic (`AWS::SNS::TopicPolicy`), by the resource's ARN. */
export interface ResourcePolicySpec {
  readonly id: string;
  readonly kind: 'queue' | 'topic';
  /** The queue's or topic's ARN. */
  readonly resourceArn: string;
  readonly statements: readonly ResourceStatement[];
}

/** A schedule (`AWS::Scheduler::Schedule`), its properties resolved, with the policy of its target's role. */
export interface ScheduleSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly properties: Readonly<Record<string, unknown>>;
  /** Every statement of the policies attached to the target's `RoleArn` (none when it is not a role of the stacks). */
  readonly rolePolicy: readonly PolicyStatement[];
}

/** A schedule group (`AWS::Scheduler::ScheduleGroup`). */
export interface ScheduleGroupSpec {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
}
