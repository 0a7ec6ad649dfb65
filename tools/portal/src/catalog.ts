/**
 * The portal's catalog: services, teams, routes, events, tables and the front door's route map,
 * derived from {@link PortalInputs}. Pages and the AsyncAPI document are rendered from it.
 */
import type { Json, OpenApiDocument, PortalInputs } from './inputs';
import { eventRulesOf, ruleMatches, stacksOf, tablesOf, type TableKeys } from './templates';

/** One operation of a contract's OpenAPI document. */
export interface RouteEntry {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** Whether the operation asks for a token. */
  readonly secured: boolean;
}

/** A service that receives an event, and how. */
export interface Consumer {
  readonly service: string;
  readonly rule: string;
  readonly targets: readonly string[];
}

/** A domain event: who announces it (its contract's service) and who follows it (the templates' rules). */
export interface EventEntry {
  readonly source: string;
  readonly detailType: string;
  readonly producer: string;
  readonly consumers: readonly Consumer[];
  /** The detail's JSON Schema (envelope and entity). */
  readonly schema: Json;
  /** The envelope fields the detail carries of correlation and causation. */
  readonly carries: { readonly correlationId: boolean; readonly causationId: boolean };
}

/** Who answers a service's base paths at the front door. */
export type FrontDoorStatus = 'routed' | 'pending' | 'websocket' | 'catch-all' | 'none';

/** A service (an `apps/*` project) as the portal shows it. */
export interface ServiceEntry {
  readonly name: string;
  readonly root: string;
  readonly team: string;
  readonly owners: readonly string[];
  readonly purpose: string;
  readonly contract?: { readonly root: string; readonly title: string; readonly version: string };
  readonly routes: readonly RouteEntry[];
  /** The messages of its WebSocket contract (`accepts.track`, `sends.status`), if it has one. */
  readonly socketMessages: readonly string[];
  readonly produces: readonly string[];
  readonly consumes: readonly string[];
  readonly tables: readonly TableKeys[];
  readonly stacks: readonly string[];
  readonly frontDoor: FrontDoorStatus;
  readonly readme?: string;
}

/** One base path of the platform domain: who serves it, and whether it has moved out of the monolith. */
export interface RouteMapEntry {
  readonly basePath: string;
  readonly servedBy: string;
  readonly team: string;
  readonly state: 'moved' | 'pending' | 'monolith';
  /** Whether the monolith's contract still has routes under it (code left to delete after a move). */
  readonly inMonolith: boolean;
}

/** A team, what it owns and who reviews it. */
export interface TeamEntry {
  readonly name: string;
  readonly owners: readonly string[];
  readonly purpose: string;
  readonly projects: readonly string[];
}

/** Everything the portal shows. */
export interface Catalog {
  readonly services: readonly ServiceEntry[];
  readonly teams: readonly TeamEntry[];
  readonly events: readonly EventEntry[];
  readonly routeMap: readonly RouteMapEntry[];
  readonly webSockets: ReadonlyArray<{
    readonly service: string;
    readonly team: string;
    readonly domain: string;
  }>;
  /** The contracts with an OpenAPI document, by service. */
  readonly apis: readonly string[];
  readonly fallback: string;
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** The operations of an OpenAPI document, in path order. */
export function routesOf(document: OpenApiDocument): RouteEntry[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    methods
      .filter((method) => typeof item[method] === 'object' && item[method] !== null)
      .map((method) => {
        const operation = item[method] as Record<string, Json>;
        const security = operation.security;
        return {
          method: method.toUpperCase(),
          path,
          operationId: typeof operation.operationId === 'string' ? operation.operationId : '',
          summary: typeof operation.summary === 'string' ? operation.summary : '',
          secured: Array.isArray(security) && security.length > 0,
        };
      }),
  );
}

/**
 * The owners CODEOWNERS gives a folder: the last matching line wins, as GitHub reads it.
 *
 * @example
 * ```ts
 * ownersOf('* @a\n/apps/menu/ @b\n', 'apps/menu'); // ['@b']
 * ```
 */
export function ownersOf(codeowners: string, root: string): string[] {
  let owners: string[] = [];
  for (const line of codeowners.split('\n')) {
    const [pattern, ...handles] = line.trim().split(/\s+/);
    if (!pattern || pattern.startsWith('#')) continue;
    if (pattern === '*' || `/${root}/`.startsWith(pattern)) owners = handles;
  }
  return owners;
}

const scopeOf = (tags: readonly string[]) => tags.find((tag) => tag.startsWith('scope:'))?.slice(6) ?? '';
const isApp = (tags: readonly string[]) => tags.includes('type:app');

/** Whether a detail schema declares a property (its envelope field). */
function declares(schema: Json, property: string): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  const properties = schema.properties;
  return (
    typeof properties === 'object' &&
    properties !== null &&
    !Array.isArray(properties) &&
    property in properties
  );
}

