import type { GatewayResponseSpec } from '../../assembly/types';

/** The gateway response types of API Gateway REST APIs. */
export type GatewayResponseType =
  | 'ACCESS_DENIED'
  | 'API_CONFIGURATION_ERROR'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'AUTHORIZER_FAILURE'
  | 'BAD_REQUEST_PARAMETERS'
  | 'BAD_REQUEST_BODY'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX'
  | 'EXPIRED_TOKEN'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'INVALID_API_KEY'
  | 'INVALID_SIGNATURE'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'QUOTA_EXCEEDED'
  | 'REQUEST_TOO_LARGE'
  | 'RESOURCE_NOT_FOUND'
  | 'THROTTLED'
  | 'UNAUTHORIZED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'WAF_FILTERED';

/** An answer the gateway gives itself, before or instead of the integration. */
export interface GatewayError {
  readonly type: GatewayResponseType;
  /** The status API Gateway uses when the API does not customize the response. */
  readonly statusCode: number;
  /** `$context.error.message`; `null` renders as `{"message":null}`, as for authorizer failures. */
  readonly message: string | null;
  /** The `x-amzn-ErrorType` header API Gateway sends with it. */
  readonly errorType?: string;
}

/**
 * The errors the local gateway answers with, each with API Gateway's own status and message.
 *
 * @example
 * ```ts
 * gatewayErrors.unauthorized(); // { type: 'UNAUTHORIZED', statusCode: 401, message: 'Unauthorized', … }
 * ```
 */
export const gatewayErrors = {
  missingAuthenticationToken: (): GatewayError => ({
    type: 'MISSING_AUTHENTICATION_TOKEN',
    statusCode: 403,
    message: 'Missing Authentication Token',
    errorType: 'MissingAuthenticationTokenException',
  }),
  unauthorized: (): GatewayError => ({
    type: 'UNAUTHORIZED',
    statusCode: 401,
    message: 'Unauthorized',
    errorType: 'UnauthorizedException',
  }),
  accessDenied: (explicitDeny: boolean): GatewayError => ({
    type: 'ACCESS_DENIED',
    statusCode: 403,
    message: explicitDeny
      ? 'User is not authorized to access this resource with an explicit deny'
      : 'User is not authorized to access this resource',
    errorType: 'AccessDeniedException',
  }),
  authorizerConfigurationError: (): GatewayError => ({
    type: 'AUTHORIZER_CONFIGURATION_ERROR',
    statusCode: 500,
    message: null,
    errorType: 'AuthorizerConfigurationException',
  }),
  badRequestParameters: (missing: readonly string[]): GatewayError => ({
    type: 'BAD_REQUEST_PARAMETERS',
    statusCode: 400,
    message: `Missing required request parameters: [${missing.join(', ')}]`,
    errorType: 'BadRequestException',
  }),
  throttled: (): GatewayError => ({
    type: 'THROTTLED',
    statusCode: 429,
    message: 'Too Many Requests',
    errorType: 'TooManyRequestsException',
  }),
  requestTooLarge: (): GatewayError => ({
    type: 'REQUEST_TOO_LARGE',
    statusCode: 413,
    message: 'Request Too Long',
    errorType: 'RequestTooLargeException',
  }),
  integrationTimeout: (): GatewayError => ({
    type: 'INTEGRATION_TIMEOUT',
    statusCode: 504,
    message: 'Endpoint request timed out',
    errorType: 'InternalServerErrorException',
  }),
  /**
   * A function error or malformed proxy response: 502 Bad Gateway, as API Gateway answers for a
   * Lambda proxy integration, unless the API's `DEFAULT_5XX` sets another status.
   */
  badGateway: (): GatewayError => ({
    type: 'DEFAULT_5XX',
    statusCode: 502,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  }),
  /** Lambda rejected the invocation (throttled): 500. */
  invocationRejected: (): GatewayError => ({
    type: 'DEFAULT_5XX',
    statusCode: 500,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  }),
  /** The API is wrong (no permission to invoke the function, no such function, an integration the local cloud does not run). */
  configurationError: (): GatewayError => ({
    type: 'API_CONFIGURATION_ERROR',
    statusCode: 500,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
  }),
  authorizerFailure: (): GatewayError => ({
    type: 'AUTHORIZER_FAILURE',
    statusCode: 500,
    message: null,
    errorType: 'AuthorizerFailureException',
  }),
} as const;

/** What a response template or header mapping may read. */
export interface RenderContext {
  /** `$context.*` values (`requestId`, `stage`, `resourcePath`, …). */
  readonly context: Readonly<Record<string, string | number | undefined>>;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** A request header, case-insensitive. */
  readonly header: (name: string) => string | undefined;
  readonly query: (name: string) => string | undefined;
  readonly pathParameter: (name: string) => string | undefined;
}

