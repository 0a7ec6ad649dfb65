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
import type { MovedBasePaths } from './adapters/moved-base-paths';
import type { Claims, TokenVerifier } from './adapters/token-verifier';

/**
 * The header that sends a moved route back to the monolith, for comparison and rollback; the
 * platform WAF refuses it from any source outside the stage's preview sources.
 */
export const routingHeader = { name: 'x-slice-route', value: 'monolith' } as const;

/** A route the router serves: its compiled path and the `http()` handler of that route. */
export interface CompiledRoute {
  readonly handler: HttpHandler;
  readonly method: string;
  readonly segments: readonly ({ readonly literal: string } | { readonly parameter: string })[];
}

/** What the router needs besides its routes. */
export interface RouterOptions {
  /** Verifies the bearer token of a route that needs a signed-in caller. */
  readonly verify: TokenVerifier;
  /**
   * The base paths that moved to a service: their routes answer 404 here, as a route that does not
   * exist, unless the request carries {@link routingHeader}. The front door sends such paths to the
   * service, so only a spelling its rules do not match (`/%6Frders`) could reach the monolith.
   * @default nothing moved
   */
  readonly movedBasePaths?: MovedBasePaths;
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

/** A percent-decoded segment; a malformed escape stays as sent (the route's schema refuses it). */
const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** A route's path with its parameters unnamed: `/orders/{}` for `/orders/{orderId}`, one API Gateway resource. */
const shapeOf = (route: Pick<CompiledRoute, 'handler'>): string =>
  route.handler.route.path.replace(/\{[^}]+\}/g, '{}');

/**
 * API Gateway's resource order: at the first segment where two routes differ, a literal segment
 * beats a `{param}` (`/menu/items` before `/menu/{itemId}`, `/a/b/{x}` before `/a/{y}/c`).
 */
function byResourceOrder(left: CompiledRoute, right: CompiledRoute): number {
  if (left.segments.length !== right.segments.length) return left.segments.length - right.segments.length;
  for (let index = 0; index < left.segments.length; index++) {
    const leftLiteral = 'literal' in (left.segments[index] ?? {});
    const rightLiteral = 'literal' in (right.segments[index] ?? {});
    if (leftLiteral !== rightLiteral) return leftLiteral ? -1 : 1;
  }
  return 0;
}

/**
 * Compiles `http()` handlers into the routes {@link matchRoute} searches, in API Gateway's order,
 * and refuses two routes on the same method and path shape.
 *
 * @example
 * ```ts
 * const routes = compileRoutes(handlers); // then matchRoute(routes, 'GET', '/menu')
 * ```
 */
export function compileRoutes(handlers: readonly HttpHandler[]): CompiledRoute[] {
  const routes = handlers.map((handler) => ({
    handler,
    method: handler.route.method,
    segments: handler.route.path
      .split('/')
      .filter(Boolean)
      .map((part) => {
        const parameter = /^\{([^}+]+)\}$/.exec(part)?.[1];
        return parameter === undefined ? { literal: part } : { parameter };
      }),
  }));
  const seen = new Set<string>();
  for (const route of routes) {
    const signature = `${route.method} ${shapeOf(route)}`;
    if (seen.has(signature)) throw new Error(`Two routes answer ${signature}.`);
    seen.add(signature);
  }
  return routes.sort(byResourceOrder);
}

/**
 * Finds the route of a method and path among compiled routes, matching as API Gateway matches a
 * REST API's resources: first the resource, segment by segment on the percent-decoded path
 * (case-sensitive; a literal segment beats a `{param}`, which takes one non-empty segment, an
 * encoded slash `%2F` included; one trailing slash ignored; an empty segment `//` matches
 * nothing), then the method on that resource. `undefined` when no resource matches the path or it
 * has no such method (`GET /a/b` never falls through to `GET /a/{x}` when `/a/b` only has `POST`).
 *
 * @example
 * ```ts
 * matchRoute(compileRoutes(handlers), 'GET', '/menu/items/margherita'); // { handler: getMenuItem, pathParameters: { itemId: 'margherita' } }
 * ```
 */
export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const parts = path.split('/').slice(1);
  if (parts.length > 0 && parts.at(-1) === '') parts.pop();
  if (parts.some((part) => part === '')) return undefined;
  const decoded = parts.map(decode);
  const parametersOf = (route: CompiledRoute): Record<string, string> | undefined => {
    if (route.segments.length !== decoded.length) return undefined;
    const parameters: Record<string, string> = {};
    for (const [index, segment] of route.segments.entries()) {
      const part = decoded[index] ?? '';
      if ('literal' in segment) {
        if (segment.literal !== part) return undefined;
      } else parameters[segment.parameter] = part;
    }
    return parameters;
  };
  const resource = routes.find((route) => parametersOf(route) !== undefined);
  if (!resource) return undefined;
  const route = routes.find(
    (candidate) => candidate.method === method && shapeOf(candidate) === shapeOf(resource),
  );
  const parameters = route && parametersOf(route);
  if (!route || !parameters) return undefined;
  return {
    handler: route.handler,
    pathParameters: Object.keys(parameters).length > 0 ? parameters : null,
  };
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

const notFound = { error: new NotFoundError(''), detail: 'No route matches this method and path.' };

/**
 * Whether the route belongs to a group that moved to a service and the request did not ask for
 * the monolith: then it answers as a route that does not exist (404), whatever the path's
 * spelling, since the group is the matched route's own first segment. The moved groups cannot
 * be read: 503, never the route.
 */
async function refuseMovedGroup(
  routePath: string,
  event: APIGatewayProxyEvent,
  movedBasePaths: MovedBasePaths | undefined,
): Promise<{ error: HttpError; detail: string | undefined } | undefined> {
  if (!movedBasePaths || headerOf(event, routingHeader.name) === routingHeader.value) return undefined;
  let moved: ReadonlySet<string>;
  try {
    moved = await movedBasePaths();
  } catch (error) {
    logger.error('Moved base paths unavailable', { error: error instanceof Error ? error : String(error) });
    return { error: new ServiceUnavailableError('', { retryAfterSeconds: 1 }), detail: undefined };
  }
  const group = routePath.split('/')[1] ?? '';
  return moved.has(group) ? notFound : undefined;
}

/**
 * The lambdalith's router: one Lambda behind a `ANY /{proxy+}` resource serving many contract
 * routes. For each request it finds the route (404 problem+json as the gateway's own answer when
 * none matches), verifies the bearer token on `user` and `staff` routes (401 as the Cognito
 * authorizer would answer), refuses a route of a group that moved to a service unless the request
 * carries {@link routingHeader} (404, as a route that does not exist), then hands the route's `http()` handler the event API Gateway would
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
  const routes = compileRoutes(handlers);
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
    const refused = await refuseMovedGroup(route.path, event, options.movedBasePaths);
    if (refused) return gatewayProblem(refused.error, refused.detail, event, corsOrigins);
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
