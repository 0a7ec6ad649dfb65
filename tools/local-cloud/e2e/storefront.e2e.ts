/**
 * The storefront in a real browser (Debian's Chromium through playwright-core), against the local
 * cloud started from the synthesized stacks: the site from its CloudFront distribution's asset at
 * its own origin (`http://www.localhost:<port>`), sign-in through the local hosted UI (code grant
 * with PKCE), the APIs cross-origin under CORS, the status pushed over Tracking's WebSocket API. A
 * customer signs in, orders, sees `placed`, a cook starts the order and the clock passes the bake,
 * and the page shows `ready` without reloading; another order is cancelled; a refused order shows
 * the problem's title and detail. Any console error or failed request fails the test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { advanceLocalClock } from '@slice/testing';
import {
  describeInBrowser,
  launchChromium,
  screenshot,
  watchPages,
  type PageProblems,
} from '@slice/testing/browser';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { findSeedFiles, seed } from '../src/seed';
import { demoPassword } from '../src/services/cognito/hosted-ui';

const root = resolve(__dirname, '../../..');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const logs: string[] = [];
let cloud: LocalCloud;
let browser: Browser;
let siteUrl: string;
let staff: string;

/** Polls `done` until it is true, within `timeoutMs` of real time. */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function asStaff(
  method: string,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${staff}` },
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** Whether the order's workflow has entered a state. */
async function entered(orderId: string, state: string): Promise<boolean> {
  type HistoryEvent = { stateEnteredEventDetails?: { name?: string } };
  const { executions } = (await (await fetch(`${cloud.url}/_local/executions`)).json()) as {
    executions: Array<{ name: string; history?: HistoryEvent[]; events?: HistoryEvent[] }>;
  };
  const run = executions.find((execution) => execution.name === orderId);
  return (run?.history ?? run?.events ?? []).some((event) => event.stateEnteredEventDetails?.name === state);
}

/** Opens the storefront in a fresh context and signs in as a demo user through the hosted UI. */
async function signedIn(
  username: string,
  expected: RegExp[] = [],
): Promise<{ context: BrowserContext; page: Page; watch: PageProblems }> {
  const context = await browser.newContext();
  const watch = watchPages(context, { expected });
  const page = await context.newPage();
  await page.goto(siteUrl);
  await page.getByTestId('menu-margherita').waitFor();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/auth\.localhost:\d+\/login\?/);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByTestId('user')
    .filter({ hasText: username })
    .waitFor()
    .catch(async (error: unknown) => {
      throw new Error(
        `not signed in at ${page.url()}: ${(await page.textContent('body')) ?? ''}; ${watch.problems.join('; ')}`,
        { cause: error },
      );
    });
  return { context, page, watch };
}

/** Fills the cart and the address, presses the order button, and returns the new order's id. */
async function order(page: Page, address: { line1: string; country?: string } = { line1: '1 Oven Street' }) {
  const before = await page.getByTestId('order').count();
  await page.getByRole('button', { name: 'Add Margherita' }).click();
  await page.getByLabel('Street').fill(address.line1);
  await page.getByLabel('City').fill('Utrecht');
  await page.getByLabel('Postcode').fill('3511AA');
  await page.getByLabel('Country (ISO code)').fill(address.country ?? 'NL');
  // Orders gives Menu's batch read 1.5 s; a cold Menu on a busy two-core machine can take longer
  // (the customer would see 503 and retry with the same key). Warm it, as steady traffic would.
  await fetch(`${cloud.url}/menu/items?ids=margherita`);
  await page.getByTestId('place-order').click();
  return before;
}

async function placed(page: Page, before: number): Promise<string> {
  await until(
    'the order to show',
    async () => (await page.getByTestId('order').count()) > before,
    15_000,
  ).catch(async (error: unknown) => {
    await screenshot(page, 'storefront-no-order');
    throw new Error(`no order shown: ${(await page.textContent('main')) ?? ''}`, { cause: error });
  });
  const id = await page.getByTestId('order').first().getAttribute('data-order-id');
  if (!id) throw new Error('the order has no id');
  return id;
}

const statusOf = (page: Page, orderId: string) =>
  page.locator(`[data-order-id="${orderId}"]`).getByTestId('order-status');

describeInBrowser('the storefront in Chromium', () => {
  beforeAll(async () => {
    cloud = await startLocalCloud({
      root,
      port: Number(process.env.SLICE_E2E_PORT ?? 0),
      log: (line) => logs.push(line),
    });
    await seed(cloud.url, findSeedFiles(root), (role) =>
      cloud.token({ sub: `seed-${role}`, groups: [role] }),
    );
    staff = await cloud.token({ sub: 'chef', groups: ['staff'] });
    const [storefront] = cloud.sites
      .urls()
      .filter(({ site }) => site.stackName.startsWith('SliceStorefront'));
    if (!storefront) throw new Error('the storefront stack was not synthesized');
    siteUrl = storefront.url;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    // The cloud's log (every function, by correlation id), for a failure's story.
    mkdirSync(join(root, 'dist/e2e'), { recursive: true });
    writeFileSync(join(root, 'dist/e2e/storefront-local-cloud.log'), `${logs.join('\n')}\n`);
    await browser?.close();
    await cloud?.stop();
  });

  it('signs a customer in, places an order and shows ready pushed when the kitchen has baked it', async () => {
    // Prepare
    const { context, page, watch } = await signedIn('alice');

    // Act: the customer orders; a cook starts it and the clock passes the bake
    const orderId = await placed(page, await order(page));
    await statusOf(page, orderId)
      .filter({ hasText: /^placed$/ })
      .waitFor();
    await screenshot(page, 'storefront-placed');
    await until(
      'a ticket waiting for a cook',
      async () =>
        (await asStaff('GET', `/kitchen/tickets/${orderId}`)).status === 200 &&
        (await entered(orderId, 'WaitForCook')),
    );
    const started = await asStaff('POST', `/kitchen/tickets/${orderId}/start`);
    const { bakeSeconds } = (await asStaff('GET', `/kitchen/tickets/${orderId}`)).body as {
      bakeSeconds: number;
    };
    expect(started).toMatchObject({ status: 200 });
    await until('the bake', () => entered(orderId, 'Bake'), 60_000);
    await advanceLocalClock(cloud.url, bakeSeconds * 1000 + 1000);

    // Assess: the page hears `ready` over the WebSocket (it never polls)
    await statusOf(page, orderId)
      .filter({ hasText: /^ready$/ })
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'storefront-ready');
    expect(started.status).toBe(200);
    watch.assertNone();
    await context.close();
  }, 120_000);

  it('cancels an order that is still placed', async () => {
    const { context, page, watch } = await signedIn('bob');

    const orderId = await placed(page, await order(page, { line1: '2 Oven Street' }));
    await statusOf(page, orderId)
      .filter({ hasText: /^placed$/ })
      .waitFor();
    await page.locator(`[data-order-id="${orderId}"]`).getByRole('button', { name: 'Cancel' }).click();

    await statusOf(page, orderId)
      .filter({ hasText: /^cancelled$/ })
      .waitFor();
    await screenshot(page, 'storefront-cancelled');
    expect((await asStaff('GET', `/orders/${orderId}`)).body.status).toBe('CANCELLED');
    watch.assertNone();
    await context.close();
  }, 60_000);

  it("shows a refused order's problem title and detail, as the API wrote them", async () => {
    // Prepare: the refusal is the point, so that one answer is expected
    const { context, page, watch } = await signedIn('alice', [/\/orders$/]);

    // Act
    await order(page, { line1: '3 Oven Street', country: 'Netherlands' });

    // Assess
    await page.getByTestId('error').waitFor();
    await screenshot(page, 'storefront-problem');
    const title = await page.getByTestId('error-title').textContent();
    const detail = await page.getByTestId('error-detail').textContent();
    expect(title).toBe('Bad Request');
    expect(detail).toMatch(/country/);
    watch.assertNone();
    await context.close();
  }, 60_000);
});