const variable = /\$!?(?:\{([^}]+)\}|((?:context|stageVariables)(?:\.[A-Za-z0-9_-]+)+))/g;

/**
 * Renders the parts of a mapping template that gateway responses and MOCK integrations use:
 * `$context.x` (also `$context.error.messageString`, quoted JSON) and `$stageVariables.x`, in
 * plain or `${…}` form. Other VTL is left as written; unknown variables render empty.
 *
 * @example
 * ```ts
 * renderTemplate('{"message":$context.error.messageString}', { error: { message: 'Unauthorized' }, … });
 * // '{"message":"Unauthorized"}'
 * ```
 */
export function renderTemplate(
  template: string,
  error: GatewayError | undefined,
  render: RenderContext,
): string {
  return template.replace(variable, (_whole, braced: string | undefined, plain: string | undefined) => {
    const name = (braced ?? plain ?? '').trim();
    if (name === 'context.error.messageString') return JSON.stringify(error?.message ?? null);
    if (name === 'context.error.message') return error?.message ?? '';
    if (name === 'context.error.responseType') return error?.type ?? '';
    if (name.startsWith('context.')) return String(render.context[name.slice('context.'.length)] ?? '');
    if (name.startsWith('stageVariables.'))
      return render.stageVariables[name.slice('stageVariables.'.length)] ?? '';
    return '';
  });
}

/**
 * The value of a header mapping (`'static'`, `method.request.header.X`, `method.request.querystring.x`,
 * `method.request.path.x`, `stageVariables.x`, `context.x`), or `undefined` when it yields nothing.
 *
 * @example
 * ```ts
 * mappingValue("'application/problem+json'", render); // 'application/problem+json'
 * ```
 */
export function mappingValue(expression: string, render: RenderContext): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const [source, ...rest] = expression.split('.');
  const name = rest.join('.');
  if (source === 'method' && rest[0] === 'request') {
    const [, kind, ...parameter] = rest;
    const key = parameter.join('.');
    if (kind === 'header') return render.header(key);
    if (kind === 'querystring') return render.query(key);
    if (kind === 'path') return render.pathParameter(key);
    return undefined;
  }
  if (source === 'stageVariables') return render.stageVariables[name];
  if (source === 'context') return render.context[name]?.toString();
  return undefined;
}

/** A gateway response ready to write. */
export interface RenderedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Gateway response types API Gateway answers with its own default whatever the API customizes. */
const notCustomizable = new Set<GatewayResponseType>(['REQUEST_TOO_LARGE']);

/**
 * Builds the answer for a gateway error the way API Gateway does: the API's gateway response for
 * the error's type, else its `DEFAULT_4XX`/`DEFAULT_5XX`, else API Gateway's default
 * `{"message":…}`. The status is the type's own response's status code, else the
 * `DEFAULT_4XX`/`DEFAULT_5XX` one (setting it "changes the status codes of all other 5XX
 * responses", a function error's 502 included), else the type's default. `413 REQUEST_TOO_LARGE`
 * cannot be customized: it is always API Gateway's own answer.
 *
 * @example
 * ```ts
 * renderGatewayError(new Map(), gatewayErrors.throttled(), render);
 * // { statusCode: 429, headers: { 'Content-Type': 'application/json', … }, body: '{"message":"Too Many Requests"}' }
 * ```
 */
export function renderGatewayError(
  responses: ReadonlyMap<string, GatewayResponseSpec>,
  error: GatewayError,
  render: RenderContext,
): RenderedResponse {
  const customizable = !notCustomizable.has(error.type);
  const specific = customizable ? responses.get(error.type) : undefined;
  const fallback = customizable
    ? responses.get(error.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX')
    : undefined;
  const chosen = specific ?? fallback;
  const statusCode = specific?.statusCode ?? fallback?.statusCode ?? error.statusCode;
  const templates =
    chosen && Object.keys(chosen.responseTemplates).length > 0 ? chosen.responseTemplates : undefined;
  const template = templates?.['application/json'] ?? (templates ? Object.values(templates)[0] : undefined);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  for (const [target, expression] of Object.entries(chosen?.responseParameters ?? {})) {
    const name = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
    const value = name === undefined ? undefined : mappingValue(expression, render);
    if (name === undefined || value === undefined) continue;
    if (name.toLowerCase() === 'content-type') delete headers['Content-Type'];
    headers[name] = value;
  }
  if (error.errorType !== undefined) headers['x-amzn-ErrorType'] = error.errorType;
  return {
    statusCode,
    headers,
    body: renderTemplate(template ?? '{"message":$context.error.messageString}', error, render),
  };
}
