import { existsSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLocalIssuer, type TokenOptions } from '@slice/testing';
import { loadAssemblies } from './assembly';
import type { LocalModel } from './assembly';
import {
  createLocalIdentities,
  filterEvents,
  operatorCredentials,
  startAwsEndpoint,
  type AwsEndpoint,
  type EventFilter,
  type StoredEvent,
} from './endpoint';
import { createGateway, type Gateway } from './services/apigateway';
import {
  createLambdaRuntime,
  startEventRules,
  startQueueEventSources,
  type EventRules,
  type LocalLambdaRuntime,
  type QueueEventSources,
} from './services/lambda';
import {
  createRedeployer,
  createStreamSourcePool,
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
}

/** A running local cloud. */
export interface LocalCloud {
  readonly url: string;
  readonly model: LocalModel;
  readonly endpoint: AwsEndpoint;
  readonly runtime: LocalLambdaRuntime;
  readonly gateway: Gateway;
  /** The functions reading the tables' streams, and the batches they could not process. */
  readonly eventSources: StreamSourcePool;
  /** The functions reading SQS queues. */
  readonly queueSources: QueueEventSources;
  /** The EventBridge rules: what they delivered to their targets. */
  readonly rules: EventRules;
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

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${port} is taken: stop whatever uses it, or start Slice on another port with PORT=<port> npm start.`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Starts the local cloud from the synthesized assemblies in `dist/`: the local AWS endpoint (with
 * IAM from the templates and dynalite behind DynamoDB), one execution environment per concurrent
 * invocation of every function, the local issuer standing in for Cognito, and the front door with
 * every REST API on one port. `/_local/*` are the admin routes.
 *
 * @example
 * ```ts
 * const cloud = await startLocalCloud({ root: workspaceRoot, port: 0 });
 * await fetch(`${cloud.url}/menu`);
 * await cloud.stop();
 * ```
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const stage = options.stage ?? 'dev';
  const log = options.log ?? ((line: string) => console.log(line));
  const dirs = assemblyDirs(options.root);
  if (dirs.length === 0)
    throw new Error('No synthesized assemblies in dist/: run `npx nx run-many -t synth` first.');

  let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (!handler) return json(res, 503, { message: 'Slice is starting' });
    handler(req, res).catch((error: unknown) => {
      log(`local cloud: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) json(res, 500, { message: 'Internal server error' });
    });
  });
  const port = await listen(server, options.port ?? 3000);
  const url = `http://localhost:${port}`;
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    return await start();
  } catch (error) {
    // A failed start leaves nothing running: no port, no child process, no database.
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }

  async function start(): Promise<LocalCloud> {
    const issuer = createLocalIssuer({ issuer: `${url}/_local/issuer`, audience: 'slice-local' });
    const ssm = new Map([
      [`/slice/${stage}/platform/api-url`, url],
      // The local issuer stands in for the user pool, also for functions that verify tokens themselves.
      [`/slice/${stage}/platform/token-issuer`, issuer.issuer],
      [`/slice/${stage}/platform/user-pool-client-id`, issuer.audience],
    ]);
    const load = (from: readonly string[]) => {
      const loaded = loadAssemblies(from, { accountId: localAccountId, ssm });
      return options.transformModel ? options.transformModel(loaded) : loaded;
    };
    const model = load(dirs);
    // What is served now: a redeploy replaces it.
    const served = { current: model };
    for (const warning of model.warnings) log(`local cloud: ${warning}`);

    const identities = createLocalIdentities({ accountId: localAccountId });
    for (const fn of model.functions) identities.credentialsFor(fn);
    // Set once the runtime runs; the endpoint hands the rules every event put on a bus.
    const bus: { rules?: EventRules } = {};
    const endpoint = await startAwsEndpoint({
      region: model.region,
      accountId: localAccountId,
      tables: model.tables,
      functions: model.functions,
      identities: identities.identities,
      parameters: model.parameters,
      secrets: model.secrets,
      iam: options.iam ?? 'enforce',
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      log: (text) => log(`aws: ${text}`),
      queues: model.queues,
      eventBuses: (model.eventBuses ?? []).map((bus) => bus.name),
      onEvent: (event) => bus.rules?.deliver(event),
    });
    started.push(endpoint);
    const runtime = createLambdaRuntime({
      awsEndpoint: endpoint.url,
      region: model.region,
      credentialsFor: (fn) => identities.credentialsFor(fn),
      // As in tests: every answer is checked against its contract, so drift shows up locally first.
      // No X-Ray here: with the tracer on, every call the SDK makes went through its HTTP
      // instrumentation only to drop the segment (about 0.3 ms CPU of a warm request).
      extraEnv: { SLICE_VALIDATE_RESPONSES: 'true', POWERTOOLS_TRACE_ENABLED: 'false' },
      log: ({ functionId, text }) => log(`${functionId.split('/').pop() ?? functionId} | ${text}`),
    });
    started.push(runtime);
    for (const fn of model.functions) runtime.register(fn);
    const eventSources = createStreamSourcePool({
      mappings: model.eventSourceMappings,
      streams: endpoint.streams,
      runtime,
      functions: model.functions,
      queues: endpoint.queues,
      log: (text) => log(`streams: ${text}`),
    });
    started.push(eventSources);
    const queueSources = startQueueEventSources({
      mappings: model.eventSourceMappings,
      queues: endpoint.queues,
      runtime,
      functions: model.functions,
      log: (text) => log(`sqs: ${text}`),
    });
    started.push(queueSources);
    const eventRules = startEventRules({
      rules: model.eventRules ?? [],
      queues: endpoint.queues,
      runtime,
      region: model.region,
      accountId: localAccountId,
      asyncInvokeConfigs: model.asyncInvokeConfigs ?? [],
      permissions: model.permissions,
      log: (text) => log(`events: ${text}`),
    });
    bus.rules = eventRules;
    started.push(eventRules);
    const gateway = createGateway({
      model,
      runtime,
      issuer,
      stage,
      log: (line: string) => log(`gateway: ${line}`),
    });
    const redeployer = createRedeployer({
      root: options.root,
      assemblyDirs: () => assemblyDirs(options.root),
      load,
      model: served,
      endpoint,
      identities,
      runtime,
      gateway,
      streams: eventSources,
      log: (line) => log(`redeploy: ${line}`),
    });
    /** A redeploy, then the queues, queue consumers and rules of the new model. */
    const redeploy = async (assemblyDir: string) => {
      const summary = await redeployer.redeploy(assemblyDir);
      const next = served.current;
      endpoint.queues.add(next.queues);
      queueSources.update(next.eventSourceMappings, next.functions);
      eventRules.update({
        rules: next.eventRules ?? [],
        asyncInvokeConfigs: next.asyncInvokeConfigs ?? [],
        permissions: next.permissions,
      });
      return summary;
    };

