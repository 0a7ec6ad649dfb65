import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { restApiEvent } from '@slice/testing';
import type {
  AuthorizerSpec,
  GatewayResponseSpec,
  LambdaPermissionSpec,
  LocalModel,
  MethodSpec,
  RestApiSpec,
  RoutingRuleSpec,
  StageSpec,
} from '../../assembly/types';
import type { LambdaRuntime } from '../../model';
import {
  type AuthorizationResult,
  type AuthorizerRequest,
  CognitoVerifier,
  LambdaAuthorizers,
  type TokenIssuer,
} from './authorizers';
import { mockResponse } from './mock';
import { proxyResponse } from './proxy';
import { type GatewayError, gatewayErrors, type RenderContext, renderGatewayError } from './responses';
import { type CompiledResource, methodOf, ResourceRouter } from './router';
import { compileRules, type CompiledRule, deriveRoutingRules, globPattern, matchRule } from './routing';
import { limitsFor, type ThrottleLimits, TokenBuckets } from './throttle';

/** API Gateway's payload limit for REST APIs: 10 MB. */
export const maxRequestBytes = 10 * 1024 * 1024;

/** What {@link createGateway} serves. */
export interface GatewayOptions {
  /** The loaded stacks: REST APIs, routing rules, functions and their permissions. */
  readonly model: LocalModel;
  /** Runs the integration and authorizer functions. */
  readonly runtime: LambdaRuntime;
  /** The identity provider every Cognito user-pool authorizer trusts (the local issuer). */
  readonly issuer: TokenIssuer;
  /**
   * The stage the derived routing rules use (when no stack defines routing rules), for APIs that
   * have it.
   * @default each API's first stage
   */
  readonly stage?: string;
  /** Receives one line per request and one per problem (a malformed response, a denied call). @default no logging */
  readonly log?: (line: string) => void;
  /** The clock, in epoch milliseconds (throttling, authorizer caching, token expiry). @default `Date.now` */
  readonly now?: () => number;
}

/** The local API Gateway: the front door and every REST API of the model. */
export interface Gateway {
  /** Serves one HTTP request; never rejects (a fault in the gateway answers 500). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /**
   * Serves another model (after a redeploy): requests arriving from now on see it, requests already
   * in flight finish on the model they started with. Authorizer caches and throttling buckets start
   * afresh. Resolves once every request begun on the previous model has been answered.
   */
  update(model: LocalModel): Promise<void>;
  /** The routing rules in effect, lowest priority first: the model's, or the derived ones. */
  routingRules(): readonly RoutingRuleSpec[];
}

interface CompiledApi {
  readonly spec: RestApiSpec;
  readonly router: ResourceRouter;
  readonly responses: ReadonlyMap<string, GatewayResponseSpec>;
  readonly authorizers: ReadonlyMap<string, AuthorizerSpec>;
  readonly stages: ReadonlyMap<string, StageSpec>;
  readonly binaryTypes: readonly RegExp[];
  /** Throttling per stage and method, looked up once: bucket key and limits, or null when unthrottled. */
  readonly throttling: Map<string, { readonly key: string; readonly limits: ThrottleLimits } | null>;
}

interface State {
  readonly model: LocalModel;
  readonly rules: readonly CompiledRule[];
  readonly effectiveRules: readonly RoutingRuleSpec[];
  readonly apis: ReadonlyMap<string, CompiledApi>;
  readonly functionIds: ReadonlyMap<string, string>;
  readonly permissions: ReadonlyMap<string, readonly LambdaPermissionSpec[]>;
  readonly permitted: Map<string, boolean>;
  /** Requests being served on this state, and who waits for them to end (after an update). */
  inFlight: number;
  onDrained?: () => void;
}

/** A response ready to write, and what the access log says about it. */
interface Outcome {
  readonly statusCode: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | Buffer;
  readonly route?: string;
  readonly note?: string;
  readonly close?: boolean;
}

