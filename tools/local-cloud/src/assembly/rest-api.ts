import { functionArnOfUri } from './names';
import { type Resolver, UnresolvableError } from './resolve';
import type {
  AuthorizerSpec,
  GatewayResponseSpec,
  IntegrationResponseSpec,
  IntegrationSpec,
  MethodSettingSpec,
  MethodSpec,
  RestApiSpec,
  RestResourceSpec,
  StageSpec,
} from '../model';
import { isRecord } from '../json';

/** API Gateway's integration timeout when a method sets none. */
export const defaultIntegrationTimeoutMs = 29_000;

const stringRecord = (value: unknown): Record<string, string> =>
  isRecord(value)
    ? Object.fromEntries(
        Object.entries(value)
          .filter(([, item]) => ['string', 'number', 'boolean'].includes(typeof item))
          .map(([key, item]) => [key, String(item)]),
      )
    : {};

const booleanRecord = (value: unknown): Record<string, boolean> =>
  isRecord(value)
    ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item === true || item === 'true']))
    : {};

const optionalNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
};

const decodePath = (path: string) => path.replace(/~1/g, '/').replace(/~0/g, '~');

/** What the REST API builder needs besides the resolver. */
export interface RestApiContext {
  readonly resolver: Resolver;
  readonly stackNames: readonly string[];
  /** The model's function for a function ARN (qualifiers ignored). */
  readonly functionIdOf: (functionArn: string) => string | undefined;
  readonly warn: (message: string) => void;
}

interface Part {
  readonly stackName: string;
  readonly logicalId: string;
}

/** What an `AWS::ApiGateway::RequestValidator` validates. */
interface RequestValidator {
  readonly body: boolean;
  readonly parameters: boolean;
}

/** One part of a REST API (a resource, method, stage…) and the API it belongs to. */
type ApiPart = Part & { readonly apiId: string };

/** Every part of every REST API in the stacks, by kind. */
interface ApiParts {
  readonly resources: readonly ApiPart[];
  readonly methods: readonly ApiPart[];
  readonly stages: readonly ApiPart[];
  readonly deployments: readonly ApiPart[];
  readonly authorizers: readonly ApiPart[];
  readonly responses: readonly ApiPart[];
  readonly validators: readonly ApiPart[];
}

function apiPartsOf({ resolver, stackNames }: RestApiContext): ApiParts {
  const partsOf = (type: string): ApiPart[] =>
    stackNames.flatMap((stackName) =>
      resolver.resources(stackName, type).map(([logicalId]) => ({
        stackName,
        logicalId,
        apiId: resolver.stringProperty(stackName, logicalId, 'RestApiId') ?? '',
      })),
    );
  return {
    resources: partsOf('AWS::ApiGateway::Resource'),
    methods: partsOf('AWS::ApiGateway::Method'),
    stages: partsOf('AWS::ApiGateway::Stage'),
    deployments: partsOf('AWS::ApiGateway::Deployment'),
    authorizers: partsOf('AWS::ApiGateway::Authorizer'),
    responses: partsOf('AWS::ApiGateway::GatewayResponse'),
    validators: partsOf('AWS::ApiGateway::RequestValidator'),
  };
}

/** An API's request validators by id: what each validates. */
function validatorsOf(resolver: Resolver, parts: readonly ApiPart[]): Map<string, RequestValidator> {
  return new Map(
    parts.map((part) => [
      resolver.physicalId(part.stackName, part.logicalId),
      {
        body: resolver.property(part.stackName, part.logicalId, 'ValidateRequestBody') === true,
        parameters: resolver.property(part.stackName, part.logicalId, 'ValidateRequestParameters') === true,
      },
    ]),
  );
}

