/**
 * What the resolver knows of each CloudFormation resource type, in one registry: the physical id
 * `Ref` gives (as CloudFormation names the resource when the template does not) and the
 * attributes `Fn::GetAtt` gives. A type the local cloud newly understands is one more entry here.
 */
import { type Arns, generatedName, stableId } from './names';

/** One resource, as a resource type's entries read it. */
export interface ResourceView {
  readonly stackName: string;
  readonly logicalId: string;
  /** Where in the template the value is asked for, for error messages. */
  readonly path: string;
  readonly arns: Arns;
  readonly region: string;
  readonly accountId: string;
  /** The resource's physical id (its `Ref`). */
  id(): string;
  /** A resolved property, `undefined` when absent. */
  property(name: string): unknown;
  /** A resolved property that must be a string when present. */
  stringProperty(name: string): string | undefined;
  /** Fails the resolution with `reason`, naming the stack and path. */
  fail(reason: string): never;
}

/** How `Ref` and `Fn::GetAtt` resolve for one resource type. */
export interface ResourceType {
  /** The physical id; absent: CloudFormation's generated name (`<stack>-<logicalId>-<suffix>`). */
  readonly physicalId?: (resource: ResourceView) => string;
  /** The `Fn::GetAtt` attributes by name. */
  readonly attributes?: Readonly<Record<string, (resource: ResourceView) => unknown>>;
}

/**
 * A UUID-shaped stable id.
 *
 * @example
 * ```ts
 * stableUuid('SliceOrders-dev/Mapping'); // the same 8-4-4-4-12 hex id on every load
 * ```
 */
