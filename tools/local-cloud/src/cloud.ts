import { existsSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createLocalIssuer, type LocalIssuer, type TokenOptions } from '@slice/emulation';
import { type AdminContext, handleAdmin, isAdminPath } from './admin';
import { loadAssemblies } from './assembly';
import { issuerKeyIn } from './persistence/issuer-key';
import type { LocalModel } from './assembly';
import {
  createLocalIdentities,
  filterEvents,
  startAwsEndpoint,
  type AwsEndpoint,
  type EventFilter,
  type LocalIdentities,
  type StoredEvent,
} from './endpoint';
import { LocalClock, type MovableClock } from './clock';
import { InFlightRequests, closeServer, drainServer, listen } from './http';
import { formatEntry, LogStream, type LogMode } from './logs';
import { DEFAULT_INSPECT_PORT, debugModel, inspectedFunction, type InspectRequest } from './debug';
import {
  functionsPart,
  gatewayPart,
  queueSourcesPart,
  retiredFunctionsPart,
  rulesPart,
  stateMachinesPart,
  streamSourcesPart,
} from './parts';
import { createGateway, type Gateway } from './services/apigateway';
import { handlePortal, isPortalHost, PORTAL_HOST } from './portal';
import { createStaticSites, type StaticSites } from './services/cloudfront';
import { createHostedUi, type HostedUi } from './services/cognito/hosted-ui';
import { localizeOrigins, signInHost } from './origins';
import { createLocalStepFunctions, type LocalStepFunctions } from './services/stepfunctions/local';
import {
  createConnectionsService,
  createWebSocketApis,
  forwardToEndpoint,
  isWebSocketPath,
  localizeWebSocketUrls,
  type WebSocketApis,
} from './services/websocket-api';
import {
  createLambdaRuntime,
  startEventRules,
  startQueueEventSources,
  type EventRules,
  type LambdaRuntimeOptions,
  type LocalLambdaRuntime,
  type QueueEventSources,
  createLambdaInvokeService,
} from './services/lambda';
import { createSnsService, type SnsService } from './services/sns/service';
import { startLocalScheduler, type LocalScheduler } from './services/scheduler/service';
import {
  createRedeployer,
  createStreamSourcePool,
  type CodeSwap,
  RedeployError,
  type RedeploySummary,
  type StreamSourcePool,
} from './redeploy';

/** Options of {@link startLocalCloud}. */
export interface LocalCloudOptions {
  /** The workspace root, where `dist/` holds the synthesized assemblies. */
  readonly root: string;
  /**
   * The port of the local domain; 0 picks a free one.
   * @default 3000
   */
  readonly port?: number;
  /**
   * The stage whose assemblies run.
   * @default 'dev'
   */
  readonly stage?: string;
  /**
   * `enforce` answers a call the function's role does not allow with AccessDenied; `warn` logs it.
   * @default 'enforce'
   */
  readonly iam?: 'enforce' | 'warn';
  /** Where lines go: the local cloud's own and every function's. */
  readonly log?: (line: string) => void;
  /** Changes the model before it runs; tests use it to take a grant away. */
  readonly transformModel?: (model: LocalModel) => LocalModel;
  /**
   * A directory to keep DynamoDB's data in, across restarts (`npm start -- --data-dir <dir>`).
   * @default in memory
   */
  readonly dataDir?: string;
  /**
   * The one clock behind everything that waits on time. Tests pass a `TestClock` to hold time
   * still; `POST /_local/clock` moves it forward.
   * @default a {@link LocalClock}: the real time, movable forward
   */
  readonly clock?: MovableClock;
  /** The Lambda runtime's account concurrency and idle timeout (`npm start -- --concurrency 8`). @default the runtime's */
  readonly lambda?: Pick<LambdaRuntimeOptions, 'concurrency' | 'idleTimeoutMs' | 'queueTimeoutMs'>;
  /** Runs one function's environments under Node's inspector (`npm start -- --inspect get-order`). @default none */
  readonly inspect?: InspectRequest;
  /**
   * How the functions' lines are printed: `pretty`, one line per request with Powertools' lines
   * pretty-printed and metric blobs hidden (`npm start`'s default), or `raw`, every line as written.
   * Either way they are kept in the log stream (`GET /_local/logs`).
   * @default 'raw'
   */
  readonly logs?: LogMode;
}

