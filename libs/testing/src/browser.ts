import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page, Request } from 'playwright-core';

/**
 * Chromium for Slice's browser tests: Debian's `chromium` package (or `CHROMIUM_PATH`), driven by
 * playwright-core, which never downloads a browser of its own. `.ci/run` installs the package, so
 * CI always runs these tests; on a laptop without it they are skipped with one line saying how to
 * install it.
 */

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium executable to drive, or `undefined` when this machine has none. */
export function chromiumPath(): string | undefined {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return existsSync(configured) ? configured : undefined;
  return candidates.find((path) => existsSync(path));
}

/** The one line `npm test` prints when a browser suite is skipped. */
export const chromiumMissing =
  'browser tests skipped: no Chromium on this machine (install Debian\'s "chromium" package, e.g. `sudo apt-get install chromium`, or set CHROMIUM_PATH)';

let warned = false;

/**
 * `describe` when Chromium is installed, otherwise `describe.skip` after printing
 * {@link chromiumMissing} once per test file.
 *
 * @example
 * describeInBrowser('storefront', () => {
 *   it('places an order', async () => { ... });
 * });
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumPath()) {
    describe(name, body);
    return;
  }
  if (!warned) {
    warned = true;
    process.stdout.write(`${chromiumMissing}\n`);
  }
  describe.skip(name, body);
}

/**
 * Starts headless Chromium with the flags this sandboxed, offline machine needs (no sandbox as
 * root, no background networking or component updates that would reach for the internet).
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(chromiumMissing);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      // *.localhost resolves to loopback in Chromium itself; this keeps any other lookup local.
      '--host-resolver-rules=MAP *.localhost 127.0.0.1',
    ],
  });
}

/** What went wrong in a page: console errors, uncaught exceptions and failed requests. */
export interface PageProblems {
  readonly problems: string[];
  /** Throws, listing every problem, when there was any. */
  assertNone(): void;
}

/**
 * Records every console error, uncaught page error, failed request and 4xx/5xx response of the
 * pages in a context, so a test can fail on any of them. Pass `expected` for responses a test
 * provokes on purpose (for example a problem+json it asserts is shown).
 *
 * @example
 * const watch = watchPages(context, { expected: [/\/orders\/nope$/] });
 * ...
 * watch.assertNone();
 */
export function watchPages(
  context: BrowserContext,
  { expected = [] }: { readonly expected?: readonly RegExp[] } = {},
): PageProblems {
  const problems: string[] = [];
  const isExpected = (url: string) => expected.some((pattern) => pattern.test(url));
  const onPage = (page: Page) => {
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      if (url && isExpected(url)) return;
      // Chromium logs a console error for every 4xx/5xx response; those are judged below.
      if (/Failed to load resource: the server responded with a status of/.test(message.text())) return;
      problems.push(`console error: ${message.text()}${url ? ` (${url})` : ''}`);
    });
    page.on('pageerror', (error: Error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request: Request) => {
      if (isExpected(request.url())) return;
      problems.push(
        `request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`,
      );
    });
    page.on('response', (response) => {
      if (response.status() < 400 || isExpected(response.url())) return;
      problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    });
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
  return {
    problems,
    assertNone() {
      if (problems.length > 0) throw new Error(`the page had problems:\n- ${problems.join('\n- ')}`);
    },
  };
}

/** Saves a full-page screenshot as `dist/screenshots/<name>.png` (relative to the repo root). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const folder = join(__dirname, '../../../dist/screenshots');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
