import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StaticSite } from '@slice/cdk';
import { App, Aws, Stack } from 'aws-cdk-lib';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { loadAssemblies, type LocalModel } from '../../src/assembly';
import { localizeOrigins } from '../../src/origins';
import { createStaticSites, type StaticSites } from '../../src/services/cloudfront';
import { listen } from '../../src/http';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A site as the CDK synthesizes it: files, config.json with a deploy-time value, security headers. */
function synthesizeSite(root: string, singlePageApp = true): string {
  const site = join(root, 'site');
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>shell</title>');
  writeFileSync(join(site, 'assets/app.js'), 'console.log("app")');
  const outdir = join(root, 'cdk.out');
  const app = new App({ outdir });
  const stack = new Stack(app, 'SliceShop-dev', { env: { region: 'eu-west-1' } });
  new StaticSite(stack, 'Site', {
    stage: 'dev',
    source: site,
    singlePageApp,
    // A deploy-time value (a marker until deployed) with a quote: config.json must stay valid JSON.
    extraSources: [
      s3deploy.Source.jsonData('config.json', {
        apiUrl: 'https://api.shop.example',
        name: `${Aws.STACK_NAME}"`,
      }),
    ],
    connectOrigins: ['https://api.shop.example'],
  });
  app.synth();
  return outdir;
}

describe('static sites: CloudFront in front of S3, from a synthesized StaticSite', () => {
  let root: string;
  let model: LocalModel;
  let sites: StaticSites;
  let server: Server;
  let port: number;

  const get = (host: string, path: string, method = 'GET', headers: Record<string, string> = {}) =>
    new Promise<Answer>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers: { host, ...headers } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', fail);
      req.end();
    });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'local-cloud-sites-'));
    model = loadAssemblies([synthesizeSite(root)], { accountId: '000000000000', ssm: new Map() });
    server = createServer((req, res) =>
      sites.handles(req.headers.host) ? sites.handle(req, res) : res.writeHead(421).end(),
    );
    port = (await listen(server, 0, '127.0.0.1')).port;
    sites = createStaticSites(localizeOrigins(model, `http://localhost:${port}`), `http://localhost:${port}`);
  }, 60_000);

  afterAll(async () => {
    await new Promise((done) => server.close(done));
    rmSync(root, { recursive: true, force: true });
  });

  const host = () => {
    const [url] = sites.urls();
    if (!url) throw new Error('no site loaded');
    return new URL(url.url).host;
  };

  it('loads the distribution with its default root object, error responses and its deployment sources', () => {
    const [site] = model.staticSites ?? [];

    expect(site).toMatchObject({
      stackName: 'SliceShop-dev',
      defaultRootObject: 'index.html',
      errorResponses: [
        { errorCode: 403, responseCode: 200, responsePagePath: '/index.html' },
        { errorCode: 404, responseCode: 200, responsePagePath: '/index.html' },
      ],
      allowedMethods: ['GET', 'HEAD'],
    });
    expect(site?.domainName).toMatch(/^d[a-z0-9]{13}\.cloudfront\.net$/);
    expect(site?.sources).toHaveLength(2);
  });

  it('answers / with the default root object, with the response headers policy headers', async () => {
    const answer = await get(host(), '/');

    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<title>shell</title>');
    expect(answer.headers).toMatchObject({
      'content-type': 'text/html',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
    });
    expect(answer.headers['content-security-policy']).toContain(
      "connect-src 'self' https://api.shop.example;",
    );
  });

  it('serves a file of a sub-folder with its content type', async () => {
    const answer = await get(host(), '/assets/app.js');

    expect(answer).toMatchObject({ status: 200, body: 'console.log("app")' });
    expect(answer.headers['content-type']).toBe('text/javascript');
  });

  it("answers an unknown path with the single-page app's index.html and 200 (S3 said 403)", async () => {
    const answer = await get(host(), '/orders/42?tab=live');

    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<title>shell</title>');
    expect(answer.headers['x-frame-options']).toBe('DENY');
  });

  it('applies the default root object to / only, not to a sub-folder', async () => {
    const answer = await get(host(), '/assets/');

    expect(answer.body).toContain('<title>shell</title>'); // the fallback page, not assets/index.html
  });

  it("writes the deployment's deploy-time values into config.json, JSON-escaped", async () => {
    const answer = await get(host(), '/config.json');

    expect(JSON.parse(answer.body)).toEqual({ apiUrl: 'https://api.shop.example', name: 'SliceShop-dev"' });
  });

  it('answers a method the behaviour does not allow with 403', async () => {
    const answer = await get(host(), '/index.html', 'POST');

    expect(answer.status).toBe(403);
    expect(answer.body).toContain('not configured to allow the HTTP request method');
  });

  it('answers HEAD without a body and a matching If-None-Match with 304', async () => {
    const first = await get(host(), '/index.html');
    const head = await get(host(), '/index.html', 'HEAD');
    const again = await get(host(), '/index.html', 'GET', { 'if-none-match': String(first.headers.etag) });

    expect(head).toMatchObject({ status: 200, body: '' });
    expect(again.status).toBe(304);
  });

  it('does not answer a host that is no site', () => {
    expect(sites.handles('api.localhost:3000')).toBe(false);
    expect(sites.handles(host().toUpperCase())).toBe(true);
  });

  describe('without the single-page fallback', () => {
    let plain: StaticSites;
    let plainRoot: string;

    beforeAll(() => {
      plainRoot = mkdtempSync(join(tmpdir(), 'local-cloud-sites-plain-'));
      const loaded = loadAssemblies([synthesizeSite(plainRoot, false)], {
        accountId: '000000000000',
        ssm: new Map(),
      });
      plain = createStaticSites(loaded, `http://localhost:${port}`);
    }, 60_000);

    afterAll(() => rmSync(plainRoot, { recursive: true, force: true }));

    it("answers a missing key with S3's 403 AccessDenied: origin access control may not list the bucket", async () => {
      sites = plain;
      const answer = await get(host(), '/missing.html');

      expect(answer.status).toBe(403);
      expect(answer.body).toContain('<Code>AccessDenied</Code>');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    });
  });
});