export function stableUuid(seed: string): string {
  const hex = [...stableId(`uuid:${seed}`, 32)]
    .map((character) => (parseInt(character, 36) % 16).toString(16))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const seedOf = (resource: ResourceView) => `${resource.stackName}/${resource.logicalId}`;

/** The template's name in `property`, else CloudFormation's generated one. */
const named =
  (property: string, maxLength = 64) =>
  (resource: ResourceView): string =>
    resource.stringProperty(property) ?? generatedName(resource.stackName, resource.logicalId, maxLength);

/** The function ARN a function reference (name, ARN or partial ARN, maybe qualified) stands for. */
function functionArnOf(resource: ResourceView): string {
  const name = resource.stringProperty('FunctionName') ?? '';
  return name.startsWith('arn:') ? name : resource.arns.function(name);
}

function tableName(resource: ResourceView): string {
  return (
    resource.stringProperty('TableName') ??
    generatedName(resource.stackName, resource.logicalId, 255).toLowerCase()
  );
}

function streamArn(resource: ResourceView): string {
  if (resource.property('StreamSpecification') === undefined)
    resource.fail(`the table ${resource.logicalId} has no stream (no StreamSpecification)`);
  return resource.arns.stream(resource.id());
}

/** A queue's name: the template's, else generated (with `.fifo` for a FIFO queue). */
export function queueName(
  resource: Pick<ResourceView, 'stackName' | 'logicalId' | 'property' | 'stringProperty'>,
) {
  const explicit = resource.stringProperty('QueueName');
  if (explicit !== undefined) return explicit;
  const fifo = resource.property('FifoQueue') === true;
  const { stackName, logicalId } = resource;
  return fifo ? `${generatedName(stackName, logicalId, 75)}.fifo` : generatedName(stackName, logicalId, 80);
}

function topicName(resource: ResourceView): string {
  const explicit = resource.stringProperty('TopicName');
  if (explicit !== undefined) return explicit;
  const fifo = resource.property('FifoTopic') === true;
  const { stackName, logicalId } = resource;
  return fifo ? `${generatedName(stackName, logicalId, 251)}.fifo` : generatedName(stackName, logicalId, 256);
}

/**
 * A state machine's name: the template's, else CloudFormation's (`<logicalId>-<12 characters>`,
 * as in `StateMachine2E01A3A5-kjdflgA8Lphs`), at most 80 characters.
 */
function stateMachineName(resource: ResourceView): string {
  const explicit = resource.stringProperty('StateMachineName');
  if (explicit !== undefined) return explicit;
  return `${resource.logicalId.slice(0, 67)}-${stableId(seedOf(resource), 12)}`;
}

/** A secret's name: the template's, else CloudFormation's (the logical id and a random suffix). */
export function secretName(
  resource: Pick<ResourceView, 'stackName' | 'logicalId' | 'stringProperty'>,
): string {
  return (
    resource.stringProperty('Name') ??
    `${resource.logicalId.slice(0, 50)}-${stableId(`${resource.stackName}/${resource.logicalId}`, 12)}`
  );
}

const shortId = (length: number) => (resource: ResourceView) => stableId(seedOf(resource), length);
const id = (resource: ResourceView) => resource.id();

const table: ResourceType = {
  physicalId: tableName,
  attributes: { Arn: (r) => r.arns.table(r.id()), StreamArn: streamArn },
};

/**
 * The resource types the resolver knows, by CloudFormation type. A `Ref` to any other resource is
 * its generated name; an `Fn::GetAtt` of any other attribute fails the load, naming it.
 */
export const resourceTypes: ReadonlyMap<string, ResourceType> = new Map<string, ResourceType>([
  ['AWS::DynamoDB::Table', table],
  [
    'AWS::DynamoDB::GlobalTable',
    { ...table, attributes: { ...table.attributes, TableId: (r) => stableUuid(`${seedOf(r)}/table`) } },
  ],
  [
    'AWS::Lambda::Function',
    { physicalId: named('FunctionName'), attributes: { Arn: (r) => r.arns.function(r.id()) } },
  ],
  [
    'AWS::Lambda::Version',
    {
      physicalId: (r) => `${functionArnOf(r)}:1`,
      attributes: { Version: () => '1', FunctionArn: functionArnOf },
    },
  ],
  ['AWS::Lambda::Alias', { physicalId: (r) => `${functionArnOf(r)}:${named('Name')(r)}` }],
  ['AWS::Lambda::EventSourceMapping', { physicalId: (r) => stableUuid(seedOf(r)) }],
  [
    'AWS::IAM::Role',
    {
      physicalId: named('RoleName'),
      attributes: {
        Arn: (r) => r.arns.role(r.id(), r.stringProperty('Path')),
        RoleId: (r) => `AROA${stableId(seedOf(r), 17).toUpperCase()}`,
      },
    },
  ],
  [
    'AWS::IAM::ManagedPolicy',
    {
      physicalId: (r) => r.arns.policy(named('ManagedPolicyName', 128)(r), r.stringProperty('Path')),
      attributes: { PolicyArn: id },
    },
  ],
  [
    'AWS::ApiGateway::RestApi',
    {
      physicalId: shortId(10),
      attributes: { RootResourceId: (r) => stableId(`${seedOf(r)}/root`, 10), RestApiId: id },
    },
  ],
  ['AWS::ApiGateway::Stage', { physicalId: named('StageName') }],
  ['AWS::ApiGateway::Resource', { physicalId: shortId(6), attributes: { ResourceId: id } }],
  ['AWS::ApiGateway::Authorizer', { physicalId: shortId(6), attributes: { AuthorizerId: id } }],
  ['AWS::ApiGateway::Deployment', { physicalId: shortId(6), attributes: { DeploymentId: id } }],
  ['AWS::ApiGateway::RequestValidator', { physicalId: shortId(6) }],
  ['AWS::ApiGateway::Model', { physicalId: shortId(6) }],
  [
    'AWS::SQS::Queue',
    {
      physicalId: (r) => r.arns.queueUrl(queueName(r)),
      attributes: { Arn: (r) => r.arns.queue(queueName(r)), QueueName: queueName, QueueUrl: id },
    },
  ],
  [
    'AWS::SNS::Topic',
    { physicalId: (r) => r.arns.topic(topicName(r)), attributes: { TopicArn: id, TopicName: topicName } },
  ],
  [
    'AWS::SNS::Subscription',
    // SNS names a subscription `<topic ARN>:<uuid>`.
    { physicalId: (r) => `${r.stringProperty('TopicArn') ?? ''}:${stableUuid(seedOf(r))}` },
  ],
  [
    'AWS::Scheduler::ScheduleGroup',
    {
      physicalId: named('Name'),
      attributes: {
        Arn: (r) => `arn:aws:scheduler:${r.region}:${r.accountId}:schedule-group/${r.id()}`,
        CreationDate: () => '2026-01-01T00:00:00Z',
        LastModificationDate: () => '2026-01-01T00:00:00Z',
        State: () => 'ACTIVE',
      },
    },
  ],
  [
    'AWS::Scheduler::Schedule',
    {
      physicalId: named('Name'),
      attributes: {
        Arn: (r) =>
          `arn:aws:scheduler:${r.region}:${r.accountId}:schedule/${r.stringProperty('GroupName') ?? 'default'}/${r.id()}`,
      },
    },
  ],
  [
    'AWS::SecretsManager::Secret',
    { physicalId: (r) => r.arns.secret(secretName(r)), attributes: { Id: id } },
  ],
  [
    'AWS::SSM::Parameter',
    {
      physicalId: named('Name', 2048),
      attributes: { Type: (r) => r.stringProperty('Type') ?? 'String', Value: (r) => r.property('Value') },
    },
  ],
  [
    'AWS::Logs::LogGroup',
    { physicalId: named('LogGroupName', 512), attributes: { Arn: (r) => r.arns.logGroup(r.id()) } },
  ],
  [
    'AWS::Events::EventBus',
    { physicalId: named('Name'), attributes: { Arn: (r) => r.arns.eventBus(r.id()), Name: id } },
  ],
  ['AWS::Events::Rule', { physicalId: named('Name'), attributes: { Arn: (r) => r.arns.rule(r.id()) } }],
  [
    'AWS::StepFunctions::StateMachine',
    {
      physicalId: (r) => r.arns.stateMachine(stateMachineName(r)),
      attributes: {
        Arn: id,
        Name: stateMachineName,
        // The local cloud keeps one revision of each state machine (the deployed one).
        StateMachineRevisionId: id,
      },
    },
  ],
  [
    'AWS::StepFunctions::Activity',
    {
      physicalId: (r) => `arn:aws:states:${r.region}:${r.accountId}:activity:${named('Name', 80)(r)}`,
      attributes: { Arn: id, Name: named('Name', 80) },
    },
  ],
  [
    'AWS::KMS::Key',
    { physicalId: (r) => stableUuid(seedOf(r)), attributes: { Arn: (r) => r.arns.key(r.id()), KeyId: id } },
  ],
  [
    'AWS::Cognito::UserPool',
    {
      physicalId: (r) => `${r.region}_${stableId(seedOf(r), 9)}`,
      attributes: {
        Arn: (r) => r.arns.userPool(r.id()),
        UserPoolId: id,
        ProviderName: (r) => `cognito-idp.${r.region}.amazonaws.com/${r.id()}`,
        ProviderURL: (r) => `https://cognito-idp.${r.region}.amazonaws.com/${r.id()}`,
      },
    },
  ],
  ['AWS::Cognito::UserPoolClient', { physicalId: shortId(26), attributes: { ClientId: id } }],
  // The prefix of a Cognito domain, or the custom domain's name.
  ['AWS::Cognito::UserPoolDomain', { physicalId: named('Domain', 253) }],
  [
    'AWS::S3::Bucket',
    {
      physicalId: (r) => named('BucketName', 63)(r).toLowerCase(),
      attributes: {
        Arn: (r) => `arn:aws:s3:::${r.id()}`,
        DomainName: (r) => `${r.id()}.s3.amazonaws.com`,
        RegionalDomainName: (r) => `${r.id()}.s3.${r.region}.amazonaws.com`,
      },
    },
  ],
  [
    'AWS::CloudFront::Distribution',
    {
      physicalId: (r) => `E${stableId(seedOf(r), 13).toUpperCase()}`,
      attributes: { Id: id, DomainName: (r) => `d${stableId(`domain:${seedOf(r)}`, 13)}.cloudfront.net` },
    },
  ],
  [
    'AWS::CloudFront::ResponseHeadersPolicy',
    { physicalId: (r) => stableUuid(seedOf(r)), attributes: { Id: id } },
  ],
  [
    'AWS::CloudFront::OriginAccessControl',
    { physicalId: (r) => `E${stableId(seedOf(r), 13).toUpperCase()}`, attributes: { Id: id } },
  ],
  [
    'AWS::ApiGatewayV2::Api',
    {
      physicalId: shortId(10),
      attributes: {
        ApiId: id,
        // A WebSocket API's is `wss://`, an HTTP API's `https://`.
        ApiEndpoint: (r) =>
          `${r.stringProperty('ProtocolType') === 'WEBSOCKET' ? 'wss' : 'https'}://${r.id()}.execute-api.${r.region}.amazonaws.com`,
      },
    },
  ],
  ['AWS::ApiGatewayV2::Stage', { physicalId: named('StageName', 128) }],
  ['AWS::ApiGatewayV2::Route', { physicalId: shortId(7), attributes: { RouteId: id } }],
  ['AWS::ApiGatewayV2::RouteResponse', { physicalId: shortId(6), attributes: { RouteResponseId: id } }],
  ['AWS::ApiGatewayV2::Integration', { physicalId: shortId(7), attributes: { IntegrationId: id } }],
  [
    'AWS::ApiGatewayV2::IntegrationResponse',
    { physicalId: shortId(6), attributes: { IntegrationResponseId: id } },
  ],
  ['AWS::ApiGatewayV2::Authorizer', { physicalId: shortId(6), attributes: { AuthorizerId: id } }],
  ['AWS::ApiGatewayV2::Deployment', { physicalId: shortId(6), attributes: { DeploymentId: id } }],
  ['AWS::ApiGatewayV2::ApiMapping', { physicalId: shortId(6), attributes: { ApiMappingId: id } }],
  [
    'AWS::ApiGatewayV2::DomainName',
    {
      physicalId: named('DomainName', 512),
      attributes: {
        DomainNameArn: (r) => `arn:aws:apigateway:${r.region}::/domainnames/${r.id()}`,
        RegionalDomainName: (r) => `d-${stableId(seedOf(r), 10)}.execute-api.${r.region}.amazonaws.com`,
        RegionalHostedZoneId: () => 'Z2FDTNDATAQYW2',
      },
    },
  ],
  // Not emulated, but their identifiers flow into values that are (SSM parameters, rules).
  [
    'AWS::WAFv2::WebACL',
    {
      attributes: {
        Arn: (r) => `arn:aws:wafv2:${r.region}:${r.accountId}:regional/webacl/${r.logicalId}/${r.id()}`,
        Id: id,
      },
    },
  ],
  [
    'AWS::ApiGateway::DomainName',
    {
      attributes: {
        DomainNameArn: (r) => `arn:aws:apigateway:${r.region}::/domainnames/${r.id()}`,
        RegionalDomainName: (r) => `d-${stableId(seedOf(r), 10)}.execute-api.${r.region}.amazonaws.com`,
        RegionalHostedZoneId: () => 'Z2FDTNDATAQYW2',
        DistributionDomainName: (r) => `d${stableId(seedOf(r), 13)}.cloudfront.net`,
      },
    },
  ],
]);