function eventsOf(inputs: PortalInputs, serviceRoots: ReadonlyMap<string, string>): EventEntry[] {
  const rules = [...serviceRoots].flatMap(([service, root]) =>
    stacksOf(inputs.stacks, root).flatMap((stack) =>
      eventRulesOf(stack.template).map((rule) => ({ service, rule })),
    ),
  );
  return Object.entries(inputs.eventSchemas).flatMap(([producer, schemas]) =>
    Object.entries(schemas).map(([detailType, schema]) => {
      const source = `slice.${producer}`;
      const consumers = rules
        .filter(({ rule }) => ruleMatches(rule, source, detailType))
        .map(({ service, rule }) => ({ service, rule: rule.logicalId, targets: rule.targets }));
      return {
        source,
        detailType,
        producer,
        consumers,
        schema,
        carries: {
          correlationId: declares(schema, 'correlationId'),
          causationId: declares(schema, 'causationId'),
        },
      };
    }),
  );
}

function frontDoorStatus(inputs: PortalInputs, service: string): FrontDoorStatus {
  const route = inputs.frontDoor.services.find((each) => each.service === service);
  if (route) return (route.target ?? 'service') === 'service' ? 'routed' : 'pending';
  if (inputs.frontDoor.webSockets?.some((each) => each.service === service)) return 'websocket';
  if (service === inputs.frontDoor.fallback) return 'catch-all';
  return 'none';
}

/**
 * The front door's route map: every base path a service claims or the monolith's contract
 * serves, with who answers it today.
 */
export function routeMapOf(inputs: PortalInputs): RouteMapEntry[] {
  const monolith = inputs.openapi[inputs.frontDoor.fallback];
  const monolithPaths = new Set(Object.keys(monolith?.paths ?? {}).map((path) => path.split('/')[1] ?? ''));
  const claimed = inputs.frontDoor.services.flatMap((route) =>
    route.basePaths.map((basePath) => ({
      basePath,
      servedBy: (route.target ?? 'service') === 'service' ? route.service : inputs.frontDoor.fallback,
      team: route.team,
      state: (route.target ?? 'service') === 'service' ? ('moved' as const) : ('pending' as const),
      inMonolith: monolithPaths.has(basePath),
    })),
  );
  const claimedPaths = new Set(claimed.map((entry) => entry.basePath));
  const legacy = [...monolithPaths]
    .filter((basePath) => basePath !== '' && !claimedPaths.has(basePath))
    .map((basePath) => ({
      basePath,
      servedBy: inputs.frontDoor.fallback,
      team: 'legacy',
      state: 'monolith' as const,
      inMonolith: true,
    }));
  return [...claimed, ...legacy].sort((a, b) => a.basePath.localeCompare(b.basePath));
}

/**
 * Derives the whole catalog from the portal's inputs.
 *
 * @example
 * ```ts
 * const catalog = buildCatalog(await readInputs(root));
 * catalog.services.map((service) => service.name); // ['kitchen', 'menu', 'monolith', 'orders', 'tracking']
 * ```
 */
export function buildCatalog(inputs: PortalInputs): Catalog {
  const apps = inputs.projects.filter((project) => isApp(project.tags));
  const serviceRoots = new Map(apps.map((project) => [project.name, project.root]));
  const events = eventsOf(inputs, serviceRoots);
  const services = apps.map((project): ServiceEntry => {
    const document = inputs.openapi[project.name];
    const team = scopeOf(project.tags);
    const contractRoot = `libs/contracts/${project.name}`;
    const stacks = stacksOf(inputs.stacks, project.root);
    const readme = inputs.readmes[project.root];
    return {
      name: project.name,
      root: project.root,
      team,
      owners: ownersOf(inputs.codeowners, project.root),
      purpose: inputs.teams[team]?.purpose ?? `Stewarded by ${(inputs.stewards[team] ?? []).join(', ')}`,
      ...(document
        ? { contract: { root: contractRoot, title: document.info.title, version: document.info.version } }
        : {}),
      routes: document ? routesOf(document) : [],
      socketMessages: Object.keys((inputs.sockets[project.name] ?? {}) as Record<string, Json>),
      produces: events.filter((event) => event.producer === project.name).map((event) => event.detailType),
      consumes: events
        .filter((event) => event.consumers.some((consumer) => consumer.service === project.name))
        .map((event) => event.detailType),
      tables: stacks.flatMap((stack) => tablesOf(stack.template)),
      stacks: stacks.map((stack) => stack.stackName),
      frontDoor: frontDoorStatus(inputs, project.name),
      ...(readme === undefined ? {} : { readme }),
    };
  });
  const teamNames = [...Object.keys(inputs.teams), ...Object.keys(inputs.stewards)];
  const teams = teamNames.map((name) => ({
    name,
    owners:
      inputs.teams[name]?.owners ??
      (inputs.stewards[name] ?? []).flatMap((team) => inputs.teams[team]?.owners ?? []),
    purpose: inputs.teams[name]?.purpose ?? `Stewarded by ${(inputs.stewards[name] ?? []).join(', ')}`,
    projects: inputs.projects
      .filter((project) => scopeOf(project.tags) === name)
      .map((project) => project.name),
  }));
  return {
    services,
    teams,
    events,
    routeMap: routeMapOf(inputs),
    webSockets: (inputs.frontDoor.webSockets ?? []).map((each) => ({
      service: each.service,
      team: each.team,
      domain: `${each.subdomain}.<domain>`,
    })),
    apis: Object.keys(inputs.openapi).filter((name) => name !== 'slice'),
    fallback: inputs.frontDoor.fallback,
  };
}
