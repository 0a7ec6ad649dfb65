import { existsSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLocalIssuer } from '@slice/testing';
import { loadAssemblies } from './assembly';
import type { LocalModel } from './assembly';
import { createLocalIdentities, startAwsEndpoint, type AwsEndpoint } from './aws';
import { createGateway, type Gateway } from './gateway';
import { createLambdaRuntime, startStreamEventSources, type StreamEventSources } from './lambda';
import type { LambdaRuntime } from './model';

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
}

/** A running local cloud. */
export interface LocalCloud {
  readonly url: string;
  readonly model: LocalModel;
  readonly endpoint: AwsEndpoint;
  readonly runtime: LambdaRuntime;
  readonly gateway: Gateway;
  /** The functions reading the tables' streams, and the batches they could not process. */
  readonly eventSources: StreamEventSources;
  /** Mints a token of the local issuer, as the Cognito user pool would. */
  token(user: { sub: string; groups?: string[]; email?: string }): Promise<string>;
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
    const ssm = new Map([[`/slice/${stage}/platform/api-url`, url]]);
    const loaded = loadAssemblies(dirs, { accountId: localAccountId, ssm });
    const model = options.transformModel ? options.transformModel(loaded) : loaded;
    for (const warning of model.warnings) log(`local cloud: ${warning}`);

    const identities = createLocalIdentities();
    for (const fn of model.functions) identities.credentialsFor(fn);
    const endpoint = await startAwsEndpoint({
      region: model.region,
      accountId: localAccountId,
      tables: model.tables,
      functions: model.functions,
      identities: identities.identities,
      parameters: model.parameters,
      secrets: model.secrets,
      iam: options.iam ?? 'enforce',
      log: (text) => log(`aws: ${text}`),
    });
    started.push(endpoint);
    const runtime = createLambdaRuntime({
      awsEndpoint: endpoint.url,
      region: model.region,
      credentialsFor: (fn) => identities.credentialsFor(fn),
      // As in tests: every answer is checked against its contract, so drift shows up locally first.
      extraEnv: { SLICE_VALIDATE_RESPONSES: 'true' },
      log: ({ functionId, text }) => log(`${functionId.split('/').pop() ?? functionId} | ${text}`),
    });
    started.push(runtime);
    for (const fn of model.functions) runtime.register(fn);
    const eventSources = startStreamEventSources({
      mappings: model.eventSourceMappings,
      streams: endpoint.streams,
      runtime,
      functions: model.functions,
      log: (text) => log(`streams: ${text}`),
    });
    started.push(eventSources);
    const gateway = createGateway({
      model,
      runtime,
      issuer,
      stage,
      log: (line: string) => log(`gateway: ${line}`),
    });

    handler = async (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/_local/health')
        return json(res, 200, {
          status: 'ok',
          functions: model.functions.length,
          apis: model.restApis.length,
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
      if (path === '/_local/events') {
        const query = new URL(req.url ?? '/', url).searchParams;
        const events = endpoint.events.filter(
          (event) =>
            (!query.get('source') || event.source === query.get('source')) &&
            (!query.get('detailType') || event.detailType === query.get('detailType')),
        );
        return json(res, 200, { events });
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
      model,
      endpoint,
      runtime,
      gateway,
      eventSources,
      token: (user) => issuer.token({ groups: ['customer'], ...user }),
      async stop() {
        if (stopped) return;
        stopped = true;
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await eventSources.stop();
        await runtime.stop();
        await endpoint.stop();
      },
    };
  }
}
