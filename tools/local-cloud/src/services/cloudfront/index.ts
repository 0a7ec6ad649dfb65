/**
 * CloudFront in front of S3, for the static sites of the templates: each distribution answers at
 * its own local origin (`http://<first label of its alias>.localhost:<port>`, `www.localhost` for
 * `www.slice.example`) with the files its bucket deployment put in the bucket, read from the cloud
 * assembly's assets, and with CloudFront's documented behaviour: the default root object for `/`
 * only, S3's 403 for a key the distribution may not list (origin access control grants
 * `s3:GetObject` only), the custom error responses (a single-page app's `/index.html` with 200),
 * the response headers policy's headers, and only the allowed methods.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import type { LocalModel, SiteSourceSpec, StaticSiteSpec } from '../../model';
import type { LocalPart, ModelChange, ServiceUpdate } from '../service';
import { localHostOf } from '../websocket-api/state';

/** A file of a site's bucket, as S3 would answer it. */
interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** One site as it is served: its files by key. */
interface ServedSite {
  readonly spec: StaticSiteSpec;
  readonly host: string;
  readonly objects: ReadonlyMap<string, StoredObject>;
}

/** The content types the CDK's deployment sets from a file's extension (a subset of the MIME database). */
const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/vnd.microsoft.icon',
  '.txt': 'text/plain',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** A source's files with its markers substituted, as the deployment's function writes them. */
function sourceObjects(source: SiteSourceSpec, keyPrefix: string): [string, StoredObject][] {
  const markers = Object.entries(source.markers);
  return filesUnder(source.dir).map((path) => {
    let body = readFileSync(path);
    if (markers.length > 0) {
      let text = body.toString('utf8');
      for (const [marker, value] of markers)
        text = text.split(marker).join(source.jsonEscape ? JSON.stringify(value).slice(1, -1) : value);
      body = Buffer.from(text);
    }
    const key = `${keyPrefix}${relative(source.dir, path).split(sep).join('/')}`;
    const contentType = contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
    return [key, { body, contentType, etag: `"${createHash('md5').update(body).digest('hex')}"` }];
  });
}

function serve(spec: StaticSiteSpec): ServedSite {
  const objects = new Map<string, StoredObject>();
  for (const source of spec.sources)
    for (const [key, object] of sourceObjects(source, spec.keyPrefix)) objects.set(key, object);
  return { spec, host: localHostOf(spec.aliases[0] ?? spec.domainName), objects };
}

/** S3's answer for a key the caller may read but that does not exist, without `s3:ListBucket`. */
const accessDenied = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
);

/** What the origin (S3 through origin access control) answers for a request path. */
function fromOrigin(site: ServedSite, path: string): { status: number; object?: StoredObject } {
  const key = path === '/' && site.spec.defaultRootObject ? site.spec.defaultRootObject : path.slice(1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(key);
  } catch {
    return { status: 400 };
  }
  const object = site.objects.get(decoded);
  return object ? { status: 200, object } : { status: 403 };
}

function write(
  site: ServedSite,
  req: IncomingMessage,
  res: ServerResponse,
  answer: { status: number; object?: StoredObject },
): void {
  const headers: Record<string, string> = {
    'x-cache': 'Miss from cloudfront',
    via: '1.1 local (CloudFront)',
  };
  const { object } = answer;
  if (object) {
    headers['content-type'] = object.contentType;
    headers.etag = object.etag;
  } else headers['content-type'] = 'application/xml';
  // The policy's headers: added, and in place of the origin's when they override (the origin sends
  // none of these, so both cases add them).
  for (const [name, { value }] of Object.entries(site.spec.headers)) headers[name] = value;
  if (object && answer.status === 200 && req.headers['if-none-match'] === object.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const body = object?.body ?? accessDenied;
  headers['content-length'] = String(body.length);
  res.writeHead(answer.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Answers one request of a site, as its distribution does. */
function answer(site: ServedSite, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  if (!site.spec.allowedMethods.includes(method)) {
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end(
      'This distribution is not configured to allow the HTTP request method that was used for this request.',
    );
    return;
  }
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const origin = fromOrigin(site, path);
  if (origin.status === 200) return write(site, req, res, origin);
  const custom = site.spec.errorResponses.find((entry) => entry.errorCode === origin.status);
  if (!custom) return write(site, req, res, origin);
  const page = custom.responsePagePath ? fromOrigin(site, custom.responsePagePath) : origin;
  write(site, req, res, {
    status: custom.responseCode ?? origin.status,
    ...(page.object ? { object: page.object } : {}),
  });
}

/** The static sites of the running cloud. */
export interface StaticSites extends LocalPart {
  /** Whether a request's `Host` (`www.localhost:3000`) names one of the sites. */
  handles(host: string | undefined): boolean;
  /** Answers a request whose host {@link handles} names. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Each site with its local URL. */
  urls(): { readonly site: StaticSiteSpec; readonly url: string }[];
}

/**
 * The static sites of a model, served at their local origins on `localUrl`'s port; a redeploy
 * serves the new model's files.
 *
 * @example
 * ```ts
 * const sites = createStaticSites(model, 'http://localhost:3000');
 * sites.urls()[0]?.url; // 'http://www.localhost:3000'
 * if (sites.handles(req.headers.host)) return sites.handle(req, res);
 * ```
 */
export function createStaticSites(model: LocalModel, localUrl: string): StaticSites {
  const { port } = new URL(localUrl);
  let served = (model.staticSites ?? []).map(serve);
  const hostOf = (host: string | undefined) => (host ?? '').toLowerCase().replace(/:\d+$/, '');
  const siteOf = (host: string | undefined) => served.find((site) => site.host === hostOf(host));
  return {
    handles: (host) => siteOf(host) !== undefined,
    handle(req, res) {
      const site = siteOf(req.headers.host);
      if (site) answer(site, req, res);
    },
    urls: () =>
      served.map((site) => ({ site: site.spec, url: `http://${site.host}${port ? `:${port}` : ''}` })),
    update(change: ModelChange): Promise<ServiceUpdate> {
      served = (change.next.staticSites ?? []).map(serve);
      return Promise.resolve({});
    },
    stop: () => Promise.resolve(),
  };
}
