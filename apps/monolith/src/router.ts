import {
  NotFoundError,
  problemContentType,
  problemType,
  ServiceUnavailableError,
  UnauthorizedError,
  type HttpError,
} from '@slice/contract';
import { logger, type HttpHandler } from '@slice/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Claims, TokenVerifier } from './adapters/token-verifier';

/** A route the router serves: its compiled path and the `http()` handler of that route. */
interface CompiledRoute {
  readonly handler: HttpHandler;
  readonly method: string;
  readonly segments: readonly ({ readonly literal: string } | { readonly parameter: string })[];
  /** Literal segments count: `/menu/items` beats `/menu/{itemId}` for `/menu/items`. */
  readonly specificity: number;
}

/** What the router needs besides its routes. */
export interface RouterOptions {
  /** Verifies the bearer token of a route that needs a signed-in caller. */
  readonly verify: TokenVerifier;
  /**
   * The origins browsers may call from, for the CORS header of the router's own answers.
   * @default the comma-separated `CORS_ALLOWED_ORIGINS`, or `*`
   */
  readonly corsOrigins?: readonly string[];
}

/** The route a request matched and its path parameters, as API Gateway would decode them. */
export interface RouteMatch {
  readonly handler: HttpHandler;
  readonly pathParameters: Readonly<Record<string, string>> | null;
}

function compile(handler: HttpHandler): CompiledRoute {
  const segments = handler.route.path
    .split('/')
    .filter(Boolean)
    .map((part) => {
      const parameter = /^\{([^}+]+)\}$/.exec(part)?.[1];
      return parameter === undefined ? { literal: part } : { parameter };
    });
  return {
    handler,
    method: handler.route.method,
    segments,
    specificity: segments.filter((segment) => 'literal' in segment).length,
  };
}

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/**
 * Finds the route of a method and path among `http()` handlers: literal segments match exactly
 * (case-sensitive, as API Gateway resources do), `{param}` segments match one non-empty segment,
 * the most literal route wins. `undefined` when no route has this method and path.
 *
 * @example
 * ```ts
 * matchRoute(compiled, 'GET', '/menu/items/margherita'); // { handler: getMenuItem, pathParameters: { itemId: 'margherita' } }
 * ```
 */
export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const parameters: Record<string, string> = {};
    const matches = route.segments.every((segment, index) => {
      const part = parts[index] ?? '';
      if ('literal' in segment) return segment.literal === part;
      const value = decode(part);
      if (value === undefined || value === '') return false;
      parameters[segment.parameter] = value;
      return true;
    });
    if (matches) {
      return {
        handler: route.handler,
        pathParameters: route.segments.length > route.specificity ? parameters : null,
      };
    }
  }
  return undefined;
}

/** The answer API Gateway gives itself (a gateway response), as problem+json. */
function gatewayProblem(
  error: HttpError,
  detail: string | undefined,
  event: APIGatewayProxyEvent,
  corsOrigins: readonly string[],
): APIGatewayProxyResult {
  const origin = corsOrigins.includes('*') ? '*' : corsOrigins.length === 1 ? corsOrigins[0] : undefined;
  return {
    statusCode: error.status,
    headers: {
      'content-type': problemContentType,
      'x-content-type-options': 'nosniff',
      'access-control-expose-headers': 'X-Correlation-Id,Retry-After',
      ...(origin ? { 'access-control-allow-origin': origin } : {}),
      ...(error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) }),
    },
    body: JSON.stringify({
      type: problemType(error.kind),
      title: error.title,
      status: error.status,
      ...(detail === undefined ? {} : { detail }),
      correlationId: event.requestContext.requestId,
    }),
  };
}

const headerOf = (event: APIGatewayProxyEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/**
 * The lambdalith's router: one Lambda behind a `ANY /{proxy+}` resource serving many contract
 * routes. For each request it finds the route (404 problem+json as the gateway's own answer when
 * none matches), verifies the bearer token on `user` and `staff` routes (401 as the Cognito
 * authorizer would answer), then hands the route's `http()` handler the event API Gateway would
 * have built for that route's own resource: `resource`, `pathParameters` and the authorizer
 * `claims`. Validation, the staff check (403), idempotency and problem+json are the handler's, as
 * in every service.
 *
 * @example
 * ```ts
 * export const handler = createRouter([http(menuContract.routes.listMenu, ...), ...], { verify });
 * ```
 */
export function createRouter(
  handlers: readonly HttpHandler[],
  options: RouterOptions,
): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const routes = handlers.map(compile).sort((left, right) => right.specificity - left.specificity);
  const seen = new Set<string>();
  for (const route of routes) {
    const signature = `${route.method} ${route.handler.route.path.replace(/\{[^}]+\}/g, '{}')}`;
    if (seen.has(signature)) throw new Error(`Two routes answer ${signature}.`);
    seen.add(signature);
  }
  const corsOrigins =
    options.corsOrigins ??
    (process.env.CORS_ALLOWED_ORIGINS ?? '*').split(',').map((origin) => origin.trim());

  return async (event, context) => {
    const match = matchRoute(routes, event.httpMethod, event.path);
    if (!match) {
      return gatewayProblem(
        new NotFoundError(''),
        'No route matches this method and path.',
        event,
        corsOrigins,
      );
    }
    const { route } = match.handler;
    let authorizer: APIGatewayProxyEvent['requestContext']['authorizer'] = null;
    if (route.auth !== 'public') {
      let claims: Claims | undefined;
      try {
        claims = await options.verify(headerOf(event, 'authorization'));
      } catch (error) {
        // The user pool's keys could not be read: the token may be fine, so not a 401.
        logger.error('Token verification failed', { error: error instanceof Error ? error : String(error) });
        return gatewayProblem(
          new ServiceUnavailableError('', { retryAfterSeconds: 1 }),
          undefined,
          event,
          corsOrigins,
        );
      }
      if (!claims) {
        return gatewayProblem(
          new UnauthorizedError(''),
          'A valid bearer token from the platform user pool is required.',
          event,
          corsOrigins,
        );
      }
      authorizer = { claims };
    }
    return match.handler(
      {
        ...event,
        resource: route.path,
        pathParameters: match.pathParameters,
        requestContext: { ...event.requestContext, resourcePath: route.path, authorizer },
      },
      context,
    );
  };
}
