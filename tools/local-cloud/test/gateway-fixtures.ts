/**
 * A hand-built local model and a fake Lambda runtime for the gateway tests: three APIs shaped like
 * Slice's (Orders with a Cognito authorizer, Menu public, a monolith with `/{proxy+}`), served on
 * an ephemeral port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AuthorizerSpec,
  GatewayResponseSpec,
  LambdaPermissionSpec,
  LocalModel,
  MethodSpec,
  RestApiSpec,
  RestResourceSpec,
  RoutingRuleSpec,
} from '../src/assembly/types';
import { createGateway, type Gateway, type GatewayOptions } from '../src/services/apigateway';
import type { FunctionSpec, InvokeResult, LambdaRuntime } from '../src/model';

export const accountId = '000000000000';
export const region = 'eu-west-1';

export type Handler = (event: Record<string, unknown>) => unknown;

/** A runtime that calls in-process handlers and records every invocation. */
export function fakeRuntime(handlers: Record<string, Handler>) {
  const calls: { functionId: string; event: Record<string, unknown> }[] = [];
  const runtime: LambdaRuntime = {
    register: () => undefined,
    invoke: async (functionId, event): Promise<InvokeResult> => {
      calls.push({ functionId, event: event as Record<string, unknown> });
      const handler = handlers[functionId];
      if (!handler)
        return { ok: false, errorType: 'Error', errorMessage: `no handler for ${functionId}`, durationMs: 0 };
      try {
        return {
          ok: true,
          payload: await handler(event as Record<string, unknown>),
          durationMs: 1,
          coldStart: false,
        };
      } catch (error) {
        const { errorType = 'Error', message } = error as Error & {
          errorType?: 'Timeout' | 'Crash' | 'Error' | 'Throttled';
        };
        return { ok: false, errorType, errorMessage: message, durationMs: 1 };
      }
    },
    stop: () => Promise.resolve(),
  };
  return { runtime, calls };
}

export function functionSpec(id: string): FunctionSpec {
  const [stackName = '', logicalId = ''] = id.split('/');
  const functionName = `${stackName}-${logicalId}`;
  return {
    id,
    stackName,
    logicalId,
    functionName,
    arn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    handler: 'index.handler',
    codeDir: '/nowhere',
    runtime: 'nodejs24.x',
    timeoutSeconds: 10,
    memoryMb: 512,
    environment: {},
    roleArn: `arn:aws:iam::${accountId}:role/${functionName}`,
    policy: [],
  };
}