/** The API's resource tree with full paths, each resource with its methods. */
function resourcesOf(
  context: RestApiContext,
  api: { readonly name: string; readonly rootResourceId: string },
  parts: { readonly resources: readonly ApiPart[]; readonly methods: readonly ApiPart[] },
  validators: ReadonlyMap<string, RequestValidator>,
): RestResourceSpec[] {
  const { resolver } = context;
  const paths = resourcePaths(resolver, api.rootResourceId, parts.resources);
  const methods = new Map<string, MethodSpec[]>([...paths.keys()].map((resourceId) => [resourceId, []]));
  for (const part of parts.methods) {
    const resourceId = resolver.stringProperty(part.stackName, part.logicalId, 'ResourceId') ?? '';
    const list = methods.get(resourceId);
    if (!list) {
      throw new UnresolvableError({
        stackName: part.stackName,
        path: `${part.logicalId}.Properties.ResourceId`,
        reason: `no resource ${resourceId} in the REST API ${api.name}`,
      });
    }
    list.push(methodOf(context, part, validators));
  }
  return [...paths].map(([resourceId, path]) => ({
    id: resourceId,
    path,
    methods: methods.get(resourceId) ?? [],
  }));
}

/** Says which of an API's methods use what the local gateway does not check (API keys) or refuses (`AWS_IAM`). */
function warnOfUnemulatedMethods(
  context: RestApiContext,
  name: string,
  resources: readonly RestResourceSpec[],
) {
  for (const resource of resources) {
    for (const method of resource.methods) {
      if (method.apiKeyRequired) {
        context.warn(
          `${name}: ${method.httpMethod} ${resource.path} requires an API key, which the local gateway does not check.`,
        );
      }
      if (method.authorizationType === 'AWS_IAM') {
        context.warn(
          `${name}: ${method.httpMethod} ${resource.path} uses AWS_IAM authorization, which the local gateway refuses (403).`,
        );
      }
    }
  }
}

function binaryMediaTypesOf(resolver: Resolver, stackName: string, logicalId: string): string[] {
  const types = resolver.property(stackName, logicalId, 'BinaryMediaTypes');
  return Array.isArray(types)
    ? types.filter((type): type is string => typeof type === 'string').map(decodePath)
    : [];
}

/** One `AWS::ApiGateway::RestApi` with the parts of any stack that name it. */
function restApiOf(
  context: RestApiContext,
  all: ApiParts,
  stackName: string,
  logicalId: string,
): RestApiSpec {
  const { resolver } = context;
  const id = resolver.physicalId(stackName, logicalId);
  const of = (parts: readonly ApiPart[]) => parts.filter((part) => part.apiId === id);
  const name = resolver.stringProperty(stackName, logicalId, 'Name') ?? logicalId;
  if (
    resolver.property(stackName, logicalId, 'Body') !== undefined ||
    resolver.property(stackName, logicalId, 'BodyS3Location') !== undefined
  ) {
    context.warn(
      `${stackName}/${logicalId} (${name}) is defined by an OpenAPI body, which the local cloud does not import: only its AWS::ApiGateway::* resources are served.`,
    );
  }
  const rootResourceId = resolver.attribute(
    stackName,
    logicalId,
    'RootResourceId',
    `${logicalId}.RootResourceId`,
  ) as string;
  const validators = validatorsOf(resolver, of(all.validators));
  const resources = resourcesOf(
    context,
    { name, rootResourceId },
    { resources: of(all.resources), methods: of(all.methods) },
    validators,
  );
  warnOfUnemulatedMethods(context, name, resources);
  return {
    id,
    stackName,
    logicalId,
    name,
    region: resolver.region(stackName),
    rootResourceId,
    stages: [
      ...of(all.stages).map((part) => stageOf(resolver, part)),
      ...of(all.deployments).flatMap((part) => deploymentStageOf(resolver, part)),
    ],
    resources,
    authorizers: of(all.authorizers).map((part) => authorizerOf(context, part)),
    gatewayResponses: of(all.responses).map((part) => gatewayResponseOf(resolver, part)),
    binaryMediaTypes: binaryMediaTypesOf(resolver, stackName, logicalId),
  };
}