/** A running local cloud. */
export interface LocalCloud {
  readonly url: string;
  readonly model: LocalModel;
  readonly endpoint: AwsEndpoint;
  readonly runtime: LocalLambdaRuntime;
  readonly gateway: Gateway;
  /** The WebSocket APIs: `ws://localhost:<port>/_ws/<apiId>/<stage>` and their open connections. */
  readonly webSockets: WebSocketApis;
  /** The functions reading the tables' streams, and the batches they could not process. */
  readonly eventSources: StreamSourcePool;
  /** The functions reading SQS queues. */
  readonly queueSources: QueueEventSources;
  /** The EventBridge rules: what they delivered to their targets. */
  readonly rules: EventRules;
  /** The functions' log stream, as `GET /_local/logs` reads it. */
  readonly logs: LogStream;
  /** The SNS topics: what they captured (email, SMS, HTTP/S) and what they could not deliver. */
  readonly sns: SnsService['sns'];
  /** The schedules and scheduled rules, with their next runs (as `GET /_local/schedules`). */
  readonly scheduler: LocalScheduler['scheduler'];
  /** The clock every part waits on; `advance` it to run a ten-minute wait at once. */
  readonly clock: MovableClock;
  /** The state machines of the templates and their executions (as `GET /_local/executions`). */
  readonly stepFunctions: LocalStepFunctions;
  /** The developer portal of `dist/portal` with its live panels: `http://portal.localhost:<port>`. */
  readonly portalUrl: string;
  /** The static sites (CloudFront and S3), each at its own local origin: `http://www.localhost:<port>`. */
  readonly sites: StaticSites;
  /** The events put on the buses, oldest first, filtered by source and detail type (as `GET /_local/events`). */
  localEvents(filter?: EventFilter): StoredEvent[];
  /**
   * Mints a token of the local issuer, as the Cognito user pool would; `options` mint the
   * expired or foreign ones the contract suite must see refused.
   */
  token(user: { sub: string; groups?: string[]; email?: string }, options?: TokenOptions): Promise<string>;
  /**
   * Swaps one synthesized assembly (`dist/apps/menu/cdk.out`) into the running cloud, as
   * `POST /_local/redeploy` does; `model` is the new one afterwards.
   */
  redeploy(assemblyDir: string): Promise<RedeploySummary>;
  /** Runs new code for some functions (`npm run dev`'s hot swap), everything else as it runs. */
  swapCode(swaps: readonly CodeSwap[]): Promise<RedeploySummary>;
  /** Stops the server, every function environment and the local AWS endpoint. */
  stop(): Promise<void>;
}

/** The local account: every ARN of the local cloud carries it. */
export const localAccountId = '000000000000';

/** The cloud assemblies of every deployable, in deploy order: platform, services, front door. */
export function assemblyDirs(root: string): string[] {
  const dirs = [join(root, 'dist/infra/cdk.out')];
  const apps = join(root, 'dist/apps');
  if (existsSync(apps)) {
    for (const app of readdirSync(apps).sort()) dirs.push(join(apps, app, 'cdk.out'));
  }
  dirs.push(join(root, 'dist/infra/front-door/cdk.out'));
  return dirs.filter((dir) => existsSync(join(dir, 'manifest.json')));
}

/** Answers while the cloud starts, and a handler's failure, without internals. */
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function listenOn(server: Server, port: number): Promise<number> {
  try {
    return (await listen(server, port, '127.0.0.1')).port;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(
      `Port ${port} is taken: stop whatever uses it, or start Slice on another port with PORT=<port> npm start.`,
      { cause: error },
    );
  }
}

