/**
 * The developer portal in real Chromium, served by the local cloud at its own origin
 * (`http://portal.localhost:<port>`): every page opens with no console error, page error, failed
 * request or error response, every link between pages leads somewhere, and one order placed
 * through the front door is followed by its correlation id across the live panels, from the HTTP
 * request through the stream, the bus, the queue, the workflow and the push. Screenshots go to
 * `dist/screenshots/portal-*.png`.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { join, relative, resolve } from 'node:path';
import { findSeedFiles, seed, startLocalCloud, type LocalCloud } from '@slice/local-cloud';
import { describeInBrowser, launchChromium, screenshot, watchPages } from '@slice/testing/browser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { generatePortal } from '../src';

const root = resolve(__dirname, '../../..');
const address = { name: 'Dana', line1: '2 Oven Street', city: 'Utrecht', postcode: '3511AB', country: 'NL' };

/**
 * Every page of the generated site, by path from its root; the live page last, since leaving it
 * aborts the panels' polling requests in flight, which would count as failed requests.
 */
function pagesIn(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.html'))
    .map((name) => relative(folder, join(folder, name)).split('\\').join('/'))
    .sort((a, b) => Number(a === 'live.html') - Number(b === 'live.html') || a.localeCompare(b));
}

/** Opens a page and waits for what it renders after loading: Swagger UI's title, or the live status. */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  if (url.includes('/api/') && !url.endsWith('/api/index.html'))
    await page.locator('.swagger-ui .info .title').first().waitFor({ timeout: 20_000 });
  if (url.endsWith('/live.html'))
    await page.locator('#live-status[data-state="live"]').waitFor({ timeout: 10_000 });
}

/** Places an order with a correlation id of the test's own and follows it on Tracking's WebSocket. */
async function placeAndTrack(
  cloud: LocalCloud,
  correlationId: string,
): Promise<{ orderId: string; socket: WebSocket }> {
  const token = await cloud.token({ sub: 'portal-e2e', groups: ['customer'] });
  const place = () =>
    fetch(`${cloud.url}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `portal-e2e-${correlationId}`,
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify({ items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress: address }),
    });
  // A 503 (the menu's cold start outran the call on a loaded machine) is retried with the same
  // idempotency key, as a client of the platform does.
  let response = await place();
  for (let attempt = 1; response.status === 503 && attempt < 3; attempt++) response = await place();
  if (response.status !== 201)
    throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
  const { id: orderId } = (await response.json()) as { id: string };
  const { port } = new URL(cloud.url);
  const socket = new WebSocket(`ws://127.0.0.1:${port}/?token=${token}`, {
    headers: { host: `ws.localhost:${port}` },
  });
  const placed = new Promise<void>((done, fail) => {
    socket.on('message', (data: Buffer) => {
      if (String(data).includes('"placed"')) done();
    });
    socket.on('error', fail);
  });
  await new Promise((done) => socket.once('open', done));
  socket.send(JSON.stringify({ action: 'track', orderId }));
  await placed;
  return { orderId, socket };
}

/** The text of a live panel's rows. */
const panelText = (page: Page, panel: string) => page.locator(`#panel-${panel} .rows`).innerText();

describeInBrowser('the developer portal in Chromium', () => {
  let cloud: LocalCloud;
  let browser: Browser;
  let context: BrowserContext;
  let folder: string;

  beforeAll(async () => {
    ({ folder } = await generatePortal(root));
    cloud = await startLocalCloud({ root, port: 0, log: () => undefined });
    await seed(cloud.url, findSeedFiles(root), (role) =>
      cloud.token({ sub: `seed-${role}`, groups: [role] }),
    );
    browser = await launchChromium();
  }, 240_000);

  beforeEach(async () => {
    context = await browser.newContext();
  });
  afterEach(() => context?.close());
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('opens every page with no console error or failed request, and every link between pages resolves', async () => {
    const watch = watchPages(context);
    const page = await context.newPage();
    const pages = pagesIn(folder);
    const links = new Set<string>();
    for (const path of pages) {
      await open(page, `${cloud.portalUrl}/${path}`);
      for (const href of await page
        .locator('a[href]')
        .evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href)))
        if (href.startsWith(cloud.portalUrl)) links.add(href.split('#')[0] ?? href);
      await screenshot(page, `portal-${path.replace(/\.html$/, '')}`);
    }
    const broken = await page.evaluate(
      async (urls) => {
        const statuses = await Promise.all(
          urls.map(async (url) => [url, (await fetch(url)).status] as const),
        );
        return statuses.filter(([, status]) => status !== 200).map(([url]) => url);
      },
      [...links],
    );

    expect(pages).toEqual(
      expect.arrayContaining([
        'index.html',
        'front-door.html',
        'events.html',
        'live.html',
        'api/orders.html',
        'services/orders.html',
      ]),
    );
    expect(broken).toEqual([]);
    watch.assertNone();
    const { diagnostics } = await new Parser().parse(readFileSync(join(folder, 'asyncapi.json'), 'utf8'));
    expect(diagnostics.filter((diagnostic) => Number(diagnostic.severity) === 0)).toEqual([]);
  }, 180_000);

  it("follows one order's correlation id from the request through the bus, the queue, the workflow and the push", async () => {
    const watch = watchPages(context);
    const correlationId = `portal-e2e-${randomUUID()}`;
    const { orderId, socket } = await placeAndTrack(cloud, correlationId);
    const page = await context.newPage();

    await open(page, `${cloud.portalUrl}/live.html?correlationId=${correlationId}`);
    const shows = (panel: string, text: string) =>
      page
        .waitForFunction(
          ([id, wanted]) =>
            document.querySelector(`#panel-${id} .rows`)?.textContent?.includes(wanted) ?? false,
          [panel, text] as const,
          { timeout: 20_000 },
        )
        .catch(async (error: unknown) => {
          await screenshot(page, 'portal-live-failed');
          throw new Error(`the ${panel} panel never showed ${text}: ${await panelText(page, panel)}`, {
            cause: error,
          });
        });
    await shows('requests', 'orders/place-order');
    await shows('events', 'OrderPlaced');
    await shows('streams', orderId);
    await shows('executions', orderId);
    await shows('requests', 'kitchen/');
    await shows('requests', 'tracking/');
    await shows('connections', 'connectionId');
    await shows('logs', 'orders/');
    await screenshot(page, 'portal-live-followed');

    expect(await panelText(page, 'events')).not.toMatch(/MenuItemChanged/);
    expect(await page.locator('#live-status').innerText()).toContain(correlationId);
    socket.close();
    watch.assertNone();
  }, 120_000);
});
