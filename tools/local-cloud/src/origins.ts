/**
 * The local origin of each deployed origin a browser meets: a static site's custom domain
 * (`https://www.slice.example` → `http://www.localhost:<port>`), a WebSocket API's custom domain
 * (`wss://ws.slice.example` → `ws://ws.localhost:<port>`) and the user pool's hosted sign-in
 * (`https://<prefix>.auth.<region>.amazoncognito.com` → `http://auth.localhost:<port>`). The
 * templates name the deployed ones (CORS origins of the APIs, callback URLs of the app clients, a
 * site's configuration and Content-Security-Policy); locally each becomes the local one, so a page
 * served at its own local origin calls the APIs cross-origin exactly as it does in AWS.
 */
import type { LocalModel } from './model';
import { isRecord } from './json';
import { localHostOf } from './services/websocket-api/state';

/** The local host of the hosted sign-in pages and OAuth 2.0 endpoints. */
export const signInHost = 'auth.localhost';

/** A deployed origin and the local origin that stands in for it. */
export type OriginPair = readonly [deployed: string, local: string];

/**
 * Every deployed origin of the model with its local origin on `localUrl`'s port.
 *
 * @example
 * ```ts
 * localOrigins(model, 'http://localhost:3000');
 * // [['https://www.dev.slice.example.com', 'http://www.localhost:3000'], ['wss://ws.dev.slice.example.com', 'ws://ws.localhost:3000'], …]
 * ```
 */
export function localOrigins(model: LocalModel, localUrl: string): OriginPair[] {
  const { port } = new URL(localUrl);
  const local = (scheme: string, host: string) => `${scheme}://${host}${port ? `:${port}` : ''}`;
  const pairs: OriginPair[] = [];
  for (const site of model.staticSites ?? []) {
    const [first] = site.aliases;
    for (const alias of site.aliases) pairs.push([`https://${alias}`, local('http', localHostOf(alias))]);
    pairs.push([`https://${site.domainName}`, local('http', localHostOf(first ?? site.domainName))]);
  }
  for (const api of model.webSocketApis ?? []) {
    for (const domain of api.domains)
      pairs.push([`wss://${domain.domainName}`, local('ws', localHostOf(domain.domainName))]);
  }
  for (const domain of model.signIn?.domains ?? []) pairs.push([domain, local('http', signInHost)]);
  return pairs;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with every deployed origin replaced by its local one (only whole origins: `https://www.x.com.evil` and `https://www.x.com:8443` stay). */
export function localizeText(text: string, pairs: readonly OriginPair[]): string {
  let result = text;
  for (const [deployed, local] of pairs)
    result = result.replace(new RegExp(`${escaped(deployed)}(?![\\w.-]|:\\d)`, 'gi'), local);
  return result;
}

/** A JSON-shaped value with every string localized. */
function localizeDeep<T>(value: T, pairs: readonly OriginPair[]): T {
  if (typeof value === 'string') return localizeText(value, pairs) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => localizeDeep(item, pairs)) as T;
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, localizeDeep(item, pairs)]),
    ) as T;
  return value;
}

/**
 * The model with every deployed origin a browser meets replaced by its local origin: in the
 * functions' environments (`CORS_ALLOWED_ORIGINS`), the REST APIs (CORS preflight and gateway
 * responses), the SSM parameters, the static sites (configuration markers, security headers) and
 * the app clients' callback and sign-out URLs.
 *
 * @example
 * ```ts
 * localizeOrigins(model, 'http://localhost:3000').functions[0]?.environment.CORS_ALLOWED_ORIGINS;
 * // 'http://www.localhost:3000'
 * ```
 */
export function localizeOrigins(model: LocalModel, localUrl: string): LocalModel {
  const pairs = localOrigins(model, localUrl);
  if (pairs.length === 0) return model;
  return {
    ...model,
    functions: model.functions.map((fn) => {
      const environment = localizeDeep(fn.environment, pairs);
      return JSON.stringify(environment) === JSON.stringify(fn.environment) ? fn : { ...fn, environment };
    }),
    restApis: localizeDeep(model.restApis, pairs),
    parameters: new Map([...model.parameters].map(([name, value]) => [name, localizeText(value, pairs)])),
    ...(model.staticSites ? { staticSites: localizeDeep(model.staticSites, pairs) } : {}),
    ...(model.signIn ? { signIn: localizeDeep(model.signIn, pairs) } : {}),
  };
}