/** What every part of a starting cloud shares. */
interface StartContext {
  readonly options: LocalCloudOptions;
  readonly url: string;
  readonly stage: string;
  readonly log: (line: string) => void;
  readonly clock: MovableClock;
  /** What started so far, stopped in reverse when the start fails. */
  readonly started: Array<{ stop(): Promise<void> }>;
}

/** Loads the assemblies as the start and every redeploy do: same resolver, same SSM values. */
function modelLoader(context: StartContext, issuer: LocalIssuer) {
  const { stage, url, options } = context;
  const ssm = new Map([
    [`/slice/${stage}/platform/api-url`, url],
    // The local issuer stands in for the user pool, also for functions that verify tokens themselves.
    [`/slice/${stage}/platform/token-issuer`, issuer.issuer],
    [`/slice/${stage}/platform/user-pool-client-id`, issuer.audience],
  ]);
  return (from: readonly string[]): LocalModel => {
    // A function's WebSocket callback URL (AWS's execute-api domain) becomes the local domain's.
    // So are the origins a browser meets (sites, WebSocket and sign-in domains): their local ones.
    const loaded = localizeOrigins(
      localizeWebSocketUrls(loadAssemblies(from, { accountId: localAccountId, ssm }), url),
      url,
    );
    const transformed = options.transformModel ? options.transformModel(loaded) : loaded;
    return options.inspect ? debugModel(transformed, options.inspect.function) : transformed;
  };
}

/** The local AWS endpoint, every function's identity known to it. */
async function startEndpoint(
  context: StartContext,
  model: LocalModel,
  identities: LocalIdentities,
  bus: { rules?: EventRules },
) {
  for (const fn of model.functions) identities.credentialsFor(fn);
  const endpoint = await startAwsEndpoint({
    region: model.region,
    accountId: localAccountId,
    tables: model.tables,
    functions: model.functions,
    identities: identities.identities,
    parameters: model.parameters,
    secrets: model.secrets,
    iam: context.options.iam ?? 'enforce',
    clock: context.clock,
    ...(context.options.dataDir === undefined ? {} : { dataDir: context.options.dataDir }),
    log: (text) => context.log(`aws: ${text}`),
    queues: model.queues,
    eventBuses: (model.eventBuses ?? []).map((each) => each.name),
    onEvent: (event) => bus.rules?.deliver(event),
  });
  context.started.push(endpoint);
  return endpoint;
}

function startRuntime(
  context: StartContext,
  model: LocalModel,
  endpoint: AwsEndpoint,
  identities: LocalIdentities,
  logs: LogStream,
) {
  const mode = context.options.logs ?? 'raw';
  const print = (text: string | undefined) => text !== undefined && context.log(text);
  const runtime = createLambdaRuntime({
    awsEndpoint: endpoint.url,
    region: model.region,
    credentialsFor: (fn) => identities.credentialsFor(fn),
    // As in tests: every answer is checked against its contract, so drift shows up locally first.
    // No X-Ray here: with the tracer on, every call the SDK makes went through its HTTP
    // instrumentation only to drop the segment (about 0.3 ms CPU of a warm request).
    extraEnv: { SLICE_VALIDATE_RESPONSES: 'true', POWERTOOLS_TRACE_ENABLED: 'false' },
    log: (line) => {
      const draft = logs.add(line);
      print(formatEntry({ seq: 0, correlationIds: [], ...draft }, mode));
    },
    onInvocation: (record) => print(formatEntry(logs.settle(record), mode)),
    ...context.options.lambda,
    ...(context.options.inspect === undefined
      ? {}
      : {
          inspect: {
            functionId: inspectedFunction(model, context.options.inspect.function).id,
            port: context.options.inspect.port ?? DEFAULT_INSPECT_PORT,
          },
        }),
  });
  context.started.push(runtime);
  for (const fn of model.functions) runtime.register(fn);
  return runtime;
}

