/**
 * Nothing committed is lost across a crash: the real `npm start -- --no-synth --data-dir <dir>`
 * (the whole process tree: npm, the local cloud, every function's worker) is killed with
 * SIGKILL right after orders were placed, then started again on the same directory. Every
 * `OrderPlaced` reaches the bus (at least once, as Lambda's stream event sources deliver), and a
 * token minted before the crash still works after it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const address = { name: 'Dana', line1: '2 Oven Street', city: 'Utrecht', postcode: '3511AB', country: 'NL' };
/** How many orders are in flight when the cloud is killed. */
const orderCount = 6;
/** A start of every stack on a loaded 2-core CI machine, with room to spare. */
const startMs = 90_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it printed, for the failure message. */
  readonly output: string[];
}

/** Starts `npm start` in a process group of its own and resolves once it prints its URL. */
async function start(dataDir: string, port: number): Promise<Running> {
  const child = spawn('npm', ['start', '--', '--no-synth', '--data-dir', dataDir], {
    cwd: root,
    detached: true,
    env: { ...process.env, PORT: String(port), NX_TUI: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`npm start did not get ready:\n${output.join('')}`)),
      startMs,
    );
    const read = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      const ready = /Slice is ready at (http:\/\/\S+)/.exec(output.join(''));
      if (ready?.[1]) {
        clearTimeout(timer);
        done(ready[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited with ${code}:\n${output.join('')}`));
    });
  });
  return { child, url, output };
}

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Sends `signal` to every process of the group and waits until none is left. */
async function killGroup(running: Running, signal: NodeJS.Signals): Promise<void> {
  const pid = running.child.pid;
  if (pid === undefined || !groupAlive(pid)) return;
  process.kill(-pid, signal);
  const deadline = Date.now() + 15_000;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
  running.child.stdout?.destroy();
  running.child.stderr?.destroy();
}

/**
 * Places an order as a client does: a 503 (a cold Menu function answering Orders too late on a
 * loaded machine) is retried after its `Retry-After` with the same idempotency key.
 */
async function placeOrder(url: string, token: string, idempotencyKey: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify({ items: [{ itemId: 'margherita', quantity: 1 }], deliveryAddress: address }),
    });
    if (response.status === 503 && attempt < 5) {
      await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
      continue;
    }
    expect(response.status).toBe(201);
    return String(((await response.json()) as { id: unknown }).id);
  }
}

/** The orders among `orderIds` with an `OrderPlaced` on the bus. */
async function ordersPlacedOnTheBus(url: string, orderIds: readonly string[]): Promise<string[]> {
  const response = await fetch(`${url}/_local/events?source=slice.orders&detailType=OrderPlaced`);
  const { events } = (await response.json()) as { events: Array<{ detail: unknown }> };
  const details = events.map((event) => JSON.stringify(event.detail));
  return orderIds.filter((id) => details.some((detail) => detail.includes(id)));
}

describe('a crash of the local cloud with --data-dir', () => {
  let dataDir: string;
  const processes: Running[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'slice-crash-e2e-'));
  });

  afterAll(async () => {
    for (const running of processes) await killGroup(running, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it(
    'delivers every OrderPlaced and keeps tokens valid after kill -9 and a restart',
    async () => {
      // Prepare: a running cloud, a customer's token and orders placed through the domain.
      const first = await start(dataDir, 0);
      processes.push(first);
      const tokenResponse = await fetch(`${first.url}/_local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: 'crash-e2e', groups: ['customer'] }),
      });
      const { token } = (await tokenResponse.json()) as { token: string };
      const orderIds: string[] = [];
      for (let n = 0; n < orderCount; n += 1)
        orderIds.push(await placeOrder(first.url, token, `crash-e2e-order-${n}`));

      // Act: kill -9 of the whole tree at once, then a start on the same directory and port
      // (the issuer's URL, the tokens' `iss`, is the local domain's).
      await killGroup(first, 'SIGKILL');
      const second = await start(dataDir, Number(new URL(first.url).port));
      processes.push(second);

      // Assess: every order's event arrives; the old token reads an order.
      const deadline = Date.now() + 30_000;
      let placed = await ordersPlacedOnTheBus(second.url, orderIds);
      while (placed.length < orderIds.length && Date.now() < deadline) {
        await sleep(200);
        placed = await ordersPlacedOnTheBus(second.url, orderIds);
      }
      expect(placed).toEqual(orderIds);
      const read = await fetch(`${second.url}/orders/${orderIds[0] ?? ''}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(read.status).toBe(200);
    },
    2 * startMs + 60_000,
  );
});
