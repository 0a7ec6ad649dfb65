/**
 * `npm run invoke` and `npm run logs` against a running local cloud: a REST, an SQS and an
 * EventBridge event (the last two to a probe function that answers what it received, added the
 * way a consuming service's stack would add one), a stream record to Orders' outbox, bad input,
 * and the lines of one request across Orders' functions (the HTTP function and the stream outbox
 * function) by its correlation id.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LocalModel } from '../src/assembly';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import { findSeedFiles, seed } from '../src/seed';

const root = resolve(__dirname, '../../..');
const probeDir = mkdtempSync(join(tmpdir(), 'slice-probe-'));
let cloud: LocalCloud;

/** A function answering the detail type and correlation id it received, directly or in an SQS message. */
writeFileSync(
  join(probeDir, 'index.mjs'),
  `export const handler = async (event) => {
    const got = event.Records ? JSON.parse(event.Records[0].body) : event;
    console.log('probe received', got['detail-type']);
    return { source: event.Records ? event.Records[0].eventSource : 'aws.events', detailType: got['detail-type'], correlationId: got.detail.correlationId, order: typeof got.detail.order };
  };\n`,
);

const withProbe = (model: LocalModel): LocalModel => {
  const template = model.functions[0];
  if (!template) throw new Error('no function to model the probe on');
  return {
    ...model,
    functions: [
      ...model.functions,
      {
        ...template,
        id: 'SliceProbe-dev/Probe1A2B3C4D',
        stackName: 'SliceProbe-dev',
        logicalId: 'Probe1A2B3C4D',
        functionName: 'SliceProbe-dev-Probe',
        arn: 'arn:aws:lambda:eu-west-1:000000000000:function:SliceProbe-dev-Probe',
        handler: 'index.handler',
        codeDir: probeDir,
        environment: { POWERTOOLS_SERVICE_NAME: 'probe' },
      },
    ],
  };
};

