/** The portal's pages, each rendered from the {@link Catalog}. */
import { marked } from 'marked';
import type { Catalog, RouteEntry, ServiceEntry } from './catalog';
import { html, Safe, table, type PageSpec } from './html';
import type { TableKeys } from './templates';

const frontDoorLabels: Readonly<Record<ServiceEntry['frontDoor'], string>> = {
  routed: 'routed at the front door',
  pending: 'listed, the monolith still answers',
  websocket: 'its own WebSocket domain',
  'catch-all': 'the catch-all: every route nobody moved',
  none: 'not behind the front door',
};

const serviceLink = (root: string, name: string) => html`<a href="${root}services/${name}.html">${name}</a>`;
const list = (items: readonly string[]) => items.join(', ') || '–';

function progress(catalog: Catalog): Safe {
  const moved = catalog.routeMap.filter((entry) => entry.state === 'moved').length;
  const total = catalog.routeMap.length;
  const percent = total === 0 ? 0 : Math.round((moved / total) * 100);
  return html`<p class="progress">
    <meter min="0" max="${total}" value="${moved}">${percent}%</meter>
    <strong>${moved} of ${total}</strong> base paths moved out of the ${catalog.fallback} (${percent}%).
  </p>`;
}

/** `index.html`: every service with its team, owners, routes and events, and the strangler's progress. */
export function servicesPage(catalog: Catalog): PageSpec {
  const body = html`${progress(catalog)}
  ${table(
    ['service', 'team', 'owners', 'routes', 'produces', 'consumes', 'front door'],
    catalog.services,
    (service) => [
      serviceLink('', service.name),
      service.team,
      list(service.owners),
      service.routes.length,
      list(service.produces),
      list(service.consumes),
      frontDoorLabels[service.frontDoor],
    ],
  )}`;
  return { path: 'index.html', title: 'Services', body };
}

/** `teams.html`: every team and stewarded scope, its owners and projects. */
export function teamsPage(catalog: Catalog): PageSpec {
  const body = table(['team', 'owners', 'owns', 'projects'], catalog.teams, (team) => [
    team.name,
    list(team.owners),
    team.purpose,
    list(team.projects),
  ]);
  return { path: 'teams.html', title: 'Teams', body };
}

const stateLabels = { moved: 'moved', pending: 'moving (monolith answers)', monolith: 'monolith' } as const;

/** `front-door.html`: which base paths moved to which service and which the monolith still serves. */
export function frontDoorPage(catalog: Catalog): PageSpec {
  const body = html`${progress(catalog)}
    ${table(['base path', 'state', 'served by', 'team', 'monolith code'], catalog.routeMap, (entry) => [
      html`<code>/${entry.basePath}</code>`,
      html`<span class="state ${entry.state}">${stateLabels[entry.state]}</span>`,
      serviceLink('', entry.servedBy),
      entry.team,
      entry.inMonolith ? (entry.state === 'moved' ? 'still there: delete it' : 'serves it') : 'gone',
    ])}
    <h2>WebSocket domains</h2>
    ${table(['domain', 'service', 'team'], catalog.webSockets, (socket) => [socket.domain, serviceLink('', socket.service), socket.team])}
    <p>Anything else goes to the ${catalog.fallback}, the catch-all.</p>`;
  return { path: 'front-door.html', title: 'Front door', body };
}

const routesTable = (routes: readonly RouteEntry[]) =>
  table(['method', 'path', 'operation', 'summary', 'auth'], routes, (route) => [
    html`<code>${route.method}</code>`,
    html`<code>${route.path}</code>`,
    route.operationId,
    route.summary,
    route.secured ? 'token' : 'public',
  ]);

const key = (keys: { partitionKey: string; sortKey?: string }) =>
  keys.sortKey === undefined ? keys.partitionKey : `${keys.partitionKey} + ${keys.sortKey}`;

const tablesTable = (tables: readonly TableKeys[]) =>
  table(['table', 'key', 'indexes', 'stream'], tables, (each) => [
    each.logicalId,
    html`<code>${key(each)}</code>`,
    each.indexes.map((index) => html`<code>${index.name}: ${key(index)}</code> `),
    each.stream ?? '–',
  ]);