/**
 * Builds the {@link RestApiSpec} of every `AWS::ApiGateway::RestApi` in the stacks: the resource
 * tree with full paths, methods with their authorization, request parameters and integration,
 * stages (with variables and throttling), authorizers and gateway responses. Parts of an API may
 * live in any loaded stack; they are matched by their resolved `RestApiId`.
 *
 * @example
 * ```ts
 * const apis = restApisOf({ resolver, stackNames: ['SliceOrders-dev'], functionIdOf, warn: console.warn });
 * apis[0].resources.map((resource) => resource.path); // ['/', '/orders', '/orders/{orderId}', …]
 * ```
 */
export function restApisOf(context: RestApiContext): RestApiSpec[] {
  const all = apiPartsOf(context);
  return context.stackNames.flatMap((stackName) =>
    context.resolver
      .resources(stackName, 'AWS::ApiGateway::RestApi')
      .map(([logicalId]) => restApiOf(context, all, stackName, logicalId)),
  );
}

function resourcePaths(
  resolver: Resolver,
  rootResourceId: string,
  parts: readonly Part[],
): Map<string, string> {
  const nodes = new Map(
    parts.map((part) => [
      resolver.physicalId(part.stackName, part.logicalId),
      {
        part,
        parentId: resolver.stringProperty(part.stackName, part.logicalId, 'ParentId') ?? '',
        pathPart: resolver.stringProperty(part.stackName, part.logicalId, 'PathPart') ?? '',
      },
    ]),
  );
  const paths = new Map<string, string>([[rootResourceId, '/']]);
  const pathOf = (resourceId: string, seen: Set<string>): string => {
    const known = paths.get(resourceId);
    if (known !== undefined) return known;
    const node = nodes.get(resourceId);
    if (!node || seen.has(resourceId)) {
      const where = node?.part ?? parts[0];
      throw new UnresolvableError({
        stackName: where?.stackName ?? '(unknown)',
        path: `${where?.logicalId ?? resourceId}.Properties.ParentId`,
        reason: `the parent resource ${node?.parentId ?? resourceId} is not part of the REST API`,
      });
    }
    seen.add(resourceId);
    const parent = pathOf(node.parentId, seen);
    const path = `${parent === '/' ? '' : parent}/${node.pathPart}`;
    paths.set(resourceId, path);
    return path;
  };
  for (const resourceId of nodes.keys()) pathOf(resourceId, new Set());
  return paths;
}

function methodOf(
  context: RestApiContext,
  part: Part,
  validators: ReadonlyMap<string, RequestValidator>,
): MethodSpec {
  const { resolver } = context;
  const { stackName, logicalId } = part;
  const property = (name: string) => resolver.property(stackName, logicalId, name);
  const authorizationType = (
    resolver.stringProperty(stackName, logicalId, 'AuthorizationType') ?? 'NONE'
  ).toUpperCase();
  if (!['NONE', 'COGNITO_USER_POOLS', 'CUSTOM', 'AWS_IAM'].includes(authorizationType)) {
    throw new UnresolvableError({
      stackName,
      path: `${logicalId}.Properties.AuthorizationType`,
      reason: `unknown authorization type ${authorizationType}`,
    });
  }
  const validatorId = resolver.stringProperty(stackName, logicalId, 'RequestValidatorId');
  const validator = validatorId === undefined ? undefined : validators.get(validatorId);
  const scopes = property('AuthorizationScopes');
  const authorizerId = resolver.stringProperty(stackName, logicalId, 'AuthorizerId');
  const operationName = resolver.stringProperty(stackName, logicalId, 'OperationName');
  return {
    httpMethod: (resolver.stringProperty(stackName, logicalId, 'HttpMethod') ?? 'ANY').toUpperCase(),
    authorizationType: authorizationType as MethodSpec['authorizationType'],
    ...(authorizerId === undefined ? {} : { authorizerId }),
    ...(Array.isArray(scopes) && scopes.length > 0
      ? { authorizationScopes: scopes.filter((scope): scope is string => typeof scope === 'string') }
      : {}),
    apiKeyRequired: property('ApiKeyRequired') === true,
    ...(operationName === undefined ? {} : { operationName }),
    requestParameters: booleanRecord(property('RequestParameters')),
    validateRequestParameters: validator?.parameters ?? false,
    validateRequestBody: validator?.body ?? false,
    integration: integrationOf(context, part, property('Integration')),
  };
}