    handler = async (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/_local/health')
        return json(res, 200, {
          status: 'ok',
          functions: served.current.functions.length,
          apis: served.current.restApis.length,
        });
      if (path === '/_local/issuer/.well-known/jwks.json') return json(res, 200, await issuer.jwks());
      if (path === '/_local/token' && req.method === 'POST') {
        let user: { sub?: unknown; groups?: unknown; email?: unknown };
        try {
          user = JSON.parse((await readBody(req)) || '{}') as typeof user;
        } catch {
          return json(res, 400, { message: 'The body must be JSON: {"sub":"alice","groups":["customer"]}' });
        }
        if (typeof user.sub !== 'string' || !user.sub) return json(res, 400, { message: 'sub is required' });
        const groups = Array.isArray(user.groups) ? user.groups.map(String) : ['customer'];
        return json(res, 200, {
          token: await issuer.token({
            sub: user.sub,
            groups,
            ...(typeof user.email === 'string' ? { email: user.email } : {}),
          }),
        });
      }
      if (path === '/_local/redeploy' && req.method === 'POST') {
        // JSON only: a browser page cannot post it without a preflight this server never grants.
        if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
          return json(res, 415, {
            message: 'Send {"assembly":"dist/apps/<service>/cdk.out"} as application/json.',
          });
        let body: { assembly?: unknown };
        try {
          body = JSON.parse(await readBody(req)) as typeof body;
        } catch {
          return json(res, 400, { message: 'The body must be JSON: {"assembly":"dist/apps/menu/cdk.out"}' });
        }
        if (typeof body.assembly !== 'string' || !body.assembly)
          return json(res, 400, {
            message: 'assembly is required: the folder of the synthesized cloud assembly',
          });
        try {
          return json(res, 200, await redeploy(body.assembly));
        } catch (error) {
          if (error instanceof RedeployError) return json(res, 422, { message: error.message });
          throw error;
        }
      }
      if (path === '/_local/events') {
        const query = new URL(req.url ?? '/', url).searchParams;
        const events = filterEvents(endpoint.events, {
          source: query.get('source') ?? '',
          detailType: query.get('detailType') ?? '',
        });
        return json(res, 200, { events });
      }
      if (path === '/_local/queues') {
        return json(res, 200, {
          queues: endpoint.queues.all().map((queue) => ({
            name: queue.name,
            arn: queue.arn,
            url: queue.url,
            ...queue.counts(),
            ...(queue.deadLetterTargetArn === undefined
              ? {}
              : { deadLetterTargetArn: queue.deadLetterTargetArn, maxReceiveCount: queue.maxReceiveCount }),
            messages: queue.messages(),
          })),
        });
      }
      if (path === '/_local/tables') {
        return json(res, 200, {
          tables: served.current.tables.map((table) => ({
            stack: table.stackName,
            logicalId: table.logicalId,
            tableName: table.tableName,
            arn: table.arn,
          })),
        });
      }
      if (path === '/_local/credentials') {
        // The developer's own identity for tools (`npm run migrate`): allowed everything, logged as `operator`.
        return json(res, 200, {
          endpoint: endpoint.url,
          region: served.current.region,
          stage,
          ...operatorCredentials,
        });
      }
      if (path === '/_local/streams') {
        return json(res, 200, {
          streams: endpoint.streams.all().map((stream) => ({
            tableName: stream.tableName,
            streamArn: stream.streamArn,
            viewType: stream.viewType,
            records: stream.entries.map((entry) => entry.record),
          })),
          failed: eventSources.failed,
        });
      }
      return gateway.handle(req, res);
    };

    let stopped = false;
    return {
      url,
      get model() {
        return served.current;
      },
      endpoint,
      runtime,
      gateway,
      eventSources,
      queueSources,
      rules: eventRules,
      localEvents: (filter) => filterEvents(endpoint.events, filter),
      token: (user, tokenOptions) => issuer.token({ groups: ['customer'], ...user }, tokenOptions),
      redeploy,
      async stop() {
        if (stopped) return;
        stopped = true;
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await eventSources.stop();
        await queueSources.stop();
        await eventRules.stop();
        await runtime.stop();
        await endpoint.stop();
      },
    };
  }
}
