/**
 * `npm run dev` in a temporary copy of the workspace: a saved edit of a handler answers through
 * the local domain without a restart, and an edit that does not compile changes nothing and
 * prints why. Kept lean (one start, two edits) for the CI budget.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copyWorkspace, type DevProcess, removeCopy, startDev } from './workspace-copy';

const root = resolve(__dirname, '../../..');
const handlerPath = 'apps/menu/src/handlers/get-menu-item.ts';
let copy: string;
let dev: DevProcess;
let url: string;

const nameOfMargherita = async (): Promise<unknown> => {
  const response = await fetch(`${url}/menu/items/margherita`);
  return ((await response.json()) as { name?: unknown }).name;
};

/** Polls until the item's name is `wanted`, or gives up after `timeoutMs`. */
async function eventually(wanted: string, timeoutMs: number): Promise<unknown> {
  const until = Date.now() + timeoutMs;
  let name = await nameOfMargherita();
  while (name !== wanted && Date.now() < until) {
    await new Promise((done) => setTimeout(done, 200));
    name = await nameOfMargherita();
  }
  return name;
}

beforeAll(async () => {
  copy = copyWorkspace(root);
  // Port 0: the cloud takes a free port and prints it.
  dev = startDev(copy, 0);
  await dev.waitFor(/dev: watching/, 120_000);
  url = /Slice is ready at (http:\/\/localhost:\d+)/.exec(dev.output())?.[1] ?? '';
  expect(url).not.toBe('');
}, 150_000);

afterAll(async () => {
  await dev?.stop();
  if (copy) removeCopy(copy);
}, 30_000);

test('a saved handler edit answers without a restart; a syntax error keeps the old answer and prints the error', async () => {
  const file = join(copy, handlerPath);
  const original = readFileSync(file, 'utf8');
  expect(await nameOfMargherita()).toBe('Margherita');
  const pid = dev.child.pid;

  const edited = original.replace(
    'getMenuItem(path.itemId, { menu }),',
    "getMenuItem(path.itemId, { menu }).then((item) => ({ ...item, name: 'Hot Margherita' })),",
  );
  expect(edited).not.toBe(original);
  const before = dev.output().length;
  writeFileSync(file, edited);
  await dev.waitFor(/dev: hot-swapped menu\/get-menu-item/, 120_000, before);
  expect(await eventually('Hot Margherita', 10_000)).toBe('Hot Margherita');

  const broken = dev.output().length;
  writeFileSync(file, edited.replace('export const handler = http(', 'export const handler = http(('));
  await dev.waitFor(/dev: (type errors|the bundle failed); menu\/get-menu-item keep/, 60_000, broken);
  expect(dev.output().slice(broken)).toMatch(/get-menu-item\.ts/);
  expect(await nameOfMargherita()).toBe('Hot Margherita');
  expect(dev.child.pid).toBe(pid);
  expect(dev.child.exitCode).toBeNull();
}, 240_000);