function integrationOf(context: RestApiContext, part: Part, integration: unknown): IntegrationSpec {
  const where = { stackName: part.stackName, path: `${part.logicalId}.Properties.Integration` };
  if (!isRecord(integration))
    throw new UnresolvableError({ ...where, reason: 'the method has no integration' });
  const type = typeof integration['Type'] === 'string' ? integration['Type'].toUpperCase() : '';
  const timeoutMs = optionalNumber(integration['TimeoutInMillis']) ?? defaultIntegrationTimeoutMs;
  const uri = typeof integration['Uri'] === 'string' ? integration['Uri'] : undefined;
  switch (type) {
    case 'AWS_PROXY': {
      const functionArn = uri === undefined ? undefined : functionArnOfUri(uri);
      if (uri === undefined || functionArn === undefined) {
        throw new UnresolvableError({
          ...where,
          reason: `an AWS_PROXY integration needs a Lambda function URI, got ${uri ?? 'none'}`,
        });
      }
      const functionId = functionArn.includes('${stageVariables.')
        ? undefined
        : context.functionIdOf(functionArn);
      if (functionId === undefined && !functionArn.includes('${stageVariables.')) {
        context.warn(
          `${part.stackName}/${part.logicalId} invokes ${functionArn}, which no loaded stack defines: it answers 500.`,
        );
      }
      return {
        type: 'AWS_PROXY',
        uri,
        functionArn,
        ...(functionId === undefined ? {} : { functionId }),
        timeoutMs,
      };
    }
    case 'MOCK': {
      const responses = Array.isArray(integration['IntegrationResponses'])
        ? integration['IntegrationResponses']
        : [];
      return {
        type: 'MOCK',
        requestTemplates: stringRecord(integration['RequestTemplates']),
        responses: responses.filter(isRecord).map((response): IntegrationResponseSpec => {
          const selectionPattern =
            typeof response['SelectionPattern'] === 'string' ? response['SelectionPattern'] : undefined;
          return {
            statusCode:
              typeof response['StatusCode'] === 'number' || typeof response['StatusCode'] === 'string'
                ? String(response['StatusCode'])
                : '200',
            ...(selectionPattern === undefined ? {} : { selectionPattern }),
            responseParameters: stringRecord(response['ResponseParameters']),
            responseTemplates: stringRecord(response['ResponseTemplates']),
          };
        }),
        timeoutMs,
      };
    }
    case 'HTTP':
    case 'HTTP_PROXY':
    case 'AWS':
      context.warn(
        `${part.stackName}/${part.logicalId} has a ${type} integration, which the local gateway does not run: it answers 500.`,
      );
      return { type, ...(uri === undefined ? {} : { uri }), timeoutMs };
    default:
      throw new UnresolvableError({ ...where, reason: `unknown integration type ${type || '(none)'}` });
  }
}

function methodSettingsOf(value: unknown): MethodSettingSpec[] {
  return (Array.isArray(value) ? value : []).filter(isRecord).map((setting) => {
    const rate = optionalNumber(setting['ThrottlingRateLimit']);
    const burst = optionalNumber(setting['ThrottlingBurstLimit']);
    return {
      resourcePath: decodePath(typeof setting['ResourcePath'] === 'string' ? setting['ResourcePath'] : '/*'),
      httpMethod: typeof setting['HttpMethod'] === 'string' ? setting['HttpMethod'].toUpperCase() : '*',
      ...(rate === undefined ? {} : { throttlingRateLimit: rate }),
      ...(burst === undefined ? {} : { throttlingBurstLimit: burst }),
    };
  });
}

