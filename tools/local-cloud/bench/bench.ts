/**
 * `npm run bench`: measures the local cloud and the service bundles against the targets in
 * QUALITY.md, each as a ratio or a percentile taken in one run on this machine, prints a table and
 * writes `dist/bench/results.json`. Needs the synthesized assemblies (`npx nx run-many -t synth`).
 * Never part of `npm test`: timings belong here, not in tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { startLocalCloud } from '../src/cloud';
import { findSeedFiles, seed } from '../src/seed';

const root = resolve(__dirname, '../../..');

interface Result {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean;
  readonly data: Record<string, number>;
}
const results: Result[] = [];

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const median = (values: number[]) => percentile(values, 50);

/** Requests per second a keep-alive client gets from `url` with `concurrency` loops for `ms`. */
async function throughput(url: string, concurrency = 8, ms = 3000): Promise<number> {
  let count = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const response = await fetch(url);
        await response.arrayBuffer();
        count += 1;
      }
    }),
  );
  return count / (ms / 1000);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Middleware chain cost: `middleware-cost.ts`, bundled as a Lambda bundle is, in a fresh process. */
async function middlewareCost(): Promise<void> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'slice-bench-')), 'middleware-cost.mjs');
  await build({
    entryPoints: [join(__dirname, 'middleware-cost.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outfile,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  const run = spawnSync(process.execPath, [outfile], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? '',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_REGION: 'eu-west-1',
    },
  });
  const { bareUs, wrappedUs } = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
    bareUs: number;
    wrappedUs: number;
  };
  const overhead = wrappedUs - bareUs;
  results.push({
    name: 'middleware chain per warm call',
    value: `${overhead.toFixed(1)} µs over the bare handler`,
    target: '≤ 25 µs',
    met: overhead <= 25,
    data: { bareUs, wrappedUs, overheadUs: overhead },
  });
}

/** Cold init of each service bundle (fresh process, import of the bundle) against a hello-world bundle. */
function bundleInit(env: Map<string, Record<string, string>>): void {
  const dir = mkdtempSync(join(tmpdir(), 'slice-bench-'));
  const hello = join(dir, 'hello.mjs');
  writeFileSync(hello, "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n");
  const initMs = (file: string, extraEnv: Record<string, string> = {}) => {
    const script = `const t = performance.now(); const m = await import(${JSON.stringify(file)}); await m.handler({}, {getRemainingTimeInMillis: () => 3000}).catch(() => {}); console.log(performance.now() - t);`;
    // A fresh process from spawn to its first answer, as Lambda's init plus first invoke.
    const samples = Array.from({ length: 5 }, () => {
      const start = performance.now();
      spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'eu-west-1',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          ...extraEnv,
        },
        encoding: 'utf8',
      });
      return performance.now() - start;
    });
    return median(samples);
  };
  const helloMs = initMs(hello);
  for (const [file, fnEnv] of env) {
    const ms = initMs(file, fnEnv);
    const ratio = ms / helloMs;
    results.push({
      name: `cold init of ${file.split('/').slice(-4, -3)[0]}/${file.split('/').slice(-2, -1)[0]?.slice(0, 12)}`,
      value: `${ms.toFixed(0)} ms, ${ratio.toFixed(1)}× hello world (${helloMs.toFixed(0)} ms)`,
      target: '≤ 2×',
      met: ratio <= 2,
      data: { ms, helloMs, ratio },
    });
  }
}

/** `npm start` (its CLI, synth cached) from spawn to its ready line; stopped right after. */
async function startToReady(): Promise<number> {
  const start = performance.now();
  const cli = spawn(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'tools/local-cloud/src/cli.ts')],
    {
      cwd: root,
      env: { ...process.env, PORT: '0', NX_DAEMON: 'false', NX_TUI: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    await new Promise<void>((ready, fail) => {
      let out = '';
      cli.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Slice is ready at')) ready();
      });
      cli.on('exit', (code) => fail(new Error(`npm start exited with ${code}: ${out.slice(-500)}`)));
    });
    return performance.now() - start;
  } finally {
    cli.kill('SIGINT');
    await new Promise((done) => cli.once('exit', done));
  }
}