/** Request headers in arrival order, looked up case-insensitively; names keep the case of their first use. */
class RequestHeaders {
  private readonly byName = new Map<string, { name: string; values: string[] }>();

  constructor(raw: readonly string[]) {
    for (let index = 0; index + 1 < raw.length; index += 2) this.add(raw[index] ?? '', raw[index + 1] ?? '');
  }

  add(name: string, value: string): void {
    const key = name.toLowerCase();
    const entry = this.byName.get(key);
    if (entry) entry.values.push(value);
    else this.byName.set(key, { name, values: [value] });
  }

  values(lowerCaseName: string): readonly string[] {
    return this.byName.get(lowerCaseName)?.values ?? [];
  }

  last(name: string): string | undefined {
    const values = this.values(name.toLowerCase());
    return values[values.length - 1];
  }

  /**
   * Every header except the connection's own, as the proxy event carries them, with `replacements`
   * taking the place of a header of the same name in any case.
   */
  forEvent(replacements: readonly (readonly [string, string])[]): Record<string, string[]> {
    const replaced = new Set(replacements.map(([name]) => name.toLowerCase()));
    const record: Record<string, string[]> = {};
    for (const [key, { name, values }] of this.byName) {
      if (replaced.has(key) || hopByHop.has(key)) continue;
      record[name] = [...values];
    }
    for (const [name, value] of replacements) record[name] = [value];
    return record;
  }
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function parseQuery(raw: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decodeComponent(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? '' : decodeComponent(part.slice(equals + 1));
    (query[name] ??= []).push(value);
  }
  return query;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const empty = Buffer.alloc(0);
const hopByHop = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);
const anonymous: AuthorizationResult = { ok: true };

/** Random hex from the UUID generator's entropy pool (cheaper than a `randomBytes` call per id). */
const randomHex = (length: number): string => {
  let hex = '';
  while (hex.length < length) hex += randomUUID().replace(/-/g, '');
  return hex.slice(0, length);
};

/** Reads the request body; `undefined` when it is larger than the limit (the rest is discarded). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const length = request.headers['content-length'];
  if ((length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined) {
    return Promise.resolve(empty);
  }
  const declared = Number(length);
  return new Promise((resolve, reject) => {
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.off('end', onEnd);
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    request.on('data', onData);
    request.on('end', onEnd);
    request.once('error', reject);
  });
}

function compile(model: LocalModel, stage: string | undefined): State {
  const apis = new Map(
    model.restApis.map((spec): [string, CompiledApi] => [
      spec.id,
      {
        spec,
        router: new ResourceRouter(spec.resources),
        responses: new Map(spec.gatewayResponses.map((response) => [response.responseType, response])),
        authorizers: new Map(spec.authorizers.map((authorizer) => [authorizer.id, authorizer])),
        stages: new Map(spec.stages.map((candidate) => [candidate.name, candidate])),
        binaryTypes: spec.binaryMediaTypes.map((type) => globPattern(type.toLowerCase())),
        throttling: new Map(),
      },
    ]),
  );
  const effectiveRules =
    model.routingRules.length > 0 ? model.routingRules : deriveRoutingRules(model.restApis, stage);
  const functionIds = new Map<string, string>();
  for (const fn of model.functions) {
    functionIds.set(fn.arn, fn.id);
    functionIds.set(fn.functionName, fn.id);
  }
  const permissions = new Map<string, LambdaPermissionSpec[]>();
  for (const permission of model.permissions) {
    if (permission.functionId === undefined) continue;
    const list = permissions.get(permission.functionId) ?? [];
    list.push(permission);
    permissions.set(permission.functionId, list);
  }
  return {
    model,
    rules: compileRules(effectiveRules),
    effectiveRules: [...effectiveRules].sort((left, right) => left.priority - right.priority),
    apis,
    functionIds,
    permissions,
    permitted: new Map(),
    inFlight: 0,
  };
}

const headerPairs = (headers: Readonly<Record<string, string>>): [string, string][] =>
  Object.entries(headers);

/**
 * Creates the local API Gateway: the custom domain's front door (routing rules by priority, with
 * base-path and header conditions, or rules derived from the APIs' base paths) and, behind it,
 * every REST API of the model as API Gateway runs it: resource matching (literal before
 * `{param}`, greedy `{proxy+}`), the 10 MB limit, stage and method throttling, Cognito and Lambda
 * authorizers (with result caching), required-parameter validation, Lambda proxy integrations
 * (the v1 proxy event, 502 for a malformed answer or a failed function, the integration timeout,
 * the function's resource policy) and MOCK integrations, with the API's gateway responses applied
 * to every error the gateway answers itself. Mount `handle` on a `node:http` server.
 *
 * @example
 * ```ts
 * const gateway = createGateway({ model, runtime, issuer: createLocalIssuer(), log: console.log });
 * createServer((request, response) => {
 *   if (request.url?.startsWith('/_local')) return admin(request, response);
 *   void gateway.handle(request, response);
 * }).listen(3000);
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const now = options.now ?? Date.now;
  let state = compile(options.model, options.stage);
  const buckets = new TokenBuckets(now);
  const verifier = new CognitoVerifier(options.issuer, now);

  const isPermitted = (functionId: string, sourceArn: string): boolean => {
    const key = `${functionId}\0${sourceArn}`;
    const known = state.permitted.get(key);
    if (known !== undefined) return known;
    const allowed = (state.permissions.get(functionId) ?? []).some(
      (permission) =>
        (permission.principal === 'apigateway.amazonaws.com' || permission.principal === '*') &&
        ['lambda:invokefunction', 'lambda:*', '*'].includes(permission.action.toLowerCase()) &&
        (permission.sourceArn === undefined || globPattern(permission.sourceArn).test(sourceArn)) &&
        (permission.sourceAccount === undefined || permission.sourceAccount === state.model.accountId),
    );
    state.permitted.set(key, allowed);
    return allowed;
  };
  const executeApiArn = (api: RestApiSpec, resource: string) =>
    `arn:aws:execute-api:${api.region}:${state.model.accountId}:${api.id}/${resource}`;

  const lambdaAuthorizers = new LambdaAuthorizers({
    runtime: options.runtime,
    now,
    permitted: isPermitted,
    authorizerArn: (authorizer) => {
      const api = [...state.apis.values()].find((candidate) => candidate.authorizers.has(authorizer.id));
      return api ? executeApiArn(api.spec, `authorizers/${authorizer.id}`) : '';
    },
  });

  async function serve(
    current: State,
    request: IncomingMessage,
    requestId: string,
    extendedRequestId: string,
    started: number,
  ): Promise<Outcome> {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const query = parseQuery(queryAt === -1 ? '' : url.slice(queryAt + 1));
    const httpMethod = (request.method ?? 'GET').toUpperCase();
    const headers = new RequestHeaders(request.rawHeaders);

    const match = matchRule(current.rules, path, (name) => headers.values(name));
    const api = match ? current.apis.get(match.rule.apiId) : undefined;
    const stage = match ? api?.stages.get(match.rule.stage) : undefined;
    if (!match || !api || !stage) {
      await readBody(request, 0);
      return {
        statusCode: 404,
        headers: [
          ['Content-Type', 'application/json'],
          ['x-amzn-ErrorType', 'NotFoundException'],
        ],
        body: '{"message":"Not Found"}',
        ...(match
          ? {
              note: `the routing rule ${match.rule.source} targets ${match.rule.apiId}/${match.rule.stage}, which is not running`,
            }
          : {}),
      };
    }
    const apiPath = match.apiPath;
    const domainName = (headers.last('host') ?? 'localhost').replace(/:\d+$/, '');
    const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    let resourcePath: string | undefined = undefined;
    let pathParameters: Readonly<Record<string, string>> = {};
    const context = (): Record<string, string | number | undefined> => ({
      requestId,
      extendedRequestId,
      apiId: api.spec.id,
      accountId: current.model.accountId,
      stage: stage.name,
      resourcePath,
      path,
      httpMethod,
      domainName,
      'identity.sourceIp': sourceIp,
      requestTimeEpoch: started,
      protocol: 'HTTP/1.1',
    });
    const render: RenderContext = {
      get context() {
        return context();
      },
      stageVariables: stage.variables,
      header: (name) => headers.last(name),
      query: (name) => query[name]?.at(-1),
      pathParameter: (name) => pathParameters[name],
    };
    const fail = (error: GatewayError, note?: string, close?: boolean): Outcome => {
      const rendered = renderGatewayError(api.responses, error, render);
      return {
        statusCode: rendered.statusCode,
        headers: headerPairs(rendered.headers),
        body: rendered.body,
        route: `${api.spec.name} ${stage.name}${resourcePath === undefined ? '' : ` ${httpMethod} ${resourcePath}`}`,
        ...(note === undefined ? {} : { note }),
        ...(close ? { close } : {}),
      };
    };

    const body = await readBody(request, maxRequestBytes);
    if (body === undefined) return fail(gatewayErrors.requestTooLarge(), 'the request is over 10 MB', true);

    const found = api.router.match(apiPath);
    const method = found ? methodOf(found.resource, httpMethod) : undefined;
    if (!found || !method)
      return fail(
        gatewayErrors.missingAuthenticationToken(),
        `no resource and method for ${httpMethod} ${apiPath}`,
      );
    const resource: CompiledResource = found.resource;
    resourcePath = resource.spec.path;
    pathParameters = found.pathParameters;

    const throttleKey = `${stage.name}\0${httpMethod}\0${resourcePath}`;
    let throttling = api.throttling.get(throttleKey);
    if (throttling === undefined) {
      const limits = limitsFor(stage.methodSettings, resourcePath, httpMethod);
      // One bucket per method as defined (an ANY method is one method).
      throttling = limits
        ? { key: `${api.spec.id}\0${stage.name}\0${resourcePath}\0${method.httpMethod}`, limits }
        : null;
      api.throttling.set(throttleKey, throttling);
    }
    if (throttling && !buckets.take(throttling.key, throttling.limits)) {
      const { limits } = throttling;
      return fail(
        gatewayErrors.throttled(),
        `over ${limits.rateLimit} requests/s (burst ${limits.burstLimit})`,
      );
    }

    const contentType = headers.last('content-type');
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    const isBinary =
      body.length > 0 &&
      (api.binaryTypes.some((type) => type.test(mediaType)) ||
        (() => {
          try {
            utf8.decode(body);
            return false;
          } catch {
            return true;
          }
        })());
    // API Gateway adds the forwarding headers (appending the client to X-Forwarded-For) and a trace id.
    const forwardedFor = headers.values('x-forwarded-for');
    const eventHeaders = headers.forEvent([
      ['X-Forwarded-For', forwardedFor.length > 0 ? `${forwardedFor.join(', ')}, ${sourceIp}` : sourceIp],
      ['X-Forwarded-Port', String(request.socket.localPort ?? 80)],
      ['X-Forwarded-Proto', 'http'],
      ['X-Amzn-Trace-Id', `Root=1-${Math.floor(started / 1000).toString(16)}-${randomHex(24)}`],
    ]);
    const event = (auth?: AuthorizationResult & { ok: true }) =>
      restApiEvent({
        method: httpMethod,
        path: apiPath,
        resource: resourcePath,
        ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
        query,
        headers: eventHeaders,
        body: body.length === 0 ? null : isBinary ? body.toString('base64') : body.toString('utf8'),
        isBase64Encoded: isBinary,
        ...(auth?.claims ? { claims: auth.claims } : {}),
        ...(auth?.authorizer ? { authorizer: auth.authorizer } : {}),
        stage: stage.name,
        ...(Object.keys(stage.variables).length > 0 ? { stageVariables: stage.variables } : {}),
        requestId,
        extendedRequestId,
        sourceIp,
        accountId: current.model.accountId,
        apiId: api.spec.id,
        region: api.spec.region,
        domainName,
        resourceId: resource.spec.id,
        requestPath: path,
        requestTimeEpoch: started,
      });

    const auth: AuthorizationResult =
      method.authorizationType === 'NONE'
        ? anonymous
        : await authorize(api, method, headers, () => ({
            methodArn: executeApiArn(api.spec, `${stage.name}/${httpMethod}${apiPath}`),
            headerValues: (name) => headers.values(name.toLowerCase()),
            queryValues: (name) => query[name] ?? [],
            stageVariables: stage.variables,
            context: context(),
            requestEvent: () => {
              const base = event();
              return {
                type: 'REQUEST',
                methodArn: executeApiArn(api.spec, `${stage.name}/${httpMethod}${apiPath}`),
                resource: base.resource,
                path: base.path,
                httpMethod: base.httpMethod,
                headers: base.headers,
                multiValueHeaders: base.multiValueHeaders,
                queryStringParameters: base.queryStringParameters,
                multiValueQueryStringParameters: base.multiValueQueryStringParameters,
                pathParameters: base.pathParameters,
                stageVariables: base.stageVariables,
                requestContext: base.requestContext,
              };
            },
          }));
    if (!auth.ok) return fail(auth.error, auth.reason);

    if (method.validateRequestParameters) {
      const missing = Object.entries(method.requestParameters)
        .filter(([, required]) => required)
        .map(([parameter]) => /^method\.request\.(header|querystring|path)\.(.+)$/.exec(parameter))
        .filter((parsed): parsed is RegExpExecArray => parsed !== null)
        .filter(([, kind, name = '']) =>
          kind === 'header'
            ? headers.values(name.toLowerCase()).length === 0
            : kind === 'querystring'
              ? query[name] === undefined
              : pathParameters[name] === undefined,
        )
        .map(([, , name = '']) => name);
      if (missing.length > 0) return fail(gatewayErrors.badRequestParameters(missing));
    }

    const integration = method.integration;
    const route = `${api.spec.name} ${stage.name} ${httpMethod} ${resourcePath}`;
    if (integration.type === 'MOCK') {
      const mocked = mockResponse(integration.requestTemplates, integration.responses, contentType, render);
      if (!mocked)
        return fail(
          gatewayErrors.configurationError(),
          'no integration response of the MOCK integration matches',
        );
      return {
        statusCode: mocked.statusCode,
        headers: headerPairs(mocked.headers),
        body: mocked.body,
        route,
      };
    }
    if (integration.type !== 'AWS_PROXY') {
      return fail(
        gatewayErrors.configurationError(),
        `${integration.type} integrations are not run by the local gateway`,
      );
    }

    const functionArn = integration.functionArn.replace(
      /\$\{stageVariables\.([^}]+)\}/g,
      (_whole, name: string) => stage.variables[name] ?? '',
    );
    const functionId =
      integration.functionId ??
      current.functionIds.get(functionArn.split(':').slice(0, 7).join(':')) ??
      current.functionIds.get(functionArn);
    if (functionId === undefined)
      return fail(gatewayErrors.configurationError(), `no loaded function ${functionArn}`);
    const sourceArn = executeApiArn(api.spec, `${stage.name}/${httpMethod}${resourcePath}`);
    if (!isPermitted(functionId, sourceArn)) {
      return fail(
        gatewayErrors.configurationError(),
        `Invalid permissions on Lambda function: no AWS::Lambda::Permission of ${functionId} lets API Gateway invoke it from ${sourceArn}`,
      );
    }

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), integration.timeoutMs);
    });
    const invocation = options.runtime.invoke(functionId, event(auth));
    invocation.catch(() => undefined);
    let result: Awaited<typeof invocation> | 'timeout';
    try {
      result = await Promise.race([invocation, timedOut]);
    } catch (error) {
      return fail(gatewayErrors.badGateway(), `the runtime failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    const integrationRoute = `${route} → ${functionId}`;
    if (result === 'timeout') {
      return {
        ...fail(
          gatewayErrors.integrationTimeout(),
          `no answer within the integration timeout (${integration.timeoutMs} ms)`,
        ),
        route: integrationRoute,
      };
    }
    if (!result.ok) {
      const error =
        result.errorType === 'Throttled' ? gatewayErrors.invocationRejected() : gatewayErrors.badGateway();
      return {
        ...fail(error, `Lambda execution failed: ${result.errorType}: ${result.errorMessage}`),
        route: integrationRoute,
      };
    }
    const answer = proxyResponse(result.payload);
    if (typeof answer === 'string') {
      return {
        ...fail(gatewayErrors.badGateway(), `Malformed Lambda proxy response: ${answer}`),
        route: integrationRoute,
      };
    }
    return { ...answer, route: integrationRoute };
  }

  async function authorize(
    api: CompiledApi,
    method: MethodSpec,
    headers: RequestHeaders,
    lambdaRequest: () => AuthorizerRequest,
  ): Promise<AuthorizationResult> {
    if (method.authorizationType === 'NONE') return anonymous;
    if (method.authorizationType === 'AWS_IAM') {
      return {
        ok: false,
        error: gatewayErrors.missingAuthenticationToken(),
        reason: 'AWS_IAM authorization is not supported by the local gateway',
      };
    }
    const authorizer =
      method.authorizerId === undefined ? undefined : api.authorizers.get(method.authorizerId);
    if (!authorizer) {
      return {
        ok: false,
        error: gatewayErrors.authorizerConfigurationError(),
        reason: `no authorizer ${method.authorizerId ?? ''} in ${api.spec.name}`,
      };
    }
    if (authorizer.type === 'COGNITO_USER_POOLS') {
      const header =
        /^method\.request\.header\.(.+)$/.exec(authorizer.identitySource ?? '')?.[1] ?? 'Authorization';
      return verifier.verify(headers.last(header), method.authorizationScopes);
    }
    return lambdaAuthorizers.authorize(authorizer, lambdaRequest());
  }

  return {
    routingRules: () => state.effectiveRules,
    update(model) {
      const previous = state;
      state = compile(model, options.stage);
      buckets.clear();
      lambdaAuthorizers.clear();
      if (previous.inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => {
        previous.onDrained = resolve;
      });
    },
    async handle(request, response) {
      const started = now();
      const requestId = randomUUID();
      const extendedRequestId = Buffer.from(randomHex(22), 'hex').toString('base64');
      let outcome: Outcome;
      const current = state;
      current.inFlight += 1;
      try {
        outcome = await serve(current, request, requestId, extendedRequestId, started);
      } catch (error) {
        outcome = {
          statusCode: 500,
          headers: [['Content-Type', 'application/json']],
          body: '{"message":"Internal server error"}',
          note: `the local gateway failed: ${(error as Error).stack ?? String(error)}`,
        };
      }
      const flat: string[] = [];
      for (const [name, value] of outcome.headers) flat.push(name, value);
      flat.push(
        'Content-Length',
        String(Buffer.byteLength(outcome.body)),
        'x-amzn-RequestId',
        requestId,
        'x-amz-apigw-id',
        extendedRequestId,
      );
      if (outcome.close) flat.push('Connection', 'close');
      try {
        if (!response.headersSent) {
          response.writeHead(outcome.statusCode, flat);
          response.end(request.method === 'HEAD' ? undefined : outcome.body);
        }
      } finally {
        current.inFlight -= 1;
        if (current.inFlight === 0) current.onDrained?.();
      }
      options.log?.(
        `${outcome.statusCode} ${request.method ?? 'GET'} ${request.url ?? '/'}${outcome.route ? ` (${outcome.route})` : ''} ${Math.round(now() - started)} ms ${requestId}${outcome.note ? ` — ${outcome.note}` : ''}`,
      );
    },
  };
}
