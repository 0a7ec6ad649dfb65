import { functionArnOfUri } from './names';
import { defaultIntegrationTimeoutMs, type RestApiContext } from './rest-api';
import { type Resolver, UnresolvableError } from './resolve';
import type {
  WebSocketApiSpec,
  WebSocketAuthorizerSpec,
  WebSocketDomainSpec,
  WebSocketIntegrationSpec,
  WebSocketRouteSpec,
  WebSocketStageSpec,
} from '../model';
import { isRecord } from '../json';

/** A resource of an API, wherever its stack: matched to its API by the resolved `ApiId`. */
interface Part {
  readonly stackName: string;
  readonly logicalId: string;
  readonly apiId: string;
}

const integrationTypes = ['AWS_PROXY', 'AWS', 'HTTP', 'HTTP_PROXY', 'MOCK'] as const;
const authorizationTypes = ['NONE', 'CUSTOM', 'AWS_IAM'] as const;

const oneOf = <T extends string>(values: readonly T[], value: string | undefined, fallback: T): T =>
  values.find((candidate) => candidate === value) ?? fallback;

const stringRecord = (value: unknown): Record<string, string> =>
  isRecord(value)
    ? Object.fromEntries(
        Object.entries(value)
          .filter(([, item]) => ['string', 'number', 'boolean'].includes(typeof item))
          .map(([key, item]) => [key, String(item)]),
      )
    : {};

/** Every resource of `type` in the stacks, with the API id it names (`ApiId`). */
function partsOf(resolver: Resolver, stackNames: readonly string[], type: string): Part[] {
  return stackNames.flatMap((stackName) =>
    resolver.resources(stackName, type).map(([logicalId]) => ({
      stackName,
      logicalId,
      apiId: resolver.stringProperty(stackName, logicalId, 'ApiId') ?? '',
    })),
  );
}

function integrationOf(
  context: RestApiContext,
  part: Part,
  responseKeys: string[],
): WebSocketIntegrationSpec {
  const { resolver } = context;
  const text = (name: string) => resolver.stringProperty(part.stackName, part.logicalId, name);
  const uri = text('IntegrationUri');
  const functionArn = uri === undefined ? undefined : functionArnOfUri(uri);
  const functionId = functionArn === undefined ? undefined : context.functionIdOf(functionArn);
  return {
    id: resolver.physicalId(part.stackName, part.logicalId),
    type: oneOf(integrationTypes, text('IntegrationType'), 'AWS_PROXY'),
    ...(uri === undefined ? {} : { uri }),
    ...(functionArn === undefined ? {} : { functionArn }),
    ...(functionId === undefined ? {} : { functionId }),
    timeoutMs:
      resolver.numberProperty(part.stackName, part.logicalId, 'TimeoutInMillis') ??
      defaultIntegrationTimeoutMs,
    responseKeys,
  };
}

function authorizerOf(context: RestApiContext, part: Part): WebSocketAuthorizerSpec {
  const { resolver } = context;
  const type = resolver.stringProperty(part.stackName, part.logicalId, 'AuthorizerType');
  if (type !== 'REQUEST') {
    throw new UnresolvableError({
      stackName: part.stackName,
      path: `${part.logicalId}.Properties.AuthorizerType`,
      reason: `a WebSocket API takes REQUEST Lambda authorizers only, not ${type ?? 'none'}`,
    });
  }
  const uri = resolver.stringProperty(part.stackName, part.logicalId, 'AuthorizerUri');
  const functionArn = uri === undefined ? undefined : functionArnOfUri(uri);
  const functionId = functionArn === undefined ? undefined : context.functionIdOf(functionArn);
  const sources = resolver.property(part.stackName, part.logicalId, 'IdentitySource');
  return {
    id: resolver.physicalId(part.stackName, part.logicalId),
    name: resolver.stringProperty(part.stackName, part.logicalId, 'Name') ?? part.logicalId,
    identitySources: (Array.isArray(sources) ? sources : []).map(String),
    ...(functionArn === undefined ? {} : { functionArn }),
    ...(functionId === undefined ? {} : { functionId }),
  };
}

interface ApiParts {
  readonly routes: Part[];
  readonly integrations: Part[];
  readonly integrationResponses: Part[];
  readonly routeResponses: Part[];
  readonly authorizers: Part[];
  readonly stages: Part[];
  readonly mappings: Part[];
}

function routesOf(context: RestApiContext, parts: ApiParts, api: { id: string; name: string }) {
  const { resolver } = context;
  const of = (list: readonly Part[]) => list.filter((part) => part.apiId === api.id);
  const responseKeys = new Map<string, string[]>();
  for (const part of of(parts.integrationResponses)) {
    const id = resolver.stringProperty(part.stackName, part.logicalId, 'IntegrationId') ?? '';
    const key = resolver.stringProperty(part.stackName, part.logicalId, 'IntegrationResponseKey') ?? '';
    responseKeys.set(id, [...(responseKeys.get(id) ?? []), key]);
  }
  const integrations = new Map(
    of(parts.integrations).map((part) => {
      const id = resolver.physicalId(part.stackName, part.logicalId);
      return [id, integrationOf(context, part, responseKeys.get(id) ?? [])] as const;
    }),
  );
  const twoWay = new Set(
    of(parts.routeResponses)
      .filter(
        (part) => resolver.stringProperty(part.stackName, part.logicalId, 'RouteResponseKey') === '$default',
      )
      .map((part) => resolver.stringProperty(part.stackName, part.logicalId, 'RouteId') ?? ''),
  );
  return of(parts.routes).map((part): WebSocketRouteSpec => {
    const text = (name: string) => resolver.stringProperty(part.stackName, part.logicalId, name);
    const id = resolver.physicalId(part.stackName, part.logicalId);
    const target = text('Target');
    const integrationId = target?.startsWith('integrations/')
      ? target.slice('integrations/'.length)
      : undefined;
    const integration = integrationId === undefined ? undefined : integrations.get(integrationId);
    if (integrationId !== undefined && integration === undefined) {
      throw new UnresolvableError({
        stackName: part.stackName,
        path: `${part.logicalId}.Properties.Target`,
        reason: `no integration ${integrationId} in the WebSocket API ${api.name}`,
      });
    }
    const authorizerId = text('AuthorizerId');
    return {
      id,
      routeKey: text('RouteKey') ?? '',
      authorizationType: oneOf(authorizationTypes, text('AuthorizationType'), 'NONE'),
      ...(authorizerId === undefined ? {} : { authorizerId }),
      ...(integration === undefined ? {} : { integration }),
      twoWay: twoWay.has(id),
    };
  });
}