export function lambdaMethod(
  httpMethod: string,
  functionId: string,
  extra: Partial<MethodSpec> = {},
): MethodSpec {
  return {
    httpMethod,
    authorizationType: 'NONE',
    apiKeyRequired: false,
    requestParameters: {},
    validateRequestParameters: false,
    validateRequestBody: false,
    integration: {
      type: 'AWS_PROXY',
      uri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionSpec(functionId).arn}/invocations`,
      functionArn: functionSpec(functionId).arn,
      functionId,
      timeoutMs: 29_000,
    },
    ...extra,
  };
}

/** The CORS preflight CDK's `defaultCorsPreflightOptions` synthesizes. */
export const corsPreflight: MethodSpec = {
  httpMethod: 'OPTIONS',
  authorizationType: 'NONE',
  apiKeyRequired: false,
  requestParameters: {},
  validateRequestParameters: false,
  validateRequestBody: false,
  integration: {
    type: 'MOCK',
    requestTemplates: { 'application/json': '{ statusCode: 200 }' },
    responses: [
      {
        statusCode: '204',
        responseParameters: {
          'method.response.header.Access-Control-Allow-Headers':
            "'Authorization,Content-Type,Idempotency-Key'",
          'method.response.header.Access-Control-Allow-Origin': "'*'",
          'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,GET,POST'",
        },
        responseTemplates: {},
      },
    ],
    timeoutMs: 29_000,
  },
};

const problemHeaders = {
  'gatewayresponse.header.Content-Type': "'application/problem+json'",
  'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
};
const problem = (type: string, title: string, status: number) =>
  `{"type":"urn:slice:problem:${type}","title":"${title}","status":${status},"detail":$context.error.messageString,"correlationId":"$context.requestId"}`;

/** The gateway responses Slice's ServiceApi defines (a subset), problem+json with Retry-After on 429. */
export const sliceGatewayResponses: GatewayResponseSpec[] = [
  {
    responseType: 'UNAUTHORIZED',
    statusCode: 401,
    responseParameters: problemHeaders,
    responseTemplates: { 'application/json': problem('unauthorized', 'Unauthorized', 401) },
  },
  {
    responseType: 'THROTTLED',
    statusCode: 429,
    responseParameters: { ...problemHeaders, 'gatewayresponse.header.Retry-After': "'1'" },
    responseTemplates: { 'application/json': problem('too-many-requests', 'Too Many Requests', 429) },
  },
  {
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    statusCode: 404,
    responseParameters: problemHeaders,
    responseTemplates: { 'application/json': problem('not-found', 'Not Found', 404) },
  },
  {
    responseType: 'BAD_REQUEST_PARAMETERS',
    statusCode: 400,
    responseParameters: problemHeaders,
    responseTemplates: { 'application/json': problem('validation', 'Bad Request', 400) },
  },
  {
    responseType: 'DEFAULT_5XX',
    statusCode: 500,
    responseParameters: problemHeaders,
    responseTemplates: {
      'application/json':
        '{"type":"urn:slice:problem:internal","status":500,"correlationId":"$context.requestId"}',
    },
  },
];

export const cognitoAuthorizer: AuthorizerSpec = {
  id: 'cog123',
  name: 'OrdersAuthorizer',
  type: 'COGNITO_USER_POOLS',
  providerArns: [`arn:aws:cognito-idp:${region}:${accountId}:userpool/${region}_local`],
  identitySource: 'method.request.header.Authorization',
  resultTtlSeconds: 300,
};

interface ApiInput {
  readonly id: string;
  readonly name: string;
  readonly resources: Record<string, MethodSpec[]>;
  readonly authorizers?: AuthorizerSpec[];
  readonly gatewayResponses?: GatewayResponseSpec[];
  readonly stageVariables?: Record<string, string>;
  readonly throttle?: { rate: number; burst: number };
  readonly binaryMediaTypes?: string[];
}

export function restApi(input: ApiInput): RestApiSpec {
  const resources: RestResourceSpec[] = Object.entries(input.resources).map(([path, methods], index) => ({
    id: `${input.id.slice(0, 3)}${index}`,
    path,
    methods,
  }));
  return {
    id: input.id,
    stackName: `Stack-${input.name}`,
    logicalId: 'Api',
    name: input.name,
    region,
    rootResourceId: `${input.id.slice(0, 3)}0`,
    stages: [
      {
        name: 'dev',
        variables: input.stageVariables ?? {},
        methodSettings: input.throttle
          ? [
              {
                resourcePath: '/*',
                httpMethod: '*',
                throttlingRateLimit: input.throttle.rate,
                throttlingBurstLimit: input.throttle.burst,
              },
            ]
          : [],
      },
    ],
    resources,
    authorizers: input.authorizers ?? [],
    gatewayResponses: input.gatewayResponses ?? [],
    binaryMediaTypes: input.binaryMediaTypes ?? [],
  };
}

/** Permissions for every function, as CDK grants API Gateway: methods (`<api>/*\/*\/*`) and authorizers. */
export function permissionsFor(
  functionIds: readonly string[],
  apis: readonly RestApiSpec[],
): LambdaPermissionSpec[] {
  return functionIds.flatMap((functionId) =>
    apis.flatMap((api) =>
      ['*/*/*', 'authorizers/*'].map((resource) => ({
        stackName: api.stackName,
        logicalId: `Permission${functionId}${resource}`,
        functionId,
        action: 'lambda:InvokeFunction',
        principal: 'apigateway.amazonaws.com',
        sourceArn: `arn:aws:execute-api:${region}:${accountId}:${api.id}/${resource}`,
      })),
    ),
  );
}

export function model(input: {
  apis: RestApiSpec[];
  functionIds: string[];
  routingRules?: RoutingRuleSpec[];
  permissions?: LambdaPermissionSpec[];
}): LocalModel {
  return {
    accountId,
    region,
    stacks: [],
    functions: input.functionIds.map(functionSpec),
    tables: [],
    queues: [],
    restApis: input.apis,
    parameters: new Map(),
    secrets: new Map(),
    routingRules: input.routingRules ?? [],
    eventSourceMappings: [],
    permissions: input.permissions ?? permissionsFor(input.functionIds, input.apis),
    warnings: [],
  };
}

/** Serves a gateway on an ephemeral port. */
export async function serve(
  options: GatewayOptions,
): Promise<{ url: string; gateway: Gateway; lines: string[]; close: () => Promise<void> }> {
  const lines: string[] = [];
  const gateway = createGateway({ log: (line) => lines.push(line), ...options });
  const server: Server = createServer((request, response) => void gateway.handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    lines,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A proxy answer with a JSON body. */
export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