/** `services/<name>.html`: a service's owners, routes, events, tables and README. */
export function servicePage(catalog: Catalog, service: ServiceEntry): PageSpec {
  const api = catalog.apis.includes(service.name)
    ? html` · <a href="../api/${service.name}.html">API reference</a>`
    : '';
  const body = html`<dl>
      <dt>team</dt>
      <dd>${service.team}: ${service.purpose}</dd>
      <dt>owners</dt>
      <dd>${list(service.owners)}</dd>
      <dt>folder</dt>
      <dd><code>${service.root}</code></dd>
      <dt>contract</dt>
      <dd>
        ${service.contract ? html`<code>${service.contract.root}</code> ${service.contract.title} ${service.contract.version}${api}` : '–'}
      </dd>
      <dt>stacks</dt>
      <dd>${list(service.stacks)}</dd>
      <dt>front door</dt>
      <dd>${frontDoorLabels[service.frontDoor]}</dd>
      <dt>produces</dt>
      <dd>${list(service.produces)}</dd>
      <dt>consumes</dt>
      <dd>${list(service.consumes)}</dd>
    </dl>
    <h2>Routes</h2>
    ${service.routes.length > 0 ? routesTable(service.routes) : html`<p>No REST routes.</p>`}
    ${
      service.socketMessages.length > 0
        ? html`<h2>WebSocket messages</h2>
            <p>${service.socketMessages.map((name) => html`<code>${name}</code> `)}</p>`
        : ''
    }
    <h2>Tables</h2>
    ${service.tables.length > 0 ? tablesTable(service.tables) : html`<p>No tables.</p>`}
    <h2>README</h2>
    <article class="readme">
      ${new Safe(service.readme === undefined ? '<p>No README.</p>' : marked.parse(service.readme, { async: false }))}
    </article>`;
  return { path: `services/${service.name}.html`, title: service.name, body };
}

/** `events.html`: every domain event, its producer and consumers, and the envelope ids it carries. */
export function eventsPage(catalog: Catalog): PageSpec {
  const missing = catalog.events.filter((event) => !event.carries.causationId);
  const body = html`<p>The AsyncAPI 3.0 document: <a href="asyncapi.json">asyncapi.json</a>.</p>
    ${table(
      ['event', 'source', 'producer', 'consumers (rule → target)', 'correlation id', 'causation id'],
      catalog.events,
      (event) => [
        html`<strong>${event.detailType}</strong>`,
        html`<code>${event.source}</code>`,
        serviceLink('', event.producer),
        event.consumers.length === 0
          ? 'none yet'
          : event.consumers.map(
              (consumer) =>
                html`<div>
                  ${serviceLink('', consumer.service)}: ${consumer.rule} → ${consumer.targets.join(', ')}
                </div>`,
            ),
        event.carries.correlationId ? 'yes' : 'missing',
        event.carries.causationId ? 'yes' : 'missing',
      ],
    )}
    ${missing.length > 0 ? html`<p class="warning">${missing.length} of ${catalog.events.length} events declare no causation id in their envelope (DESIGN.md decision 15 asks for one).</p>` : ''}`;
  return { path: 'events.html', title: 'Events', body };
}

/** `api/index.html` and `api/<service>.html`: the API reference of every contract, in Swagger UI. */
export function apiPages(catalog: Catalog): PageSpec[] {
  const index: PageSpec = {
    path: 'api/index.html',
    title: 'API reference',
    body: html`<ul>
        ${catalog.apis.map((name) => html`<li><a href="${name}.html">${name}</a> (<a href="../openapi/${name}.json">OpenAPI document</a>)</li>`)}
      </ul>
      <p>The whole domain in one document: <a href="slice.html">slice</a>.</p>`,
  };
  const viewers = [...catalog.apis, 'slice'].map((name): PageSpec => ({
    path: `api/${name}.html`,
    title: `${name} API`,
    body: html`<div id="api-reference" data-spec="../openapi/${name}.json"></div>`,
    scripts: ['assets/swagger-ui/swagger-ui-bundle.js', 'assets/api.js'],
    styles: ['assets/swagger-ui/swagger-ui.css'],
  }));
  return [index, ...viewers];
}

/** `live.html`: the local cloud's requests, events, queues, executions, schedules, connections and logs. */
export function livePage(): PageSpec {
  const panels = [
    'requests',
    'events',
    'streams',
    'queues',
    'executions',
    'schedules',
    'connections',
    'notifications',
    'logs',
  ];
  const body = html`<p id="live-status" class="status">Connecting to the local cloud…</p>
    <form id="follow">
      <label
        >Follow a correlation id
        <input id="correlation-id" name="correlationId" placeholder="x-correlation-id of a request" size="40"
      /></label>
      <button type="submit">Follow</button> <button type="button" id="clear">Show all</button>
    </form>
    <div class="panels">
      ${panels.map(
        (panel) =>
          html`<section class="panel" id="panel-${panel}">
            <h2>${panel} <span class="count"></span></h2>
            <div class="rows"></div>
          </section>`,
      )}
    </div>`;
  return { path: 'live.html', title: 'Live', body, scripts: ['assets/live.js'] };
}
