/**
 * The load figures of `npm run bench`: 3,000 `GET /menu/items/{id}` (one DynamoDB read each) at 50
 * concurrent clients through the local domain, once with the stages' throttling raised (every
 * request must be answered: no 5xx, no client time-out) and once with the stages' throttling as
 * synthesized (the excess must be the stage's 429 with `Retry-After`, still no 5xx). Reports the
 * p99, the peak resident memory of the whole cloud (this process and every process under it but the
 * load generator) and how many execution environments stayed resident after the load.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../src/cloud';
import type { LocalModel } from '../src/assembly';
import { findSeedFiles, seed } from '../src/seed';

/** One row of the bench's table (the shape `bench.ts` collects). */
export interface LoadFigure {
  readonly key: string;
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean;
  readonly data: Record<string, number>;
}

/** What the load generator reports. */
interface LoadReport {
  readonly statuses: Record<string, number>;
  readonly timeouts: number;
  readonly failures: number;
  /** 429 answers without a `Retry-After` header. */
  readonly throttledWithoutRetryAfter: number;
  readonly p50: number;
  readonly p99: number;
  readonly elapsedMs: number;
}

const REQUESTS = 3_000;
const CLIENTS = 50;
/** Longer than the integration timeout (29 s): a request still unanswered then is a hang, not a 504. */
const CLIENT_TIMEOUT_MS = 35_000;
const PEAK_RSS_LIMIT_MB = 2_048;

/**
 * The load generator, in its own process so this one (the cloud) only serves. Each of `clients`
 * loops takes the next request number until `requests` are sent.
 */
const generatorScript = `
const { url, requests, clients, timeoutMs } = JSON.parse(process.env.SLICE_BENCH_LOAD);
const statuses = {};
const latencies = [];
let next = 0, timeouts = 0, failures = 0, throttledWithoutRetryAfter = 0;
const began = performance.now();
await Promise.all(Array.from({ length: clients }, async () => {
  while (next < requests) {
    next += 1;
    const start = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 429 && !response.headers.get('retry-after')) throttledWithoutRetryAfter += 1;
      latencies.push(performance.now() - start);
    } catch (error) {
      if (error.name === 'TimeoutError') timeouts += 1; else failures += 1;
    }
  }
}));
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(JSON.stringify({
  statuses, timeouts, failures, throttledWithoutRetryAfter,
  p50: at(0.5), p99: at(0.99), elapsedMs: performance.now() - began,
}));
`;

/** Runs the load generator against `url`; resolves with its report and its pid (not part of the cloud). */
function generateLoad(url: string, onSpawn: (pid: number) => void): Promise<LoadReport> {
  const client = spawn(process.execPath, ['--input-type=module', '-e', generatorScript], {
    env: {
      PATH: process.env.PATH ?? '',
      SLICE_BENCH_LOAD: JSON.stringify({
        url,
        requests: REQUESTS,
        clients: CLIENTS,
        timeoutMs: CLIENT_TIMEOUT_MS,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (client.pid !== undefined) onSpawn(client.pid);
  let out = '';
  let err = '';
  client.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  client.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    client.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`The load generator failed: ${err.slice(-500)}`));
      resolve(JSON.parse(out) as LoadReport);
    });
  });
}

/** The parent of each live process, from `/proc`. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last `)`.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // The process ended while being read.
    }
  }
  return map;
}

function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of this process and every process below it, except the `excluded` subtrees, in MB. */
function cloudRssMb(excluded: ReadonlySet<number>): number {
  const tree = parents();
  const inCloud = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = tree.get(at)) {
      if (excluded.has(at)) return false;
      if (at === process.pid) return true;
    }
    return false;
  };
  let kb = 0;
  for (const pid of tree.keys()) if (inCloud(pid)) kb += rssKb(pid);
  return kb / 1024;
}

/** Samples {@link cloudRssMb} every 100 ms until stopped; answers the peak. */
function sampleRss(excluded: ReadonlySet<number>): { stop(): number } {
  let peak = cloudRssMb(excluded);
  const timer = setInterval(() => (peak = Math.max(peak, cloudRssMb(excluded))), 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, cloudRssMb(excluded));
    },
  };
}

/** The model with every stage's method throttling raised out of reach (the buckets still run). */
export function raiseStageThrottling(model: LocalModel): LocalModel {
  return {
    ...model,
    restApis: model.restApis.map((api) => ({
      ...api,
      stages: api.stages.map((stage) => ({
        ...stage,
        methodSettings: stage.methodSettings.map((setting) => ({
          ...setting,
          ...(setting.throttlingRateLimit === undefined ? {} : { throttlingRateLimit: 1e9 }),
          ...(setting.throttlingBurstLimit === undefined ? {} : { throttlingBurstLimit: 1e9 }),
        })),
      })),
    })),
  };
}

interface LoadRun extends LoadReport {
  readonly peakRssMb: number;
  readonly environmentsAfter: number;
}

