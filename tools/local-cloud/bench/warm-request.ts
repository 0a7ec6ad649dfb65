/**
 * The warm figure of `npm run bench`: 1,000 sequential `GET /menu/items/margherita` (one DynamoDB
 * read each) through the local domain, after 50 that warm the environment and the connection, with
 * the CPU the cloud spent on them.
 *
 * The client runs in its own process, as a browser or `curl` would, with one keep-alive connection
 * (`node:http`): in the cloud's own process it would share the event loop it measures, and its
 * work (about a third of that process's CPU per request with `fetch`) would be counted as the
 * cloud's. The CPU per request is the cloud's process (every thread) and its execution
 * environments over the 1,000 requests: unlike the latency, it hardly moves with how busy the
 * machine is, so two builds compare on it in one run.
 *
 * Beside it, the same `GetItem` made with the AWS SDK straight at the local endpoint, from a
 * process of its own (no gateway, no environment, no middleware): the share of the figure that is
 * the SDK's call and the endpoint's answer, with the CPU of the calling process and of the cloud.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LocalCloud } from '../src/cloud';
import { operatorCredentials } from '../src/endpoint';
import type { LoadFigure } from './load';

const root = resolve(__dirname, '../../..');

const WARM_UP = 50;
const REQUESTS = 1_000;
/** Linux's `USER_HZ`: `/proc/<pid>/stat` counts CPU time in hundredths of a second. */
const TICKS_PER_MS = 0.1;

/** What a client reports. */
interface ClientReport {
  /** Milliseconds of each measured request, in the order sent. */
  readonly latencies: number[];
  /** CPU milliseconds the client process used over the measured requests. */
  readonly cpuMs: number;
}

/**
 * The loop both clients share: `warmUp` calls of `call`, `start` on stdout, then `requests` more,
 * timed; their latencies and the CPU they took as JSON on stdout.
 */
const measuredLoop = `
const { warmUp, requests } = JSON.parse(process.env.SLICE_BENCH_WARM);
for (let i = 0; i < warmUp; i++) await call();
process.stdout.write('start\\n');
const latencies = [];
const cpuBefore = process.cpuUsage();
for (let i = 0; i < requests; i++) {
  const began = performance.now();
  await call();
  latencies.push(performance.now() - began);
}
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(JSON.stringify({ latencies, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;

/** The domain client: `GET url` on one keep-alive `node:http` connection. */
const clientScript = `
import { Agent, request } from 'node:http';
const { url } = JSON.parse(process.env.SLICE_BENCH_WARM);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const call = () => new Promise((resolve, reject) => {
  const sent = request(url, { agent }, (response) => {
    response.resume();
    response.once('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(url + ' answered ' + response.statusCode))));
  });
  sent.once('error', reject);
  sent.end();
});
${measuredLoop}
agent.destroy();
`;

/**
 * The SDK client: the document client's `GetCommand` with the settings `createDocumentClient` of
 * `@slice/dynamodb` gives every function (three attempts, standard retries, 500 ms / 1 s
 * timeouts), at the local endpoint with the operator's key.
 */
const sdkClientScript = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const { endpoint, region, credentials, tableName, key } = JSON.parse(process.env.SLICE_BENCH_WARM);
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint,
    region,
    credentials,
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 500, requestTimeout: 1000, throwOnRequestTimeout: true },
  }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
);
const call = async () => {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: key }));
  if (!Item) throw new Error('GetItem found no ' + JSON.stringify(key) + ' in ' + tableName);
};
${measuredLoop}
documents.destroy();
`;

/** CPU milliseconds a process has used (every thread), from `/proc`; 0 where there is none. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ...`: utime and stime are the 12th and 13th fields after the comm.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_MS;
  } catch {
    return 0;
  }
}

const ownCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** CPU milliseconds of the cloud (this process) and of each environment, by pid. */
function cpuSnapshot(cloud: LocalCloud): { own: number; environments: Map<number, number> } {
  const environments = new Map<number, number>();
  for (const { pid } of cloud.runtime.environments()) environments.set(pid, processCpuMs(pid));
  return { own: ownCpuMs(), environments };
}

/**
 * Runs a client script (from the repository's root, where it finds the SDK) with `settings`;
 * `onStart` is called when the measured requests begin.
 */
function runClient(script: string, settings: object, onStart: () => void): Promise<ClientReport> {
  const client = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      SLICE_BENCH_WARM: JSON.stringify({ ...settings, warmUp: WARM_UP, requests: REQUESTS }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let started = false;
  client.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (!started && out.startsWith('start\n')) {
      started = true;
      onStart();
    }
  });
  client.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    client.once('exit', (code) => {
      if (code !== 0 || !started) return reject(new Error(`The warm client failed: ${err.slice(-500)}`));
      resolve(JSON.parse(out.slice('start\n'.length)) as ClientReport);
    });
  });
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const percentiles = (latencies: readonly number[]): { p50: number; p99: number } => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/** The Menu table that holds the seeded `margherita` (the one with the `gsi1` index). */
function menuTableName(cloud: LocalCloud): string {
  const table = cloud.model.tables.find(
    (each) =>
      each.stackName.startsWith('SliceMenu') &&
      (each.createTableInput.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === 'gsi1'),
  );
  if (!table) throw new Error('No Menu table with the gsi1 index is running.');
  return table.tableName;
}