function stagesOf(resolver: Resolver, stages: readonly Part[]): WebSocketStageSpec[] {
  return stages.map((part) => ({
    name: resolver.stringProperty(part.stackName, part.logicalId, 'StageName') ?? '',
    variables: stringRecord(resolver.property(part.stackName, part.logicalId, 'StageVariables')),
  }));
}

/**
 * The custom domains mapped onto an API. A domain whose name cannot be resolved locally (an SSM
 * value only the deployed platform has) is a warning, not a failed start: the API is still served
 * at its `/_ws/` URL.
 */
function domainsOf(context: RestApiContext, mappings: readonly Part[]): WebSocketDomainSpec[] {
  const { resolver } = context;
  return mappings.flatMap((part) => {
    const text = (name: string) => resolver.stringProperty(part.stackName, part.logicalId, name);
    let domainName: string;
    try {
      domainName = (text('DomainName') ?? '').toLowerCase();
    } catch (error) {
      if (!(error instanceof UnresolvableError)) throw error;
      context.warn(
        `${part.stackName}/${part.logicalId}: the custom domain is not served locally (${error.message}).`,
      );
      return [];
    }
    return [
      {
        domainName,
        stage: text('Stage') ?? '',
        mappingKey: (text('ApiMappingKey') ?? '').replace(/^\/+|\/+$/g, ''),
      },
    ];
  });
}

/**
 * Builds the {@link WebSocketApiSpec} of every `AWS::ApiGatewayV2::Api` with `ProtocolType:
 * WEBSOCKET` in the stacks: its route selection expression, routes with their integration (the
 * Lambda function of an `AWS_PROXY` URI), authorizer and whether a `$default` route response makes
 * them two-way, its REQUEST authorizers, stages and the custom domain names mapped onto it. Parts
 * of an API may live in any loaded stack; they are matched by their resolved `ApiId`. HTTP APIs
 * are not served: each one is a warning.
 *
 * @example
 * ```ts
 * const apis = webSocketApisOf({ resolver, stackNames: ['SliceTracking-dev'], functionIdOf, warn: console.warn });
 * apis[0].routes.map((route) => route.routeKey); // ['$connect', '$disconnect', '$default', 'track']
 * ```
 */
export function webSocketApisOf(context: RestApiContext): WebSocketApiSpec[] {
  const { resolver, stackNames } = context;
  const parts: ApiParts = {
    routes: partsOf(resolver, stackNames, 'AWS::ApiGatewayV2::Route'),
    integrations: partsOf(resolver, stackNames, 'AWS::ApiGatewayV2::Integration'),
    integrationResponses: partsOf(resolver, stackNames, 'AWS::ApiGatewayV2::IntegrationResponse'),
    routeResponses: partsOf(resolver, stackNames, 'AWS::ApiGatewayV2::RouteResponse'),
    authorizers: partsOf(resolver, stackNames, 'AWS::ApiGatewayV2::Authorizer'),
    stages: partsOf(resolver, stackNames, 'AWS::ApiGatewayV2::Stage'),
    mappings: partsOf(resolver, stackNames, 'AWS::ApiGatewayV2::ApiMapping'),
  };
  return stackNames.flatMap((stackName) =>
    resolver.resources(stackName, 'AWS::ApiGatewayV2::Api').flatMap(([logicalId]): WebSocketApiSpec[] => {
      const name = resolver.stringProperty(stackName, logicalId, 'Name') ?? logicalId;
      const protocol = resolver.stringProperty(stackName, logicalId, 'ProtocolType');
      if (protocol !== 'WEBSOCKET') {
        context.warn(
          `${stackName}/${logicalId} (${name}) is an ${protocol ?? 'HTTP'} API, which the local cloud does not serve.`,
        );
        return [];
      }
      const id = resolver.physicalId(stackName, logicalId);
      const of = (list: readonly Part[]) => list.filter((part) => part.apiId === id);
      return [
        {
          id,
          stackName,
          logicalId,
          name,
          region: resolver.region(stackName),
          routeSelectionExpression:
            resolver.stringProperty(stackName, logicalId, 'RouteSelectionExpression') ??
            '$request.body.action',
          routes: routesOf(context, parts, { id, name }),
          authorizers: of(parts.authorizers).map((part) => authorizerOf(context, part)),
          stages: stagesOf(resolver, of(parts.stages)),
          domains: domainsOf(context, of(parts.mappings)),
        },
      ];
    }),
  );
}
