import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { describeInBrowser, launchChromium, watchPages } from '../src/browser';

const pages: Record<string, string> = {
  '/clean': '<!doctype html><title>clean</title><p id="greeting">hello</p>',
  '/broken':
    '<!doctype html><title>broken</title><script>console.error("boom"); fetch("/missing"); throw new Error("uncaught");</script>',
};

describeInBrowser('browser kit', () => {
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const page = pages[request.url ?? ''];
      response.writeHead(page ? 200 : 404, { 'content-type': 'text/html' }).end(page ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('reports nothing for a page that loads cleanly', async () => {
    const context = await browser.newContext();
    const watch = watchPages(context);
    const page = await context.newPage();
    await page.goto(`${origin}/clean`);

    expect(await page.textContent('#greeting')).toBe('hello');
    expect(() => watch.assertNone()).not.toThrow();
    await context.close();
  });

  it('reports console errors, uncaught errors and failed responses', async () => {
    const context = await browser.newContext();
    const watch = watchPages(context);
    const page = await context.newPage();
    // Wait from before the navigation: the page's fetch can be answered before `goto` resolves.
    const missing = page.waitForResponse(`${origin}/missing`);
    await page.goto(`${origin}/broken`);
    await missing;

    expect(watch.problems).toEqual(
      expect.arrayContaining([
        'console error: boom' + ` (${origin}/broken)`,
        'page error: uncaught',
        `HTTP 404: GET ${origin}/missing`,
      ]),
    );
    expect(() => watch.assertNone()).toThrow(/the page had problems/);
    await context.close();
  });

  it('ignores the responses a test expects', async () => {
    const context = await browser.newContext();
    const watch = watchPages(context, { expected: [/\/missing$/] });
    const page = await context.newPage();
    await page.goto(`${origin}/clean`);
    await page.evaluate(() => fetch('/missing'));

    expect(watch.problems).toEqual([]);
    await context.close();
  });
});