/** The stream and queue event sources and the rules: what invokes functions besides the gateway. */
function startInvokers(
  context: StartContext,
  model: LocalModel,
  endpoint: AwsEndpoint,
  runtime: LocalLambdaRuntime,
) {
  const { log, started } = context;
  const common = { runtime, functions: model.functions, queues: endpoint.queues };
  const eventSources = createStreamSourcePool({
    ...common,
    mappings: model.eventSourceMappings,
    streams: endpoint.streams,
    checkpoints: endpoint.checkpoints,
    log: (text) => log(`streams: ${text}`),
  });
  started.push(eventSources);
  const queueSources = startQueueEventSources({
    ...common,
    clock: context.clock,
    mappings: model.eventSourceMappings,
    log: (text) => log(`sqs: ${text}`),
  });
  started.push(queueSources);
  const rules = startEventRules({
    rules: model.eventRules ?? [],
    queues: endpoint.queues,
    runtime,
    region: model.region,
    accountId: localAccountId,
    asyncInvokeConfigs: model.asyncInvokeConfigs ?? [],
    permissions: model.permissions,
    clock: context.clock,
    log: (text) => log(`events: ${text}`),
  });
  started.push(rules);
  return { eventSources, queueSources, rules };
}

/**
 * Step Functions: the templates' state machines, their tasks calling the endpoint as their roles,
 * the API registered on the endpoint. An invalid definition failed the load already.
 */
function startStepFunctions(
  context: StartContext,
  model: LocalModel,
  endpoint: AwsEndpoint,
  identities: LocalIdentities,
): LocalStepFunctions {
  const { options, clock, log } = context;
  const stepFunctions = createLocalStepFunctions({
    clock,
    region: model.region,
    accountId: localAccountId,
    endpointUrl: () => endpoint.url,
    credentialsFor: (caller) => identities.credentialsFor(caller),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    log: (text) => log(`states: ${text}`),
  });
  context.started.push(stepFunctions);
  stepFunctions.load(model.stateMachines ?? []);
  endpoint.services.register(stepFunctions.service);
  return stepFunctions;
}

/** The running parts of a cloud, as {@link startParts} starts them. */
interface Parts {
  readonly issuer: LocalIssuer;
  readonly served: { current: LocalModel };
  readonly endpoint: AwsEndpoint;
  readonly runtime: LocalLambdaRuntime;
  readonly gateway: Gateway;
  readonly webSockets: WebSocketApis;
  readonly eventSources: StreamSourcePool;
  readonly queueSources: QueueEventSources;
  readonly rules: EventRules;
  readonly stepFunctions: LocalStepFunctions;
  readonly messaging: ReturnType<typeof startMessaging>;
  readonly sites: StaticSites;
  readonly hostedUi: HostedUi;
  readonly redeploy: (assemblyDir: string) => Promise<RedeploySummary>;
  readonly swapCode: (swaps: readonly CodeSwap[]) => Promise<RedeploySummary>;
  readonly logs: LogStream;
}

/** SNS on the endpoint and the schedules on the clock, both delivering through the rules' Lambda invocations. */
function startMessaging(
  context: StartContext,
  served: { current: LocalModel },
  endpoint: AwsEndpoint,
  rules: EventRules,
) {
  const common = { accountId: localAccountId, clock: context.clock, model: () => served.current };
  const sns = createSnsService({
    ...common,
    queues: endpoint.queues,
    invokeAsync: (request) => rules.invokeAsync(request),
    log: (text) => context.log(`sns: ${text}`),
  });
  endpoint.services.register(sns);
  const schedules = startLocalScheduler({
    ...common,
    queues: endpoint.queues,
    services: endpoint.services,
    rules,
    log: (text) => context.log(`scheduler: ${text}`),
  });
  context.started.push(schedules);
  return { sns, schedules };
}

