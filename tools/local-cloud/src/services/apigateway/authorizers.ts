import { createLocalJWKSet, type JSONWebKeySet, jwtVerify, type JWTPayload } from 'jose';
import { claimsOf } from '@slice/testing';
import type { AuthorizerSpec } from '../../assembly/types';
import type { LambdaRuntime } from '../../model';
import { type GatewayError, gatewayErrors } from './responses';
import { globPattern } from './routing';

/** The identity provider the Cognito authorizers verify tokens against (the local issuer). */
export interface TokenIssuer {
  /** The `iss` every token must carry. */
  readonly issuer: string;
  /** The app client: `aud` of ID tokens, `client_id` of access tokens. */
  readonly audience: string;
  /** The public keys, as Cognito publishes them at `/.well-known/jwks.json`. */
  jwks(): Promise<{ readonly keys: readonly object[] }>;
}

/** What an authorizer decided. */
export type AuthorizationResult =
  | {
      readonly ok: true;
      /** Claims of a Cognito authorizer, as API Gateway passes them (every value a string). */
      readonly claims?: Readonly<Record<string, string>>;
      /** `requestContext.authorizer` of a Lambda authorizer: `principalId`, its context, `integrationLatency`. */
      readonly authorizer?: Readonly<Record<string, unknown>>;
    }
  | { readonly ok: false; readonly error: GatewayError; readonly reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Verifies bearer tokens the way API Gateway's Cognito user-pool authorizer does: an RS256 JWT
 * (never `none` or HMAC) signed by a key of the issuer's JWKS, not expired, from the issuer, for
 * the app client (`aud` of an ID token, `client_id` of an access token), and carrying one of the
 * method's OAuth scopes when the method lists any (which takes an access token). Accepts the raw
 * token or `Bearer <token>`. The key set is fetched once and again when a token names an unknown key.
 *
 * @example
 * ```ts
 * const verifier = new CognitoVerifier(issuer, Date.now);
 * const result = await verifier.verify(request.headers.authorization);
 * if (result.ok) event.requestContext.authorizer = { claims: result.claims };
 * ```
 */
export class CognitoVerifier {
  private keySet?: Promise<ReturnType<typeof createLocalJWKSet>>;
  private fetchedAt = 0;

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly now: () => number,
  ) {}

  /** Verifies the value of the authorizer's identity source (the `Authorization` header). */
  async verify(header: string | undefined, scopes?: readonly string[]): Promise<AuthorizationResult> {
    const token = header?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return this.refuse('no token');
    let payload: JWTPayload;
    try {
      payload = await this.verifySignature(token);
    } catch (error) {
      return this.refuse((error as Error).message);
    }
    const audience = this.issuer.audience;
    const audienceOk =
      payload['token_use'] === 'access'
        ? payload['client_id'] === audience
        : payload['token_use'] === 'id'
          ? [payload.aud].flat().includes(audience)
          : [payload.aud].flat().includes(audience) || payload['client_id'] === audience;
    if (!audienceOk) return this.refuse('the token is for another app client');
    if (scopes && scopes.length > 0) {
      const granted = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
      if (payload['token_use'] !== 'access' || !scopes.some((scope) => granted.includes(scope))) {
        return this.refuse(`the method needs an access token with one of the scopes ${scopes.join(', ')}`);
      }
    }
    return { ok: true, claims: claimsOf(payload) };
  }

  private refuse(reason: string): AuthorizationResult {
    return { ok: false, error: gatewayErrors.unauthorized(), reason: `Cognito authorizer: ${reason}` };
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    const options = {
      issuer: this.issuer.issuer,
      algorithms: ['RS256'],
      currentDate: new Date(this.now()),
    };
    try {
      const { payload } = await jwtVerify(token, await this.keys(false), options);
      return payload;
    } catch (error) {
      // A rotated key: fetch the key set again, at most once a second.
      if (
        (error as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY' ||
        this.now() - this.fetchedAt < 1000
      )
        throw error;
      const { payload } = await jwtVerify(token, await this.keys(true), options);
      return payload;
    }
  }

  private keys(refresh: boolean): Promise<ReturnType<typeof createLocalJWKSet>> {
    if (!this.keySet || refresh) {
      this.fetchedAt = this.now();
      this.keySet = this.issuer.jwks().then((jwks) => createLocalJWKSet(jwks as unknown as JSONWebKeySet));
      this.keySet.catch(() => {
        this.keySet = undefined;
      });
    }
    return this.keySet;
  }
}

/** The request as a Lambda authorizer sees it. */
export interface AuthorizerRequest {
  /** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>` */
  readonly methodArn: string;
  /** Every value of a request header, case-insensitive. */
  readonly headerValues: (name: string) => readonly string[];
  /** Every value of a query parameter. */
  readonly queryValues: (name: string) => readonly string[];
  readonly stageVariables: Readonly<Record<string, string>>;
  readonly context: Readonly<Record<string, string | number | undefined>>;
  /** The REQUEST authorizer event: the proxy event without the body, with `type` and `methodArn`. */
  readonly requestEvent: () => Record<string, unknown>;
}

interface Policy {
  readonly principalId: string;
  readonly statements: readonly Record<string, unknown>[];
  readonly context: Readonly<Record<string, string | number | boolean>>;
}

/** What {@link LambdaAuthorizers} runs authorizer functions with. */
export interface LambdaAuthorizerOptions {
  readonly runtime: LambdaRuntime;
  readonly now: () => number;
  /** Whether the authorizer's function lets API Gateway invoke it (its `AWS::Lambda::Permission`). */
  readonly permitted: (functionId: string, sourceArn: string) => boolean;
  /** The `execute-api` ARN of an authorizer, the source ARN of its invocations. */
  readonly authorizerArn: (authorizer: AuthorizerSpec) => string;
}

const lastOf = (values: readonly string[]) => values[values.length - 1];

/**
 * Runs TOKEN and REQUEST Lambda authorizers the way API Gateway does: the identity sources must be
 * present (else 401 without calling the function, when caching is on), a TOKEN must match the
 * authorizer's validation expression, the function's policy document allows or denies the method
 * ARN (explicit deny wins; 403 otherwise), `Unauthorized` thrown by the function is a 401, any
 * other failure a 500. Policies are cached by identity-source values for the authorizer's TTL
 * (300 s by default) and evaluated against each request's method ARN, as API Gateway does.
 *
 * @example
 * ```ts
 * const authorizers = new LambdaAuthorizers({ runtime, now: Date.now, permitted, authorizerArn });
 * const result = await authorizers.authorize(spec, request);
 * ```
 */
export class LambdaAuthorizers {
  private readonly cache = new Map<string, { expires: number; policy: Policy }>();

  constructor(private readonly options: LambdaAuthorizerOptions) {}

  clear(): void {
    this.cache.clear();
  }

  async authorize(spec: AuthorizerSpec, request: AuthorizerRequest): Promise<AuthorizationResult> {
    const sources = (
      spec.identitySource ?? (spec.type === 'TOKEN' ? 'method.request.header.Authorization' : '')
    )
      .split(',')
      .map((source) => source.trim())
      .filter(Boolean);
    const values = sources.map((source) => identityValue(source, request));
    const caching = spec.resultTtlSeconds > 0;
    const unauthorized = (reason: string): AuthorizationResult => ({
      ok: false,
      error: gatewayErrors.unauthorized(),
      reason: `${spec.name}: ${reason}`,
    });

    let event: Record<string, unknown>;
    if (spec.type === 'TOKEN') {
      const token = values[0];
      if (!token) return unauthorized(`no ${sources[0] ?? 'identity source'}`);
      if (
        spec.identityValidationExpression !== undefined &&
        !new RegExp(`^(?:${spec.identityValidationExpression})$`).test(token)
      ) {
        return unauthorized('the token does not match the identity validation expression');
      }
      event = { type: 'TOKEN', authorizationToken: token, methodArn: request.methodArn };
    } else {
      if (caching && (sources.length === 0 || values.some((value) => !value))) {
        return unauthorized(`missing identity source (${sources.join(', ') || 'none configured'})`);
      }
      event = request.requestEvent();
    }

    const key = `${spec.id}\0${values.join('\0')}`;
    const cached = caching ? this.cache.get(key) : undefined;
    if (cached && cached.expires > this.options.now())
      return evaluate(spec, cached.policy, request.methodArn, 0);

    if (
      spec.functionId === undefined ||
      !this.options.permitted(spec.functionId, this.options.authorizerArn(spec))
    ) {
      return {
        ok: false,
        error: gatewayErrors.authorizerConfigurationError(),
        reason: `${spec.name}: ${spec.functionId === undefined ? `no loaded function ${spec.functionArn ?? ''}` : 'no permission lets API Gateway invoke the authorizer function'}`,
      };
    }
    const started = this.options.now();
    const result = await this.options.runtime.invoke(spec.functionId, event);
    const latency = this.options.now() - started;
    if (!result.ok) {
      if (result.errorType === 'Error' && result.errorMessage === 'Unauthorized')
        return unauthorized('the authorizer answered Unauthorized');
      return {
        ok: false,
        error: gatewayErrors.authorizerConfigurationError(),
        reason: `${spec.name}: the authorizer failed (${result.errorType}: ${result.errorMessage})`,
      };
    }
    const policy = policyOf(result.payload);
    if (typeof policy === 'string') {
      return {
        ok: false,
        error: gatewayErrors.authorizerConfigurationError(),
        reason: `${spec.name}: ${policy}`,
      };
    }
    if (caching) this.cache.set(key, { expires: this.options.now() + spec.resultTtlSeconds * 1000, policy });
    return evaluate(spec, policy, request.methodArn, latency);
  }
}

function identityValue(source: string, request: AuthorizerRequest): string | undefined {
  const [root, second, kind, ...rest] = source.split('.');
  if (root === 'method' && second === 'request') {
    const name = rest.join('.');
    switch (kind) {
      case 'header':
        return lastOf(request.headerValues(name));
      case 'multivalueheader':
        return request.headerValues(name).join(',') || undefined;
      case 'querystring':
        return lastOf(request.queryValues(name));
      case 'multivaluequerystring':
        return request.queryValues(name).join(',') || undefined;
      default:
        return undefined;
    }
  }
  const name = source.slice(source.indexOf('.') + 1);
  if (root === 'stageVariables') return request.stageVariables[name];
  if (root === 'context') return request.context[name]?.toString();
  return undefined;
}

function policyOf(payload: unknown): Policy | string {
  if (!isRecord(payload)) return 'the authorizer did not return an object';
  const { principalId, policyDocument, context } = payload;
  if (typeof principalId !== 'string' && typeof principalId !== 'number')
    return 'the authorizer returned no principalId';
  if (!isRecord(policyDocument)) return 'the authorizer returned no policyDocument';
  const statement = policyDocument['Statement'];
  const statements = (Array.isArray(statement) ? statement : [statement]).filter(isRecord);
  if (statements.length === 0) return 'the policy document has no statement';
  const values: [string, string | number | boolean][] = [];
  if (context !== undefined && context !== null) {
    if (!isRecord(context)) return 'the authorizer context must be an object';
    for (const [name, value] of Object.entries(context)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return `the authorizer context value ${name} must be a string, number or boolean`;
      }
      values.push([name, value]);
    }
  }
  // fromEntries defines each key as an own property: a `__proto__` key stays a context value.
  return { principalId: String(principalId), statements, context: Object.fromEntries(values) };
}

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');

