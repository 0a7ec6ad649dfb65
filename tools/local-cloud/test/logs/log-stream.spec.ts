import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { correlationIdsOf, findFunction, formatEntry, LogStream } from '../../src/logs';
import type { FunctionSpec, InvokeResult } from '../../src/model';

const fn = (logicalId: string, service: string, stackName: string): FunctionSpec =>
  ({
    id: `${stackName}/${logicalId}`,
    stackName,
    logicalId,
    functionName: `${stackName}-${logicalId}`,
    environment: { POWERTOOLS_SERVICE_NAME: service },
  }) as unknown as FunctionSpec;

const placeOrder = fn('PlaceOrderC1FF4CFE', 'orders', 'SliceOrders-dev');
const outbox = fn('PublishOrderEvents624BCD54', 'orders', 'SliceOrders-dev');
const getMenuItem = fn('GetMenuItemA378865E', 'menu', 'SliceMenu-dev');
const functions = [placeOrder, outbox, getMenuItem];
const functionOf = (id: string) => functions.find((each) => each.id === id);

const ok = (payload: unknown): InvokeResult => ({ ok: true, payload, durationMs: 12.3, coldStart: false });

const emf = JSON.stringify({
  _aws: { CloudWatchMetrics: [{ Namespace: 'Slice', Metrics: [] }] },
  Success: 1,
});
const structured = JSON.stringify({
  level: 'ERROR',
  message: 'Request failed',
  timestamp: '2026-12-01T10:00:00.000Z',
  service: 'orders',
  cold_start: true,
  correlationId: 'c-1',
  userId: 'alice',
  error: {
    name: 'UpstreamError',
    message: 'menu timed out',
    stack: 'UpstreamError: menu timed out\n    at call (client.ts:1:1)',
  },
});

/** One HTTP request of place-order (correlation `c-1`) and one stream batch of the outbox carrying it. */
function record(logs: LogStream) {
  logs.add({
    functionId: placeOrder.id,
    requestId: 'r-1',
    stream: 'stdout',
    text: 'START RequestId: r-1 Version: $LATEST',
  });
  logs.add({ functionId: placeOrder.id, requestId: 'r-1', stream: 'stdout', text: structured });
  logs.add({ functionId: placeOrder.id, requestId: 'r-1', stream: 'stdout', text: emf });
  logs.add({
    functionId: placeOrder.id,
    requestId: 'r-1',
    stream: 'stdout',
    text: 'REPORT RequestId: r-1\tDuration: 1 ms',
  });
  logs.settle({
    functionId: placeOrder.id,
    requestId: 'r-1',
    event: { headers: { 'X-Correlation-Id': 'c-1' } },
    result: ok({ statusCode: 201, headers: { 'x-correlation-id': 'c-1' }, body: '{}' }),
  });
  logs.add({ functionId: getMenuItem.id, requestId: 'r-2', stream: 'stdout', text: 'START RequestId: r-2' });
  logs.settle({
    functionId: getMenuItem.id,
    requestId: 'r-2',
    event: { headers: { 'x-correlation-id': 'c-1' } },
    result: ok({ statusCode: 200 }),
  });
  logs.add({ functionId: outbox.id, requestId: 'r-3', stream: 'stdout', text: 'START RequestId: r-3' });
  logs.settle({
    functionId: outbox.id,
    requestId: 'r-3',
    event: {
      Records: [
        { dynamodb: { NewImage: { correlationId: { S: 'c-1' } } } },
        { dynamodb: { NewImage: { correlationId: { S: 'c-2' } } } },
      ],
    },
    result: ok({ batchItemFailures: [] }),
  });
  logs.add({ functionId: outbox.id, requestId: 'r-4', stream: 'stdout', text: 'START RequestId: r-4' });
  logs.settle({ functionId: outbox.id, requestId: 'r-4', event: { Records: [] }, result: ok(null) });
}

