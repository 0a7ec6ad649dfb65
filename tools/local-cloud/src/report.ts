import type { LocalModel, RoutingRuleSpec } from './assembly';

/** One line of the table `npm start` prints. */
export interface ServiceLine {
  readonly service: string;
  readonly team: string;
  readonly basePaths: string;
  readonly routes: readonly string[];
  readonly functions: number;
}

const tagOf = (tags: unknown, key: string): string | undefined =>
  Array.isArray(tags)
    ? (tags as Array<{ Key?: string; Value?: string }>).find((tag) => tag.Key === key)?.Value
    : undefined;

/**
 * The services the local cloud serves: owning team and base paths (from the routing rules), routes
 * (from the REST API methods) and functions (from the stack), one line per REST API.
 */
export function describeServices(model: LocalModel, routingRules: readonly RoutingRuleSpec[]): ServiceLine[] {
  return [...restApiLines(model, routingRules), ...webSocketApiLines(model)];
}

/** One line per WebSocket API: its local URLs as base paths (`/_ws/<apiId>/<stage>`, `ws.localhost`), its route keys. */
function webSocketApiLines(model: LocalModel): ServiceLine[] {
  return (model.webSocketApis ?? []).map((api) => {
    const stack = model.stacks.find((candidate) => candidate.name === api.stackName);
    const tags = stack?.template.Resources?.[api.logicalId]?.Properties?.Tags;
    // An ApiGatewayV2 API's tags are a map, not a list of `Key`/`Value`.
    const tagged =
      typeof tags === 'object' && tags !== null && !Array.isArray(tags)
        ? (tags as Record<string, unknown>)
        : {};
    const tag = (key: string) => {
      const value = tagged[key];
      return typeof value === 'string' ? value : undefined;
    };
    const urls = [
      ...api.stages.map((stage) => `/_ws/${api.id}/${stage.name}`),
      ...api.domains.map(
        (domain) => `${domain.domainName.split('.')[0] ?? ''}.localhost/${domain.mappingKey}`,
      ),
    ];
    return {
      service: tag('slice:service') ?? api.name,
      team: tag('slice:team') ?? '-',
      basePaths: urls.join(' ') || '-',
      routes: api.routes.map((route) => route.routeKey),
      functions: model.functions.filter((fn) => fn.stackName === api.stackName).length,
    };
  });
}

function restApiLines(model: LocalModel, routingRules: readonly RoutingRuleSpec[]): ServiceLine[] {
  return model.restApis.map((api) => {
    const stack = model.stacks.find((candidate) => candidate.name === api.stackName);
    const resource = stack?.template.Resources?.[api.logicalId];
    const tags = resource?.Properties?.Tags;
    const rules = routingRules.filter((rule) => rule.apiId === api.id);
    const basePaths = rules.flatMap((rule) =>
      rule.basePaths?.length
        ? rule.basePaths.map((path) => `/${path}`)
        : rule.headers?.length
          ? []
          : ['(catch-all)'],
    );
    const routes = api.resources.flatMap((res) =>
      res.methods
        .filter((method) => method.httpMethod !== 'OPTIONS')
        .map((method) => `${method.httpMethod} ${res.path}`),
    );
    return {
      service: tagOf(tags, 'slice:service') ?? api.name,
      team: tagOf(tags, 'slice:team') ?? '-',
      basePaths: [...new Set(basePaths)].join(' ') || '-',
      routes,
      functions: model.functions.filter((fn) => fn.stackName === api.stackName).length,
    };
  });
}

/** The table as text. */
export function formatServices(lines: readonly ServiceLine[]): string {
  const header = ['service', 'team', 'base path', 'functions', 'routes'];
  const rows = lines.map((line) => [
    line.service,
    line.team,
    line.basePaths,
    String(line.functions),
    line.routes.join(', '),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  return [header, ...rows]
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/**
 * The state machines `npm start` lists: name, type, stack and ARN, one line each; empty when the
 * templates declare none.
 */
export function formatStateMachines(model: LocalModel): string {
  const machines = model.stateMachines ?? [];
  if (machines.length === 0) return '';
  const rows = machines.map((machine) => [machine.name, machine.type, machine.stackName, machine.arn]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map(
    (row) => `  ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`,
  );
  return [`State machines (executions: GET /_local/executions):`, ...lines].join('\n');
}

/** A topic and its subscriptions, or a schedule and its next run, as `npm start` lists them. */
export interface MessagingLine {
  readonly kind: 'topic' | 'schedule' | 'rule';
  readonly name: string;
  /** A topic's subscriptions (`sqs orders-raw`, `sms +316...`), a schedule's expression, zone and next run. */
  readonly detail: string;
}

/** The topics with their subscriptions, then the schedules and scheduled rules with their next runs. */
export function describeMessaging(
  model: Pick<LocalModel, 'topics' | 'subscriptions'>,
  schedules: ReadonlyArray<{
    kind: 'schedule' | 'rule';
    name: string;
    expression: string;
    timezone: string;
    nextRun: string | null;
  }>,
): MessagingLine[] {
  const topics = (model.topics ?? []).map((topic): MessagingLine => {
    const subscribed = (model.subscriptions ?? [])
      .filter((subscription) => subscription.topicArn === topic.arn)
      .map((subscription) => {
        // A queue or function by its name; an address, number or URL as it is.
        const { endpoint } = subscription;
        const shown = endpoint.startsWith('arn:') ? endpoint.slice(endpoint.lastIndexOf(':') + 1) : endpoint;
        return `${subscription.protocol} ${shown}${subscription.filterPolicy ? ' (filtered)' : ''}`;
      });
    return { kind: 'topic', name: topic.name, detail: subscribed.join(', ') || 'no subscriptions' };
  });
  const runs = schedules.map((schedule): MessagingLine => ({
    kind: schedule.kind,
    name: schedule.name,
    detail: `${schedule.expression} ${schedule.timezone}, next ${schedule.nextRun ?? 'never'}`,
  }));
  return [...topics, ...runs];
}

/** The lines as text, or nothing when there are none. */
export function formatMessaging(lines: readonly MessagingLine[]): string {
  const width = Math.max(0, ...lines.map((line) => `${line.kind} ${line.name}`.length));
  return lines.map((line) => `${`${line.kind} ${line.name}`.padEnd(width)}  ${line.detail}`).join('\n');
}

/**
 * One line per static site: its stack and its local URL, and where its users sign in.
 *
 * @example
 * ```ts
 * formatSites([{ site, url: 'http://www.localhost:3000' }], 'http://auth.localhost:3000');
 * // 'Sites: SliceStorefront-dev at http://www.localhost:3000 (sign in at http://auth.localhost:3000 …)'
 * ```
 */
export function formatSites(
  sites: readonly { readonly site: { readonly stackName: string }; readonly url: string }[],
  signInUrl: string,
  demo: string,
): string {
  if (sites.length === 0) return '';
  const lines = sites.map(({ site, url }) => `  ${site.stackName.padEnd(24)} ${url}`);
  return ['Sites (each at its own origin):', ...lines, `  sign in at ${signInUrl} as ${demo}`].join('\n');
}
