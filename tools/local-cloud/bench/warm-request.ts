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
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LocalCloud } from '../src/cloud';
import type { LoadFigure } from './load';

const WARM_UP = 50;
const REQUESTS = 1_000;
/** Linux's `USER_HZ`: `/proc/<pid>/stat` counts CPU time in hundredths of a second. */
const TICKS_PER_MS = 0.1;

/** What the client reports. */
interface ClientReport {
  /** Milliseconds of each measured request, in the order sent. */
  readonly latencies: number[];
}

/**
 * The client: `warmUp` requests, `start` on stdout, then `requests` more, timed; their latencies
 * as JSON on stdout.
 */
const clientScript = `
import { Agent, request } from 'node:http';
const { url, warmUp, requests } = JSON.parse(process.env.SLICE_BENCH_WARM);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const get = () => new Promise((resolve, reject) => {
  const sent = request(url, { agent }, (response) => {
    response.resume();
    response.once('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(url + ' answered ' + response.statusCode))));
  });
  sent.once('error', reject);
  sent.end();
});
for (let i = 0; i < warmUp; i++) await get();
process.stdout.write('start\\n');
const latencies = [];
for (let i = 0; i < requests; i++) {
  const began = performance.now();
  await get();
  latencies.push(performance.now() - began);
}
agent.destroy();
process.stdout.write(JSON.stringify({ latencies }));
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

/** Runs the client against `url`; `onStart` is called when the measured requests begin. */
function runClient(url: string, onStart: () => void): Promise<ClientReport> {
  const client = spawn(process.execPath, ['--input-type=module', '-e', clientScript], {
    env: {
      PATH: process.env.PATH ?? '',
      SLICE_BENCH_WARM: JSON.stringify({ url, warmUp: WARM_UP, requests: REQUESTS }),
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
  const report = await runClient(`${cloud.url}/menu/items/margherita`, () => {
    before = cpuSnapshot(cloud);
  });
  const after = cpuSnapshot(cloud);
  let environmentsMs = 0;
  for (const [pid, ms] of after.environments) environmentsMs += ms - (before.environments.get(pid) ?? 0);
  const cloudCpuMs = (after.own - before.own) / REQUESTS;
  const environmentCpuMs = environmentsMs / REQUESTS;
  const sorted = [...report.latencies].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const cpuMs = cloudCpuMs + environmentCpuMs;
  return {
    key: 'warm-request',
    name: 'warm GET /menu/items/{id} (one DynamoDB read), end to end',
    value: `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (CPU ${cpuMs.toFixed(2)} ms a request: cloud ${cloudCpuMs.toFixed(2)}, environment ${environmentCpuMs.toFixed(2)})`,
    target: 'p50 ≤ 2 ms, p99 ≤ 6 ms',
    met: p50 <= 2 && p99 <= 6,
    data: {
      p50,
      p99,
      cpuMsPerRequest: cpuMs,
      cloudCpuMsPerRequest: cloudCpuMs,
      environmentCpuMsPerRequest: environmentCpuMs,
    },
  };
}