/** One cloud, seeded, warmed with one request, then the load; stopped after. */
async function runLoad(
  start: (options: LocalCloudOptions) => Promise<LocalCloud>,
  root: string,
  transformModel?: (model: LocalModel) => LocalModel,
): Promise<LoadRun> {
  const cloud = await start({
    root,
    port: 0,
    log: () => undefined,
    ...(transformModel === undefined ? {} : { transformModel }),
  });
  try {
    await seed(cloud.url, findSeedFiles(root), (role) =>
      cloud.token({ sub: `bench-${role}`, groups: [role] }),
    );
    const url = `${cloud.url}/menu/items/margherita`;
    const warm = await fetch(url);
    await warm.arrayBuffer();
    if (warm.status !== 200) throw new Error(`GET /menu/items/margherita answered ${warm.status}`);
    const excluded = new Set<number>();
    const sampler = sampleRss(excluded);
    const report = await generateLoad(url, (pid) => excluded.add(pid));
    const peakRssMb = sampler.stop();
    return { ...report, peakRssMb, environmentsAfter: cloud.runtime.environments().length };
  } finally {
    await cloud.stop();
  }
}

/** The 5xx answers by status (`1 × 504`), or nothing when there were none: what to look into first. */
const serverErrorsOf = (statuses: Record<string, number>): string => {
  const errors = Object.entries(statuses).filter(([status]) => Number(status) >= 500);
  return errors.length === 0 ? '' : ` (${errors.map(([status, n]) => `${n} × ${status}`).join(', ')})`;
};

const count = (statuses: Record<string, number>, test: (status: number) => boolean): number =>
  Object.entries(statuses).reduce((sum, [status, n]) => (test(Number(status)) ? sum + n : sum), 0);

/**
 * Both load figures, each in its own fresh cloud. `start` is the cloud to measure (the bench passes
 * {@link startLocalCloud}; a comparison may pass another build of it).
 *
 * @example
 * ```ts
 * results.push(...(await loadFigures(root)));
 * ```
 */
export async function loadFigures(
  root: string,
  start: (options: LocalCloudOptions) => Promise<LocalCloud> = startLocalCloud,
): Promise<LoadFigure[]> {
  const raised = await runLoad(start, root, raiseStageThrottling);
  const raisedErrors = count(raised.statuses, (status) => status >= 500);
  const raisedOk = count(raised.statuses, (status) => status === 200);
  const synthesized = await runLoad(start, root);
  const throttled = count(synthesized.statuses, (status) => status === 429);
  const synthesizedErrors = count(synthesized.statuses, (status) => status >= 500);
  const data = (run: LoadRun) => ({
    ok: count(run.statuses, (status) => status === 200),
    throttled: count(run.statuses, (status) => status === 429),
    serverErrors: count(run.statuses, (status) => status >= 500),
    timeouts: run.timeouts,
    failures: run.failures,
    p50: run.p50,
    p99: run.p99,
    elapsedMs: run.elapsedMs,
    peakRssMb: run.peakRssMb,
    environmentsAfter: run.environmentsAfter,
  });
  return [
    {
      key: 'load',
      name: `load: ${REQUESTS} GET /menu/items/{id} at ${CLIENTS} clients, stage throttling raised`,
      value:
        `${raisedOk} × 200, ${raisedErrors} × 5xx${serverErrorsOf(raised.statuses)}, ${raised.timeouts} time-outs, p99 ${raised.p99.toFixed(0)} ms, ` +
        `peak ${raised.peakRssMb.toFixed(0)} MB, ${raised.environmentsAfter} environments after`,
      target: `0 × 5xx, 0 time-outs, ≤ ${PEAK_RSS_LIMIT_MB} MB`,
      met:
        raisedErrors === 0 &&
        raised.timeouts === 0 &&
        raised.failures === 0 &&
        raisedOk === REQUESTS &&
        raised.peakRssMb <= PEAK_RSS_LIMIT_MB,
      data: data(raised),
    },
    {
      key: 'load-throttled',
      name: `load: ${REQUESTS} GET /menu/items/{id} at ${CLIENTS} clients, stage throttling as synthesized`,
      value:
        `${count(synthesized.statuses, (status) => status === 200)} × 200, ${throttled} × 429 ` +
        `(${synthesized.throttledWithoutRetryAfter} without Retry-After), ${synthesizedErrors} × 5xx${serverErrorsOf(synthesized.statuses)}, ` +
        `${synthesized.timeouts} time-outs, peak ${synthesized.peakRssMb.toFixed(0)} MB ` +
        `(served ${((REQUESTS / synthesized.elapsedMs) * 1000).toFixed(0)} requests/s)`,
      target: 'the excess 429 with Retry-After, 0 × 5xx',
      met:
        synthesizedErrors === 0 &&
        synthesized.timeouts === 0 &&
        synthesized.failures === 0 &&
        synthesized.throttledWithoutRetryAfter === 0 &&
        count(synthesized.statuses, (status) => status === 200 || status === 429) === REQUESTS,
      data: data(synthesized),
    },
  ];
}
