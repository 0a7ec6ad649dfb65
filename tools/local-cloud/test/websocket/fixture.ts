import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import {
  App,
  Stack,
  aws_apigatewayv2 as apigwv2,
  aws_certificatemanager as acm,
  aws_lambda as lambda,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { WebSocket } from 'ws';

const fixtures = resolve(__dirname, '../fixtures/websocket');

/** Bundles a fixture handler (with the SDK it imports) into its own asset folder, as a service's build does. */
function bundle(root: string, name: string): string {
  const dir = join(root, 'code', name);
  mkdirSync(dir, { recursive: true });
  buildSync({
    entryPoints: [join(fixtures, `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    outfile: join(dir, 'index.js'),
    logLevel: 'error',
  });
  return dir;
}

/**
 * Synthesizes `SliceSocket-dev` into `<root>/dist/apps/socket/cdk.out`: a WebSocket API (route
 * selection on `$request.body.action`) with a REQUEST authorizer on `$connect` (`token` query
 * parameter), `$disconnect`, a one-way `$default`, the two-way `echo` and `pushTo` (a function
 * granted `ManageConnections`) and `pushDenied` (one that is not), stage `dev`, and the custom
 * domain `ws.slice.example` mapped onto it. `extraRoute` adds a route (a changed API to redeploy).
 */
export function synthesizeSocketService(root: string, options: { extraRoute?: boolean } = {}): string {
  const outdir = join(root, 'dist/apps/socket/cdk.out');
  const app = new App({ outdir });
  const stack = new Stack(app, 'SliceSocket-dev', { env: { region: 'eu-west-1' } });
  const fn = (id: string, code: string) =>
    new lambda.Function(stack, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(code),
    });
  const routesCode = bundle(root, 'routes');
  const routes = fn('Routes', routesCode);
  const ungranted = fn('Ungranted', routesCode);
  const authorizer = new WebSocketLambdaAuthorizer('Authorizer', fn('Auth', bundle(root, 'authorizer')), {
    identitySource: ['route.request.querystring.token'],
  });
  const api = new apigwv2.WebSocketApi(stack, 'Api', {
    connectRouteOptions: {
      integration: new WebSocketLambdaIntegration('ConnectIntegration', routes),
      authorizer,
    },
    disconnectRouteOptions: { integration: new WebSocketLambdaIntegration('DisconnectIntegration', routes) },
  });
  api.addRoute('$default', { integration: new WebSocketLambdaIntegration('DefaultIntegration', routes) });
  for (const key of ['echo', 'pushTo', ...(options.extraRoute ? ['added'] : [])]) {
    api.addRoute(key, {
      integration: new WebSocketLambdaIntegration(`${key}Integration`, routes),
      returnResponse: true,
    });
  }
  api.addRoute('pushDenied', {
    integration: new WebSocketLambdaIntegration('pushDeniedIntegration', ungranted),
    returnResponse: true,
  });
  const stage = new apigwv2.WebSocketStage(stack, 'Stage', {
    webSocketApi: api,
    stageName: 'dev',
    autoDeploy: true,
  });
  stage.grantManagementApiAccess(routes);
  for (const each of [routes, ungranted]) each.addEnvironment('CALLBACK_URL', stage.callbackUrl);
  routes.addEnvironment('API_ENDPOINT', api.apiEndpoint);
  new ssm.StringParameter(stack, 'WsUrl', {
    parameterName: '/slice/dev/socket/ws-url',
    stringValue: stage.url,
  });
  const domainName = new apigwv2.DomainName(stack, 'Domain', {
    domainName: 'ws.slice.example',
    certificate: acm.Certificate.fromCertificateArn(
      stack,
      'Certificate',
      'arn:aws:acm:eu-west-1:000000000000:certificate/00000000-0000-0000-0000-000000000000',
    ),
  });
  new apigwv2.ApiMapping(stack, 'Mapping', { api, domainName, stage });
  app.synth();
  return outdir;
}

/** A client of the fixture: the messages it received, in order, and how it closed. */
export interface Client {
  readonly socket: WebSocket;
  readonly messages: string[];
  /** The next message not yet taken. */
  next(timeoutMs?: number): Promise<string>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** What a connect attempt came to: a client, or the status of the refused handshake. */
export type Attempt = { readonly client: Client } | { readonly status: number };

/** Opens a real `ws` client; resolves once it is open or refused. */
export function connect(url: string, headers?: Record<string, string>): Promise<Attempt> {
  return new Promise((done, fail) => {
    const socket = new WebSocket(url, headers ? { headers } : {});
    const messages: string[] = [];
    let taken = 0;
    const waiting: (() => void)[] = [];
    socket.on('message', (data: Buffer) => {
      messages.push(data.toString('utf8'));
      waiting.splice(0).forEach((wake) => wake());
    });
    const closed = new Promise<{ code: number; reason: string }>((resolveClose) =>
      socket.once('close', (code: number, reason: Buffer) =>
        resolveClose({ code, reason: reason.toString() }),
      ),
    );
    const next = (timeoutMs = 10_000) =>
      new Promise<string>((resolveNext, rejectNext) => {
        const timer = setTimeout(() => rejectNext(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
        const take = () => {
          const message = messages[taken];
          if (message === undefined) return void waiting.push(take);
          taken += 1;
          clearTimeout(timer);
          resolveNext(message);
        };
        take();
      });
    socket.once('open', () => done({ client: { socket, messages, next, closed } }));
    socket.once('unexpected-response', (_request, response) => {
      done({ status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (socket.readyState !== socket.CLOSED) fail(error);
    });
  });
}