describe('the log stream', () => {
  it("answers exactly one request's lines across a service's functions by correlation id", () => {
    const logs = new LogStream({ functionOf });
    record(logs);
    const lines = logs.query({ target: 'orders', correlationId: 'c-1' });
    expect(lines.map((entry) => [entry.function, entry.requestId, entry.kind])).toEqual([
      ['orders/place-order', 'r-1', 'line'],
      ['orders/place-order', 'r-1', 'line'],
      ['orders/place-order', 'r-1', 'line'],
      ['orders/place-order', 'r-1', 'line'],
      ['orders/place-order', 'r-1', 'request'],
      ['orders/publish-order-events', 'r-3', 'line'],
      ['orders/publish-order-events', 'r-3', 'request'],
    ]);
    expect(logs.query({ correlationId: 'c-1' }).map((entry) => entry.requestId)).toContain('r-2');
    expect(logs.query({ target: 'get-menu-item' }).every((entry) => entry.requestId === 'r-2')).toBe(true);
    expect(logs.query({ after: logs.last - 2 })).toHaveLength(2);
  });

  it("files a request under the correlation id its structured lines carry, in either key's spelling", () => {
    const logs = new LogStream({ functionOf });
    const line = (requestId: string, fields: object) =>
      logs.add({ functionId: outbox.id, requestId, stream: 'stdout', text: JSON.stringify(fields) });
    line('r-8', { level: 'INFO', message: 'published', correlationId: 'c-8' });
    line('r-9', { level: 'INFO', message: 'published', correlation_id: 'c-9' });
    line('r-9', { _aws: { CloudWatchMetrics: [] }, Published: 1 });
    for (const requestId of ['r-8', 'r-9'])
      logs.settle({ functionId: outbox.id, requestId, event: {}, result: ok(null) });

    expect(logs.query({ correlationId: 'c-8' }).map((entry) => entry.requestId)).toEqual(['r-8', 'r-8']);
    expect(logs.query({ correlationId: 'c-9' })).toHaveLength(3);
  });

  it('keeps at most maxEntries, the newest', () => {
    const logs = new LogStream({ functionOf, maxEntries: 3 });
    record(logs);
    expect(logs.query().map((entry) => entry.seq)).toEqual([logs.last - 2, logs.last - 1, logs.last]);
  });

  it('keeps the newest maxEntries as entries keep coming, long after the first ones were dropped', () => {
    const logs = new LogStream({ functionOf, maxEntries: 4 });
    const seen: number[][] = [];
    for (let i = 0; i < 30; i++) {
      logs.add({ functionId: placeOrder.id, stream: 'stdout', text: `line ${i}` });
      seen.push(logs.query().map((entry) => entry.seq));
    }

    expect(seen[2]).toEqual([1, 2, 3]);
    expect(seen.slice(3).every((seqs, i) => seqs.join() === [i + 1, i + 2, i + 3, i + 4].join())).toBe(true);
    expect(logs.query({ limit: 2 }).map((entry) => entry.text)).toEqual(['line 28', 'line 29']);
  });

  it('is read back from the data directory at the next start', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'slice-logs-'));
    try {
      const first = new LogStream({ functionOf, dataDir });
      record(first);
      const reopened = new LogStream({ functionOf, dataDir });
      expect(reopened.query({ target: 'orders', correlationId: 'c-1' })).toHaveLength(7);
      // The sequence goes on where it stopped, so a follower's cursor stays valid.
      reopened.add({ functionId: placeOrder.id, stream: 'stdout', text: 'outside a request' });
      expect(reopened.last).toBe(first.last + 1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the pretty log', () => {
  const logs = new LogStream({ functionOf });
  record(logs);
  const pretty = logs
    .query({ requestId: 'r-1' })
    .map((entry) => formatEntry(entry, 'pretty'))
    .filter((line) => line !== undefined);

  it('prints one line per request with its status, duration and correlation id, and hides metrics and framing', () => {
    expect(pretty).toHaveLength(2);
    expect(pretty[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ▸ orders\/place-order 201 12 ms {2}c-1$/);
  });

  it("pretty-prints a Powertools line: level, message, its own keys, an error's stack below", () => {
    expect(pretty[0]).toMatch(
      /ERROR orders\/place-order {2}Request failed {2}userId=alice {2}error=UpstreamError: menu timed out\n {6}at call \(client\.ts:1:1\)$/,
    );
  });

  it("pretty-prints the runtime's Invoke Error line: type, message and stack", () => {
    const error = JSON.stringify({
      errorType: 'TypeError',
      errorMessage: 'boom',
      stack: ['TypeError: boom', '    at handler (index.ts:3:9)'],
    });
    const entry = logs.add({
      functionId: placeOrder.id,
      stream: 'stderr',
      text: `2026-12-01T10:00:00.000Z\tr-9\tERROR\tInvoke Error \t${error}`,
    });
    expect(formatEntry({ seq: 0, correlationIds: [], ...entry }, 'pretty')).toMatch(
      /ERROR orders\/place-order {2}Invoke Error: TypeError: boom\n {6}at handler \(index\.ts:3:9\)$/,
    );
  });

  it('prints every line as written with --logs=raw, and no request line', () => {
    const raw = logs.query({ requestId: 'r-1' }).map((entry) => formatEntry(entry, 'raw'));
    expect(raw).toEqual([
      'orders/place-order | START RequestId: r-1 Version: $LATEST',
      `orders/place-order | ${structured}`,
      `orders/place-order | ${emf}`,
      'orders/place-order | REPORT RequestId: r-1\tDuration: 1 ms',
      undefined,
    ]);
  });
});

describe('correlation ids and function names', () => {
  it("reads an EventBridge event's and an SQS message's correlation id", () => {
    expect(correlationIdsOf({ detail: { correlationId: 'e-1' } }, ok(null))).toEqual(['e-1']);
    const body = JSON.stringify({ 'detail-type': 'OrderPlaced', detail: { correlationId: 'q-1' } });
    expect(correlationIdsOf({ Records: [{ body }] }, ok(null))).toEqual(['q-1']);
    expect(correlationIdsOf({}, ok({ statusCode: 200 }))).toEqual([]);
  });

  it('finds a function by its short name, label, logical id or name, and lists the known ones otherwise', () => {
    for (const name of [
      'place-order',
      'orders/place-order',
      'PlaceOrder',
      'SliceOrders-dev-PlaceOrderC1FF4CFE',
    ])
      expect(findFunction(functions, name)).toEqual({ fn: placeOrder });
    expect(findFunction(functions, 'nope')).toEqual({
      error:
        'No function "nope" runs in the local cloud. Known: menu/get-menu-item, orders/place-order, orders/publish-order-events.',
    });
  });
});