function stageOf(resolver: Resolver, { stackName, logicalId }: Part): StageSpec {
  return {
    name: resolver.physicalId(stackName, logicalId),
    variables: stringRecord(resolver.property(stackName, logicalId, 'Variables')),
    methodSettings: methodSettingsOf(resolver.property(stackName, logicalId, 'MethodSettings')),
  };
}

function deploymentStageOf(resolver: Resolver, { stackName, logicalId }: Part): StageSpec[] {
  const name = resolver.stringProperty(stackName, logicalId, 'StageName');
  if (name === undefined) return [];
  const description = resolver.property(stackName, logicalId, 'StageDescription');
  const stage = isRecord(description) ? description : {};
  const rate = optionalNumber(stage['ThrottlingRateLimit']);
  const burst = optionalNumber(stage['ThrottlingBurstLimit']);
  const stageWide: MethodSettingSpec[] =
    rate === undefined && burst === undefined
      ? []
      : [
          {
            resourcePath: '/*',
            httpMethod: '*',
            ...(rate === undefined ? {} : { throttlingRateLimit: rate }),
            ...(burst === undefined ? {} : { throttlingBurstLimit: burst }),
          },
        ];
  return [
    {
      name,
      variables: stringRecord(stage['Variables']),
      methodSettings: [...stageWide, ...methodSettingsOf(stage['MethodSettings'])],
    },
  ];
}

function authorizerOf(context: RestApiContext, part: Part): AuthorizerSpec {
  const { resolver } = context;
  const { stackName, logicalId } = part;
  const type = (resolver.stringProperty(stackName, logicalId, 'Type') ?? '').toUpperCase();
  if (type !== 'COGNITO_USER_POOLS' && type !== 'TOKEN' && type !== 'REQUEST') {
    throw new UnresolvableError({
      stackName,
      path: `${logicalId}.Properties.Type`,
      reason: `unknown authorizer type ${type || '(none)'}`,
    });
  }
  const providers = resolver.property(stackName, logicalId, 'ProviderARNs');
  const uri = resolver.stringProperty(stackName, logicalId, 'AuthorizerUri');
  const functionArn = uri === undefined ? undefined : functionArnOfUri(uri);
  const functionId = functionArn === undefined ? undefined : context.functionIdOf(functionArn);
  if (type !== 'COGNITO_USER_POOLS' && functionId === undefined) {
    context.warn(
      `${stackName}/${logicalId} calls ${functionArn ?? 'no function'}, which no loaded stack defines: its methods answer 500.`,
    );
  }
  const identitySource = resolver.stringProperty(stackName, logicalId, 'IdentitySource');
  const identityValidationExpression = resolver.stringProperty(
    stackName,
    logicalId,
    'IdentityValidationExpression',
  );
  return {
    id: resolver.physicalId(stackName, logicalId),
    name: resolver.stringProperty(stackName, logicalId, 'Name') ?? logicalId,
    type,
    providerArns: Array.isArray(providers)
      ? providers.filter((arn): arn is string => typeof arn === 'string')
      : [],
    ...(identitySource === undefined ? {} : { identitySource }),
    ...(identityValidationExpression === undefined ? {} : { identityValidationExpression }),
    resultTtlSeconds: resolver.numberProperty(stackName, logicalId, 'AuthorizerResultTtlInSeconds') ?? 300,
    ...(functionArn === undefined ? {} : { functionArn }),
    ...(functionId === undefined ? {} : { functionId }),
  };
}

function gatewayResponseOf(resolver: Resolver, { stackName, logicalId }: Part): GatewayResponseSpec {
  const statusCode = resolver.numberProperty(stackName, logicalId, 'StatusCode');
  return {
    responseType: resolver.stringProperty(stackName, logicalId, 'ResponseType') ?? 'DEFAULT_4XX',
    ...(statusCode === undefined ? {} : { statusCode }),
    responseParameters: stringRecord(resolver.property(stackName, logicalId, 'ResponseParameters')),
    responseTemplates: stringRecord(resolver.property(stackName, logicalId, 'ResponseTemplates')),
  };
}