/** The warm `GetItem` of the figure, made with the SDK straight at the endpoint. */
async function sdkGetItem(
  cloud: LocalCloud,
): Promise<{ p50: number; p99: number; clientCpuMs: number; cloudCpuMs: number }> {
  let before = 0;
  const settings = {
    endpoint: cloud.endpoint.url,
    region: cloud.model.region,
    credentials: operatorCredentials,
    tableName: menuTableName(cloud),
    key: { pk: 'ITEM#margherita', sk: 'ITEM' },
  };
  const report = await runClient(sdkClientScript, settings, () => (before = ownCpuMs()));
  return {
    ...percentiles(report.latencies),
    clientCpuMs: report.cpuMs / REQUESTS,
    cloudCpuMs: (ownCpuMs() - before) / REQUESTS,
  };
}

/**
 * The warm figure on a running, seeded cloud.
 *
 * @example
 * ```ts
 * results.push(await warmRequestFigure(cloud));
 * ```
 */
export async function warmRequestFigure(cloud: LocalCloud): Promise<LoadFigure> {
  let before = { own: 0, environments: new Map<number, number>() };
  const report = await runClient(clientScript, { url: `${cloud.url}/menu/items/margherita` }, () => {
    before = cpuSnapshot(cloud);
  });
  const after = cpuSnapshot(cloud);
  let environmentsMs = 0;
  for (const [pid, ms] of after.environments) environmentsMs += ms - (before.environments.get(pid) ?? 0);
  const cloudCpuMs = (after.own - before.own) / REQUESTS;
  const environmentCpuMs = environmentsMs / REQUESTS;
  const { p50, p99 } = percentiles(report.latencies);
  const cpuMs = cloudCpuMs + environmentCpuMs;
  const sdk = await sdkGetItem(cloud);
  return {
    key: 'warm-request',
    name: 'warm GET /menu/items/{id} (one DynamoDB read), end to end',
    value:
      `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (CPU ${cpuMs.toFixed(2)} ms a request: cloud ${cloudCpuMs.toFixed(2)}, environment ${environmentCpuMs.toFixed(2)}); ` +
      `the SDK's GetItem alone p50 ${sdk.p50.toFixed(1)} ms, p99 ${sdk.p99.toFixed(1)} ms (CPU: caller ${sdk.clientCpuMs.toFixed(2)}, cloud ${sdk.cloudCpuMs.toFixed(2)})`,
    target: 'p50 ≤ 2 ms, p99 ≤ 6 ms',
    met: p50 <= 2 && p99 <= 6,
    data: {
      p50,
      p99,
      cpuMsPerRequest: cpuMs,
      cloudCpuMsPerRequest: cloudCpuMs,
      environmentCpuMsPerRequest: environmentCpuMs,
      sdkGetItemP50: sdk.p50,
      sdkGetItemP99: sdk.p99,
      sdkGetItemCallerCpuMs: sdk.clientCpuMs,
      sdkGetItemCloudCpuMs: sdk.cloudCpuMs,
    },
  };
}
