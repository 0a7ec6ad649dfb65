/**
 * The front door's routing manifest: which service answers which base path on the platform
 * domain. This file is the one reviewed place where a route moves from the monolith to a team's
 * service: add the base path to the service, and the monolith stops seeing it.
 *
 * Rules are evaluated by priority, lowest first. Header rules sit above the base-path rules so a
 * header can send traffic elsewhere (a preview, or the monolith for comparison and rollback); the
 * catch-all sits last and sends every route nobody has moved yet to the legacy monolith.
 */

/** A service's claim on base paths of the platform domain. */
export interface ServiceRoute {
  /** The service name: its app folder, Nx project and SSM prefix (`/slice/<stage>/<service>/api-id`). */
  readonly service: string;
  /** The owning team, as in `tools/workspace/src/teams.ts` and CODEOWNERS. */
  readonly team: string;
  /** Base paths without slashes: `orders` for `/orders/...`. */
  readonly basePaths: readonly string[];
  /** 1 to 1,000,000; leave gaps so rules can be inserted. */
  readonly priority: number;
  /**
   * Who answers the base paths today. A new service starts as `'monolith'`: it is listed (its
   * owners and contract are checked) while the monolith keeps serving its base paths, until the
   * shared suite passes against the service (`npm run parity`) and this line is removed.
   *
   * @default 'service'
   */
  readonly target?: 'service' | 'monolith';
}

/** Whether the front door sends a service's base paths to it (rather than to the monolith). */
export function isRouted(route: ServiceRoute): boolean {
  return (route.target ?? 'service') === 'service';
}

/** A rule that sends requests with a header to another target, above the base-path rules. */
export interface HeaderRoute {
  readonly header: string;
  /** A glob such as `orders` or `preview-*`. */
  readonly value: string;
  /** The service (or `monolith`) that answers. */
  readonly target: string;
  /** Only for these base paths; every path when absent. */
  readonly basePaths?: readonly string[];
  readonly priority: number;
  readonly purpose: string;
}

/**
 * A WebSocket service on the stage's WebSocket domain (`webSocketDomainName`, `ws.<domain>`):
 * one API mapping, since API Gateway maps a WebSocket API onto a domain of its own.
 */
export interface WebSocketRoute {
  /** The service name: its app folder, Nx project and SSM prefix (`/slice/<stage>/<service>/api-id`). */
  readonly service: string;
  /** The owning team, as in `tools/workspace/src/teams.ts` and CODEOWNERS. */
  readonly team: string;
  /** The first label of the domain, as the service's socket contract declares it: `ws`. */
  readonly subdomain: string;
}

/** The whole manifest. */
export interface RoutingManifest {
  readonly services: readonly ServiceRoute[];
  /** WebSocket services, each on its own domain; at most one per stage today (`ws.<domain>`). */
  readonly webSockets?: readonly WebSocketRoute[];
  readonly headerRules: readonly HeaderRoute[];
  /**
   * Where unmatched requests go: the legacy monolith (its API id from `/slice/<stage>/monolith/api-id`),
   * or a placeholder that answers 404 on a platform without a monolith.
   */
  readonly fallback: 'monolith' | 'placeholder';
}

/**
 * Slice's routing today: Menu and Orders are extracted; everything else is still the monolith's.
 * `x-slice-route: monolith` sends a moved route back to the monolith, for comparison and instant
 * rollback. The platform WAF answers this header with 403 from any source outside the stage's
 * `previewSources` (`infra/src/routing-header-guard.ts`), so nobody else reaches the monolith's
 * data behind a moved route; a rule on another header name is not guarded.
 */
export const routing: RoutingManifest = {
  services: [
    { service: 'menu', team: 'menu', basePaths: ['menu'], priority: 1000 },
    { service: 'orders', team: 'orders', basePaths: ['orders'], priority: 1100 },
    { service: 'kitchen', team: 'kitchen', basePaths: ['kitchen'], priority: 1200 },
  ],
  webSockets: [{ service: 'tracking', team: 'tracking', subdomain: 'ws' }],
  headerRules: [
    {
      header: 'x-slice-route',
      value: 'monolith',
      target: 'monolith',
      priority: 100,
      purpose: 'Send a moved route to the monolith, to compare answers or to roll back at once.',
    },
  ],
  fallback: 'monolith',
};

/** The lowest priority: the catch-all. */
export const catchAllPriority = 1_000_000;
