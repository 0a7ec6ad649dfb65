import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { MethodSpec } from '../../assembly/types';
import type { AuthorizationResult, CognitoVerifier, LambdaAuthorizers } from './authorizers';
import type { Exchange, Outcome } from './exchange';
import { methodArnTooLong } from './limit';
import { gatewayErrors } from './responses';
import { executeApiArn } from './state';

/** The authorizers a gateway runs: Cognito user pools (the local issuer) and Lambda functions. */
export interface Authorizers {
  readonly cognito: CognitoVerifier;
  readonly lambda: LambdaAuthorizers;
}

const anonymous: AuthorizationResult & { ok: true } = { ok: true };

/**
 * Runs the method's authorizer: none (`NONE`), the Cognito user-pool authorizer on its identity
 * header, or a Lambda TOKEN/REQUEST authorizer (the REQUEST event is the proxy event without its
 * body). Answers API Gateway's 401/403/500 through the API's gateway responses when it refuses,
 * and `414` when the method ARN is too long for an authorized method. `AWS_IAM` is not run locally
 * (it answers 403 Missing Authentication Token, and the loader warns about it).
 *
 * @example
 * ```ts
 * const auth = await authorize(exchange, method, authorizers, () => proxyEvent());
 * if ('statusCode' in auth) return auth;
 * ```
 */
export async function authorize(
  exchange: Exchange,
  method: MethodSpec,
  authorizers: Authorizers,
  proxyEvent: () => APIGatewayProxyEvent,
): Promise<(AuthorizationResult & { ok: true }) | Outcome> {
  if (method.authorizationType === 'NONE') return anonymous;
  const { api, client, stage } = exchange;
  const methodArn = executeApiArn(
    exchange.state,
    api.spec,
    `${stage.name}/${client.httpMethod}${exchange.apiPath}`,
  );
  const tooLong = methodArnTooLong(methodArn);
  if (tooLong) return { ...tooLong, route: exchange.route() };
  const result = await decide(exchange, method, authorizers, methodArn, proxyEvent);
  return result.ok ? result : exchange.fail(result.error, result.reason);
}

function decide(
  exchange: Exchange,
  method: MethodSpec,
  authorizers: Authorizers,
  methodArn: string,
  proxyEvent: () => APIGatewayProxyEvent,
): Promise<AuthorizationResult> | AuthorizationResult {
  const { api, client, stage } = exchange;
  if (method.authorizationType === 'AWS_IAM') {
    return {
      ok: false,
      error: gatewayErrors.missingAuthenticationToken(),
      reason: 'AWS_IAM authorization is not supported by the local gateway',
    };
  }
  const authorizer = method.authorizerId === undefined ? undefined : api.authorizers.get(method.authorizerId);
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
    return authorizers.cognito.verify(client.headers.last(header), method.authorizationScopes);
  }
  return authorizers.lambda.authorize(authorizer, {
    methodArn,
    headerValues: (name) => client.headers.values(name.toLowerCase()),
    queryValues: (name) => client.query.get(name) ?? [],
    stageVariables: stage.variables,
    context: exchange.context(),
    requestEvent: () => {
      const { body: _body, isBase64Encoded: _encoded, ...event } = proxyEvent();
      return { type: 'REQUEST', methodArn, ...event };
    },
  });
}

/**
 * API Gateway's `400 Missing required request parameters: [a, b]` (`BAD_REQUEST_PARAMETERS`) when
 * the method validates request parameters and a required header, query parameter or path
 * parameter is absent.
 *
 * @example
 * ```ts
 * const refused = missingParameters(exchange, method);
 * if (refused) return refused;
 * ```
 */
export function missingParameters(exchange: Exchange, method: MethodSpec): Outcome | undefined {
  if (!method.validateRequestParameters) return undefined;
  const { client, pathParameters } = exchange;
  const missing = Object.entries(method.requestParameters)
    .filter(([, required]) => required)
    .map(([parameter]) => /^method\.request\.(header|querystring|path)\.(.+)$/.exec(parameter))
    .filter((parsed): parsed is RegExpExecArray => parsed !== null)
    .filter(([, kind, name = '']) =>
      kind === 'header'
        ? client.headers.values(name.toLowerCase()).length === 0
        : kind === 'querystring'
          ? !client.query.has(name)
          : !Object.hasOwn(pathParameters, name),
    )
    .map(([, , name = '']) => name);
  return missing.length > 0 ? exchange.fail(gatewayErrors.badRequestParameters(missing)) : undefined;
}