/** Runs `npm run <script> -- args` against the cloud; answers its exit code and output. */
function npmRun(
  script: string,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('npm', ['run', '-s', script, '--', ...args], {
      cwd: root,
      env: { ...process.env, SLICE_LOCAL_URL: cloud.url, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  cloud = await startLocalCloud({ root, port: 0, transformModel: withProbe, log: () => undefined });
  await seed(cloud.url, findSeedFiles(root), (role) => cloud.token({ sub: `seed-${role}`, groups: [role] }));
}, 90_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(probeDir, { recursive: true, force: true });
});

describe('npm run invoke', () => {
  it('invokes a function behind the REST API with a proxy event built from a method and path', async () => {
    const run = await npmRun('invoke', [
      'get-menu-item',
      '--method',
      'GET',
      '--path',
      '/menu/items/margherita',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^menu\/get-menu-item \(request [0-9a-f-]{36}, correlation invoke-/);
    expect(run.stdout).toContain('HTTP 200');
    expect(run.stdout).toContain('"name": "Margherita"');
    expect(run.stdout).toMatch(/▸ menu\/get-menu-item 200 \d+ ms/);
  }, 60_000);

  it('sends an EventBridge event of a contract, and the same event in an SQS message', async () => {
    const direct = await npmRun('invoke', [
      'probe',
      '--eventbridge',
      'OrderPlaced',
      '--correlation-id',
      'c-eb',
    ]);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toContain('"detailType": "OrderPlaced"');
    expect(direct.stdout).toContain('"source": "aws.events"');
    expect(direct.stdout).toContain('"order": "object"');
    expect(direct.stdout).toMatch(/probe\/probe .*probe received OrderPlaced/);
    expect(direct.stdout).toMatch(/▸ probe\/probe ok \d+ ms.*c-eb/);

    const queued = await npmRun('invoke', ['probe', '--sqs', 'OrderCancelled', '--correlation-id', 'c-sqs']);
    expect(queued.code).toBe(0);
    expect(queued.stdout).toContain('"source": "aws:sqs"');
    expect(queued.stdout).toContain('"detailType": "OrderCancelled"');
    expect(queued.stdout).toContain('"correlationId": "c-sqs"');
  }, 60_000);

  it("sends a stream record of Orders' table to its outbox, which publishes the order", async () => {
    const orderId = '7d9e6b1c-3f0a-4c8e-9b2d-5a6f7e8d9c01';
    const order = {
      id: orderId,
      customerId: 'invoke-stream',
      status: 'PLACED',
      lines: [
        {
          itemId: 'margherita',
          name: 'Margherita',
          quantity: 1,
          unitPrice: { amount: 950, currency: 'EUR' },
          lineTotal: { amount: 950, currency: 'EUR' },
        },
      ],
      total: { amount: 950, currency: 'EUR' },
      deliveryAddress: {
        name: 'Ivo',
        line1: '4 Oven Street',
        city: 'Utrecht',
        postcode: '3511AD',
        country: 'NL',
      },
      placedAt: '2026-12-02T06:00:00.000Z',
    };
    const row = { pk: `ORDER#${orderId}`, sk: 'ORDER', ...order, correlationId: 'c-stream' };
    const run = await npmRun('invoke', [
      'publish-order-events',
      '--stream',
      'INSERT',
      '--new-image',
      JSON.stringify(row),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^orders\/publish-order-events \(request [0-9a-f-]{36}/);
    expect(run.stdout).toContain('"batchItemFailures": []');
    expect(run.stdout).toMatch(/▸ orders\/publish-order-events ok \d+ ms.*c-stream/);
    const published = cloud.localEvents({ source: 'slice.orders', detailType: 'OrderPlaced' });
    expect(published.map((event) => event.detail)).toContainEqual(
      expect.objectContaining({ correlationId: 'c-stream', order }),
    );
  }, 60_000);

  it('refuses a stream record for a function no stream invokes, naming those a stream does', async () => {
    const run = await npmRun('invoke', ['get-menu-item', '--stream', 'INSERT']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /menu\/get-menu-item reads no DynamoDB stream\. The functions a table's stream invokes: .*orders\/publish-order-events/,
    );
  }, 60_000);

  it('refuses an unknown function, listing the known ones, and an unreadable event', async () => {
    const unknown = await npmRun('invoke', ['no-such-function']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /No function "no-such-function" runs in the local cloud\. Known: .*menu\/get-menu-item/,
    );

    const missing = await npmRun('invoke', ['get-menu-item', '--event', join(probeDir, 'missing.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read the event file .*missing\.json: ENOENT/);

    writeFileSync(join(probeDir, 'bad.json'), '{"not json');
    const bad = await npmRun('invoke', ['get-menu-item', '--event', join(probeDir, 'bad.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/The event in .*bad\.json is not JSON/);
  }, 60_000);
});

describe('npm run logs', () => {
  it("shows exactly the lines of one request across Orders' functions, by its correlation id", async () => {
    const token = await cloud.token({ sub: 'erin', groups: ['customer'] });
    const correlationId = 'logs-e2e-0001';
    const placed = await fetch(`${cloud.url}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'logs-e2e-0001',
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify({
        items: [{ itemId: 'margherita', quantity: 1 }],
        deliveryAddress: {
          name: 'Erin',
          line1: '3 Oven Street',
          city: 'Utrecht',
          postcode: '3511AC',
          country: 'NL',
        },
      }),
    });
    expect(placed.status).toBe(201);
    // The outbox function publishes the order from the table's stream, a moment later.
    const deadline = Date.now() + 30_000;
    const outboxRan = () =>
      cloud.logs
        .query({ target: 'publish-order-events', correlationId })
        .some((entry) => entry.kind === 'request');
    while (!outboxRan() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));

    const run = await npmRun('logs', ['orders', '--correlation-id', correlationId, '--raw']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const expected = cloud.logs
      .query({ correlationId })
      .filter((entry) => entry.service === 'orders' && entry.kind === 'line')
      .map((entry) => `${entry.function} | ${entry.text}`);
    expect(lines).toEqual(expected);
    expect(new Set(lines.map((line) => line.split(' | ')[0]))).toEqual(
      new Set(['orders/place-order', 'orders/publish-order-events']),
    );
    expect(lines.filter((line) => / \| START RequestId/.test(line))).toHaveLength(2);

    const pretty = await npmRun('logs', ['orders', '--correlation-id', correlationId]);
    expect(pretty.stdout).toMatch(new RegExp(`▸ orders/place-order 201 \\d+ ms.*${correlationId}`));
    expect(pretty.stdout).toMatch(new RegExp(`▸ orders/publish-order-events ok \\d+ ms.*${correlationId}`));
    expect(pretty.stdout).not.toMatch(/_aws|START RequestId|menu\//);
  }, 90_000);
});