function matchesAny(patterns: readonly string[], value: string, caseInsensitive: boolean): boolean {
  return patterns.some((pattern) => {
    const regex = globPattern(caseInsensitive ? pattern.toLowerCase() : pattern).source.replace(/\\\?/g, '.');
    return new RegExp(regex, 's').test(caseInsensitive ? value.toLowerCase() : value);
  });
}

function evaluate(
  spec: AuthorizerSpec,
  policy: Policy,
  methodArn: string,
  latency: number,
): AuthorizationResult {
  const applies = (statement: Record<string, unknown>) =>
    matchesAny(listOf(statement['Action']), 'execute-api:Invoke', true) &&
    matchesAny(listOf(statement['Resource']), methodArn, false);
  const relevant = policy.statements.filter(applies);
  if (relevant.some((statement) => statement['Effect'] === 'Deny')) {
    return {
      ok: false,
      error: gatewayErrors.accessDenied(true),
      reason: `${spec.name}: the policy denies ${methodArn}`,
    };
  }
  if (!relevant.some((statement) => statement['Effect'] === 'Allow')) {
    return {
      ok: false,
      error: gatewayErrors.accessDenied(false),
      reason: `${spec.name}: the policy does not allow ${methodArn}`,
    };
  }
  return {
    ok: true,
    authorizer: { ...policy.context, principalId: policy.principalId, integrationLatency: latency },
  };
}