async function main(): Promise<void> {
  await middlewareCost();

  // Bare node:http for a trivial answer: the baseline of the gateway's requests/s.
  const bare = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  const bareUrl = await listen(bare);
  const bareRps = await throughput(`${bareUrl}/`);
  bare.closeAllConnections();
  bare.close();

  const readyMs = await startToReady();
  const cloud = await startLocalCloud({ root, port: 0, log: () => undefined });
  try {
    await seed(cloud.url, findSeedFiles(root), (role) =>
      cloud.token({ sub: `bench-${role}`, groups: [role] }),
    );
    results.push({
      name: 'npm start to ready (synth cached, seeding included)',
      value: `${(readyMs / 1000).toFixed(1)} s`,
      target: '≤ 15 s',
      met: readyMs <= 15_000,
      data: { readyMs },
    });

    // The placeholder's MOCK answer is the trivial handler the gateway serves without a function.
    const gatewayRps = await throughput(`${cloud.url}/no-such-route`);
    results.push({
      name: 'local gateway requests/s (MOCK) vs bare node:http',
      value: `${gatewayRps.toFixed(0)} vs ${bareRps.toFixed(0)} = ${(gatewayRps / bareRps).toFixed(2)}×`,
      target: '≥ 0.7×',
      met: gatewayRps / bareRps >= 0.7,
      data: { gatewayRps, bareRps },
    });

    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) await (await fetch(`${cloud.url}/menu/items/margherita`)).arrayBuffer();
    for (let i = 0; i < 500; i++) {
      const start = performance.now();
      await (await fetch(`${cloud.url}/menu/items/margherita`)).arrayBuffer();
      latencies.push(performance.now() - start);
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    results.push({
      name: 'warm GET /menu/items/{id} (one DynamoDB read), end to end',
      value: `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
      target: 'p50 ≤ 3 ms, p99 ≤ 10 ms',
      met: p50 <= 3 && p99 <= 10,
      data: { p50, p99 },
    });

    const getItem = cloud.model.functions.find((fn) => fn.logicalId.startsWith('GetMenuItem'));
    if (getItem) {
      const colds: number[] = [];
      for (let i = 0; i < 3; i++) {
        // A changed spec is a redeploy: the next call gets a fresh environment.
        cloud.runtime.register({
          ...getItem,
          environment: { ...getItem.environment, SLICE_BENCH_RUN: String(i) },
        });
        const start = performance.now();
        const response = await fetch(`${cloud.url}/menu/items/margherita`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`Cold call answered ${response.status}`);
        colds.push(performance.now() - start);
      }
      const cold = median(colds);
      results.push({
        name: 'cold start of one function, end to end',
        value: `${cold.toFixed(0)} ms`,
        target: '≤ 300 ms',
        met: cold <= 300,
        data: { coldMs: cold },
      });
    }

    const bundles = new Map<string, Record<string, string>>();
    for (const fn of cloud.model.functions.filter((f) => f.logicalId.match(/^(GetMenuItem|GetOrder)/))) {
      bundles.set(join(fn.codeDir, 'index.mjs'), {
        ...fn.environment,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      });
    }
    bundleInit(bundles);
  } finally {
    await cloud.stop();
  }

  results.push({
    name: 'list latency, 1k vs 100k items',
    value: 'not measured yet',
    target: 'flat',
    met: false,
    data: {},
  });

  const widths = [58, 52, 26];
  console.log(['measure', 'value', 'target', 'met'].map((h, i) => h.padEnd(widths[i] ?? 4)).join(' '));
  for (const result of results) {
    console.log(
      [result.name, result.value, result.target, result.met ? 'yes' : 'NO']
        .map((cell, i) => cell.padEnd(widths[i] ?? 4))
        .join(' '),
    );
  }
  mkdirSync(join(root, 'dist/bench'), { recursive: true });
  writeFileSync(
    join(root, 'dist/bench/results.json'),
    `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
  );
  console.log('\nWrote dist/bench/results.json');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