async function startParts(context: StartContext): Promise<Parts> {
  const { options, stage, log } = context;
  const issuer = createLocalIssuer({
    issuer: `${context.url}/_local/issuer`,
    audience: 'slice-local',
    // With a data directory, tokens outlive a restart: the key is kept there.
    ...(options.dataDir === undefined ? {} : { keyPair: { privateKey: issuerKeyIn(options.dataDir) } }),
  });
  const load = modelLoader(context, issuer);
  const model = load(assemblyDirs(options.root));
  // What is served now: a redeploy replaces it.
  const served = { current: model };
  for (const warning of model.warnings) log(`local cloud: ${warning}`);
  const identities = createLocalIdentities({ accountId: localAccountId });
  // Set once the rules run; the endpoint hands them every event put on a bus.
  const bus: { rules?: EventRules } = {};
  const endpoint = await startEndpoint(context, model, identities, bus);
  const logs = new LogStream({
    functionOf: (id) => served.current.functions.find((fn) => fn.id === id),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  const runtime = startRuntime(context, model, endpoint, identities, logs);
  endpoint.services.register(
    createLambdaInvokeService({
      runtime,
      region: model.region,
      accountId: localAccountId,
      functions: () => served.current.functions,
    }),
  );
  const invokers = startInvokers(context, model, endpoint, runtime);
  bus.rules = invokers.rules;
  const stepFunctions = startStepFunctions(context, model, endpoint, identities);
  const messaging = startMessaging(context, served, endpoint, invokers.rules);
  const gateway = createGateway({
    model,
    runtime,
    issuer,
    stage,
    log: (line: string) => log(`gateway: ${line}`),
  });
  const webSockets = createWebSocketApis({
    model,
    runtime,
    // The idle and duration limits run on the one clock: `POST /_local/clock` moves them too.
    clock: context.clock,
    log: (line: string) => log(`websocket: ${line}`),
  });
  endpoint.services.register(
    createConnectionsService({ apis: webSockets, accountId: localAccountId, region: model.region }),
  );
  const sites = createStaticSites(model, context.url);
  const hostedUi = createHostedUi({ issuer, clients: () => served.current.signIn?.clients ?? [] });
  const redeployer = createRedeployer({
    root: options.root,
    assemblyDirs: () => assemblyDirs(options.root),
    load,
    model: served,
    steps: [
      endpoint.services,
      functionsPart(runtime, identities, endpoint),
      streamSourcesPart(invokers.eventSources),
      queueSourcesPart(invokers.queueSources),
      rulesPart(invokers.rules),
      stateMachinesPart(stepFunctions),
      messaging.schedules,
      gatewayPart(gateway),
      webSockets,
      sites,
      retiredFunctionsPart(runtime),
    ],
    log: (line) => log(`redeploy: ${line}`),
  });
  return {
    issuer,
    served,
    endpoint,
    runtime,
    gateway,
    webSockets,
    ...invokers,
    stepFunctions,
    messaging,
    sites,
    hostedUi,
    redeploy: (dir) => redeployer.redeploy(dir),
    swapCode: (swaps) => redeployer.swapCode(swaps),
    logs,
  };
}

function adminContext(context: StartContext, parts: Parts): AdminContext {
  return {
    url: context.url,
    stage: context.stage,
    model: () => parts.served.current,
    endpointUrl: parts.endpoint.url,
    events: () => parts.endpoint.events,
    queues: () => parts.endpoint.queues.all(),
    streams: () => parts.endpoint.streams.all(),
    failedStreamBatches: () => parts.eventSources.failed,
    issuer: parts.issuer,
    redeploy: parts.redeploy,
    isRedeployError: (error) => error instanceof RedeployError,
    logs: parts.logs,
    invoke: (functionId, event) => parts.runtime.invoke(functionId, event),
    connections: () => parts.webSockets.connections(),
    clock: context.clock,
    executions: (filter) => parts.stepFunctions.executions(filter),
    notifications: () => parts.messaging.sns.sns.notifications(),
    schedules: () => parts.messaging.schedules.scheduler.describe(),
  };
}

/** The cloud as its users see it, over its running parts. */
function localCloud(
  context: StartContext,
  server: Server,
  requests: InFlightRequests,
  parts: Parts,
): LocalCloud {
  const { url, clock } = context;
  let stopped = false;
  return {
    url,
    portalUrl: url.replace('//localhost:', `//${PORTAL_HOST}:`),
    get model() {
      return parts.served.current;
    },
    endpoint: parts.endpoint,
    runtime: parts.runtime,
    gateway: parts.gateway,
    webSockets: parts.webSockets,
    eventSources: parts.eventSources,
    queueSources: parts.queueSources,
    rules: parts.rules,
    logs: parts.logs,
    stepFunctions: parts.stepFunctions,
    sites: parts.sites,
    sns: parts.messaging.sns.sns,
    scheduler: parts.messaging.schedules.scheduler,
    clock,
    localEvents: (filter) => filterEvents(parts.endpoint.events, filter),
    token: (user, tokenOptions) => parts.issuer.token({ groups: ['customer'], ...user }, tokenOptions),
    redeploy: parts.redeploy,
    swapCode: parts.swapCode,
    async stop() {
      if (stopped) return;
      stopped = true;
      // First: an upgraded socket keeps the server from closing until it is closed (1001).
      await parts.webSockets.stop();
      // Requests in flight are answered while the functions and the endpoint still run.
      await drainServer(server, requests);
      await parts.messaging.schedules.stop();
      await parts.eventSources.stop();
      await parts.queueSources.stop();
      await parts.rules.stop();
      await parts.stepFunctions.stop();
      await parts.runtime.stop();
      await parts.endpoint.stop();
      // A clock the caller gave stays theirs.
      if (clock instanceof LocalClock && context.options.clock === undefined) clock.stop();
    },
  };
}

/**
 * Starts the local cloud from the synthesized assemblies in `dist/`: the local AWS endpoint (with
 * IAM from the templates and dynalite behind DynamoDB), one execution environment per concurrent
 * invocation of every function, the local issuer standing in for Cognito, and the front door with
 * every REST API on one port. `/_local/*` are the admin routes (`src/admin`), for the developer's
 * own tools only.
 *
 * @example
 * ```ts
 * const cloud = await startLocalCloud({ root: workspaceRoot, port: 0 });
 * await fetch(`${cloud.url}/menu`);
 * await cloud.stop();
 * ```
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (assemblyDirs(options.root).length === 0)
    throw new Error('No synthesized assemblies in dist/: run `npx nx run-many -t synth` first.');
  let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const requests = new InFlightRequests();
  const server = createServer(
    requests.listener((req, res) => {
      if (!handler) return json(res, 503, { message: 'Slice is starting' });
      return handler(req, res).catch((error: unknown) => {
        log(`local cloud: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent) json(res, 500, { message: 'Internal server error' });
      });
    }),
  );
  const url = `http://localhost:${await listenOn(server, options.port ?? 3000)}`;
  const clock = options.clock ?? new LocalClock();
  const context: StartContext = { options, url, stage: options.stage ?? 'dev', log, clock, started: [] };
  try {
    const parts = await startParts(context);
    const admin = adminContext(context, parts);
    const port = Number(new URL(url).port);
    const portalDir = join(options.root, 'dist/portal');
    handler = (req, res) => {
      // A static site or the hosted sign-in, by its own local host name.
      if (parts.sites.handles(req.headers.host)) return Promise.resolve(parts.sites.handle(req, res));
      if (req.headers.host?.replace(/:\d+$/, '').toLowerCase() === signInHost)
        return parts.hostedUi.handle(req, res);
      // The developer portal (dist/portal) and the read-only admin routes of its live panels.
      if (isPortalHost(req.headers.host, port)) return handlePortal(admin, portalDir, req, res);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (isWebSocketPath(path)) return forwardToEndpoint(parts.endpoint.url, req, res);
      return isAdminPath(path) ? handleAdmin(admin, req, res) : parts.gateway.handle(req, res);
    };
    server.on('upgrade', (req, socket, head) => parts.webSockets.handleUpgrade(req, socket, head));
    return localCloud(context, server, requests, parts);
  } catch (error) {
    // A failed start leaves nothing running: no port, no child process, no database.
    for (const part of context.started.reverse()) await part.stop().catch(() => undefined);
    await closeServer(server);
    throw error;
  }
}
