/**
 * What a function of the local cloud calls its WebSocket API at. The templates give functions
 * AWS's URLs (`https://<apiId>.execute-api.<region>.amazonaws.com/<stage>`, the stage's
 * `callbackUrl`, or a custom domain mapped onto the API); locally they become the same API on the
 * local domain (`http://localhost:<port>/_ws/<apiId>/<stage>`), whose `@connections` paths the
 * local domain hands to the local AWS endpoint.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LocalModel } from '../../model';
import { executeApiDomain, localPathPrefix } from './state';

/** AWS's URL prefixes of the model's WebSocket APIs, each with its local replacement, longest first. */
function replacements(model: LocalModel, localUrl: string): [string, string][] {
  const local = new URL(localUrl);
  const pairs: [string, string][] = [];
  for (const api of model.webSocketApis ?? []) {
    const path = `${local.host}${localPathPrefix}${api.id}`;
    pairs.push(
      [`wss://${executeApiDomain(api)}`, `ws://${path}`],
      [`https://${executeApiDomain(api)}`, `http://${path}`],
    );
    for (const domain of api.domains) {
      const key = domain.mappingKey === '' ? '' : `/${domain.mappingKey}`;
      const mapped = `${path}/${encodeURIComponent(domain.stage)}`;
      pairs.push(
        [`wss://${domain.domainName}${key}`, `ws://${mapped}`],
        [`https://${domain.domainName}${key}`, `http://${mapped}`],
      );
    }
  }
  return pairs.sort(([left], [right]) => right.length - left.length);
}

/** `value` with a leading AWS URL of a WebSocket API replaced by its local one. */
function localized(value: string, pairs: readonly [string, string][]): string {
  for (const [aws, local] of pairs) {
    const rest = value.slice(aws.length);
    if (
      value.toLowerCase().startsWith(aws.toLowerCase()) &&
      (rest === '' || rest.startsWith('/') || rest.startsWith('?'))
    )
      return `${local}${rest}`;
  }
  return value;
}

/**
 * The model with every function's environment value and every SSM parameter value that is a
 * WebSocket API's AWS URL (its `execute-api` domain with `wss://` or `https://`, or a custom domain
 * mapped onto it) replaced by the API's URL on the local domain, so a function's
 * `ApiGatewayManagementApiClient({ endpoint })` reaches the local `@connections` API.
 *
 * @example
 * ```ts
 * const local = localizeWebSocketUrls(model, 'http://localhost:3000');
 * // CALLBACK_URL https://k3w9a1b2c3.execute-api.eu-west-1.amazonaws.com/dev → http://localhost:3000/_ws/k3w9a1b2c3/dev
 * ```
 */
export function localizeWebSocketUrls(model: LocalModel, localUrl: string): LocalModel {
  const pairs = replacements(model, localUrl);
  if (pairs.length === 0) return model;
  return {
    ...model,
    parameters: new Map([...model.parameters].map(([name, value]) => [name, localized(value, pairs)])),
    functions: model.functions.map((fn) => {
      const environment = Object.fromEntries(
        Object.entries(fn.environment).map(([name, value]) => [name, localized(value, pairs)]),
      );
      return Object.entries(environment).some(([name, value]) => fn.environment[name] !== value)
        ? { ...fn, environment }
        : fn;
    }),
  };
}

/** Whether a request on the local domain is for the WebSocket APIs (`/_ws/...`). */
export const isWebSocketPath = (path: string): boolean => path.startsWith(localPathPrefix);

/**
 * Hands an HTTP request on the local domain's `/_ws/` paths (the `@connections` calls of a
 * function using the local callback URL) to the local AWS endpoint, which checks the caller's
 * signature and IAM and answers.
 *
 * @example
 * ```ts
 * if (isWebSocketPath(path)) return forwardToEndpoint(endpoint.url, req, res);
 * ```
 */
export function forwardToEndpoint(
  endpointUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  return new Promise((resolve) => {
    const target = new URL(req.url ?? '/', endpointUrl);
    const upstream = httpRequest(target, { method: req.method ?? 'GET', headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', () => resolve());
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"message":"The local AWS endpoint did not answer."}');
      resolve();
    });
    req.pipe(upstream);
  });
}
