/**
 * `npm run bench`: measures the local cloud and the service bundles against the targets in
 * QUALITY.md, each as a ratio or a percentile taken in one run on this machine, prints a table and
 * writes `dist/bench/results.json` (all of them) and `dist/bench/<measure>.json` (one each).
 * Starts with a first `npm start` from nothing (no assemblies, no Nx cache), which leaves the
 * assemblies the other measures use. Never part of `npm test`:
 * timings belong here, not in tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { packagesOf, esbuildOptionsOf, serviceBundling } from '@slice/cdk';
import { restApiEvent } from '@slice/testing';
import { build } from 'esbuild';
import { operatorCredentials } from '../src/endpoint';
import { type LocalCloud, startLocalCloud } from '../src/cloud';
import { findSeedFiles, seed } from '../src/seed';
import type { LocalModel } from '../src/assembly';
import type { FunctionSpec } from '../src/model';
import { devLoopFigure } from './dev-loop';
import { loadFigures, raiseStageThrottling } from './load';
import { warmRequestFigure } from './warm-request';
import { orderToTicketFigure } from './order-to-ticket';

const root = resolve(__dirname, '../../..');

interface Result {
  /** The file name under `dist/bench/`. */
  readonly key: string;
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

/** The load generator of {@link throughput}, run in its own process; it prints its requests per second. */
const loadScript = `
const { url, init, concurrency, ms } = JSON.parse(process.env.SLICE_BENCH_LOAD);
let count = 0;
const end = performance.now() + ms;
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < end) {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(url + ' answered ' + response.status);
    count += 1;
  }
}));
process.stdout.write(String(count / (ms / 1000)));
`;

/**
 * Requests per second a keep-alive client gets from `url` with `concurrency` loops for `ms`. The
 * client runs in its own process, so the server's event loop (this process) only serves.
 */
async function throughput(url: string, init: RequestInit = {}, concurrency = 8, ms = 3000): Promise<number> {
  const client = spawn(process.execPath, ['--input-type=module', '-e', loadScript], {
    env: { PATH: process.env.PATH ?? '', SLICE_BENCH_LOAD: JSON.stringify({ url, init, concurrency, ms }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  client.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  client.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((done) => client.once('exit', done));
  const rps = Number(out);
  if (code !== 0 || !Number.isFinite(rps)) throw new Error(`The load generator failed: ${err.slice(-500)}`);
  return rps;
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
    key: 'middleware-cost',
    name: 'middleware chain per warm call',
    value: `${overhead.toFixed(1)} µs over the bare handler`,
    target: '≤ 25 µs',
    met: overhead <= 25,
    data: { bareUs, wrappedUs, overheadUs: overhead },
  });
}

/**
 * A first `npm start` as on a fresh clone: no assemblies in `dist/` (the synth targets' outputs
 * `dist/apps` and `dist/infra` are removed) and no Nx cache (`NX_SKIP_NX_CACHE=true`), from spawn
 * to its first answered request. Returns the time, the synthesis part of it and the progress lines
 * it printed while synthesizing. Leaves fresh assemblies behind for the rest of the bench.
 */
async function firstStartToReady(): Promise<{ readyMs: number; synthMs: number; progressLines: number }> {
  for (const output of ['dist/apps', 'dist/infra'])
    rmSync(join(root, output), { recursive: true, force: true });
  const port = await freePort();
  const start = performance.now();
  const cli = spawn(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'tools/local-cloud/src/cli.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        NX_SKIP_NX_CACHE: 'true',
        NX_DAEMON: 'false',
        NX_TUI: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let synthMs = Number.NaN;
  cli.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (Number.isNaN(synthMs) && /^Synthesized \d+ projects/m.test(out)) synthMs = performance.now() - start;
  });
  cli.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => cli.once('exit', done));
  try {
    for (;;) {
      if (cli.exitCode !== null) throw new Error(`npm start exited with ${cli.exitCode}: ${out.slice(-800)}`);
      const answered = await fetch(`http://127.0.0.1:${port}/menu`)
        .then(async (response) => {
          await response.arrayBuffer();
          return response.status === 200;
        })
        .catch(() => false);
      if (answered) {
        const summary = /^Synthesized \d+ projects/m.exec(out)?.index ?? out.length;
        const progressLines = out
          .slice(0, summary)
          .split('\n')
          .filter((line) => line.startsWith('  ')).length;
        return { readyMs: performance.now() - start, synthMs, progressLines };
      }
      await new Promise((done) => setTimeout(done, 50));
    }
  } finally {
    cli.kill('SIGINT');
    await exited;
  }
}

/** The first start against its target, with how busy the machine was while it ran. */
async function firstStart(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const { readyMs, synthMs, progressLines } = await firstStartToReady();
  const load = ((loadavg()[0] ?? 0) + loadBefore) / 2;
  const cores = availableParallelism();
  results.push({
    key: 'first-start',
    name: 'first npm start (no dist/, no Nx cache) to first answer',
    value: `${(readyMs / 1000).toFixed(1)} s (synthesis ${(synthMs / 1000).toFixed(1)} s, ${progressLines} progress lines; load ${load.toFixed(1)} on ${cores} cores)`,
    target: '≤ 12 s, with progress',
    met: readyMs <= 12_000 && progressLines > 0,
    data: { readyMs, synthMs, progressLines, loadAverage: load, cores },
  });
}

/** A bundle the bundle figures measure: a service function's, or one of the two baselines. */
interface MeasuredBundle {
  readonly name: string;
  readonly file: string;
  readonly env: Record<string, string>;
}

/** The floor: what any Slice-like function needs at the least, DynamoDB document client, middy and the Powertools logger. */
const floorSource = `
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';

const logger = new Logger();
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = middy(async () => {
  const { Item } = await documents
    .send(new GetCommand({ TableName: 'floor', Key: { pk: 'floor' } }))
    .catch(() => ({ Item: undefined }));
  return { statusCode: 200, body: JSON.stringify(Item ?? {}) };
}).use(injectLambdaContext(logger));
`;

/**
 * The hello-world and floor bundles, built the way every Slice function is: esbuild with
 * `serviceBundling` (the options ServiceFunction bundles with), from files in the repository so
 * they resolve the same packages. Each lands in `dist/bench/bundles/<name>/index.mjs`.
 */
async function baselineBundles(): Promise<{ hello: string; floor: string }> {
  const dir = join(root, 'dist/bench/bundles');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'hello.ts'),
    "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n",
  );
  writeFileSync(join(dir, 'floor.ts'), floorSource);
  await build({
    ...esbuildOptionsOf(serviceBundling, root),
    entryPoints: { 'hello/index': join(dir, 'hello.ts'), 'floor/index': join(dir, 'floor.ts') },
    outdir: dir,
    write: true,
  });
  return { hello: join(dir, 'hello/index.mjs'), floor: join(dir, 'floor/index.mjs') };
}

/** One bundle's cold init: wall time from spawn to first answer, and the CPU time the process used for it. */
interface ColdInit {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Spawn to first answer of each bundle in a fresh Node process (Lambda's init plus first invoke),
 * `rounds` times; the bundles take turns within each round, so a busy moment of the machine hits
 * them alike. Each process also reports the CPU time it used up to its answer (user + system),
 * which a shared, busy machine stretches far less than the wall time. Medians per bundle. The
 * logger is silent for all, as the floor's is.
 */
function coldInits(bundles: readonly MeasuredBundle[], rounds = 11): Map<string, ColdInit> {
  // A REST proxy event as API Gateway sends it; each handler answers it as it would a first request
  // it cannot serve (no path parameters, no caller), the baselines ignore it.
  const firstRequest = restApiEvent({ method: 'GET', path: '/bench', resource: '/bench' });
  const samples = new Map<string, ColdInit[]>(bundles.map((bundle) => [bundle.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const bundle of bundles) {
      const script = `const m = await import(${JSON.stringify(bundle.file)}); await m.handler(JSON.parse(process.env.SLICE_BENCH_EVENT), { getRemainingTimeInMillis: () => 3000 }).catch(() => {}); const { user, system } = process.cpuUsage(); process.stdout.write('answered ' + (user + system) / 1000);`;
      const start = performance.now();
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'eu-west-1',
          ...bundle.env,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          SLICE_BENCH_EVENT: JSON.stringify(firstRequest),
        },
        encoding: 'utf8',
      });
      const wallMs = performance.now() - start;
      const cpuMs = Number(/answered ([\d.]+)/.exec(run.stdout)?.[1]);
      if (!Number.isFinite(cpuMs))
        throw new Error(`${bundle.name} (${bundle.file}) did not answer: ${run.stderr.slice(-500)}`);
      samples.get(bundle.name)?.push({ wallMs, cpuMs });
    }
  }
  return new Map(
    [...samples].map(([name, values]) => [
      name,
      { wallMs: median(values.map((v) => v.wallMs)), cpuMs: median(values.map((v) => v.cpuMs)) },
    ]),
  );
}

/** The packages a bundle holds, from the `sources` of its source map. */
function bundledPackages(file: string): Map<string, string[]> {
  const { sources } = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
  return packagesOf({
    entry: file,
    bytes: 0,
    inputs: Object.fromEntries(sources.map((source) => [source, 0])),
  });
}

/**
 * Each service's bundle against the hello-world and the floor bundle, side by side in one run:
 * cold init (fresh process to first answer, with the function's own environment and
 * `NODE_OPTIONS` for all three) and size; then every function bundle of the platform checked for
 * the X-Ray SDK and for a second copy of any package.
 */
async function bundleFigures(
  services: ReadonlyMap<string, { file: string; env: Record<string, string> }>,
  functions: readonly { id: string; file: string }[],
): Promise<void> {
  const { hello, floor } = await baselineBundles();
  // What Lambda gives every function (credentials in the environment, the functions' own
  // NODE_OPTIONS), and an endpoint that refuses at once, tried once: a call to AWS fails fast and
  // alike for the floor and the services, instead of walking the credential chain or backing off.
  const nodeOptions = [...services.values()][0]?.env.NODE_OPTIONS;
  const runtimeEnv: Record<string, string> = {
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
  };
  const measured: MeasuredBundle[] = [
    { name: 'hello', file: hello, env: runtimeEnv },
    { name: 'floor', file: floor, env: runtimeEnv },
    ...[...services].map(([name, { file, env }]) => ({ name, file, env: { ...env, ...runtimeEnv } })),
  ];
  const inits = coldInits(measured);
  const none: ColdInit = { wallMs: Number.NaN, cpuMs: Number.NaN };
  const helloInit = inits.get('hello') ?? none;
  const floorInit = inits.get('floor') ?? none;
  const helloBytes = statSync(hello).size;
  const floorBytes = statSync(floor).size;
  for (const [service, { file }] of services) {
    const init = inits.get(service) ?? none;
    const bytes = statSync(file).size;
    // CPU time carries the target: on a shared machine the wall time mostly measures the neighbours.
    const initRatio = init.cpuMs / floorInit.cpuMs;
    const sizeRatio = bytes / floorBytes;
    results.push({
      key: `bundle-init-${service}`,
      name: `cold init of the ${service} bundle vs the floor bundle`,
      value: `CPU ${init.cpuMs.toFixed(0)} ms = ${initRatio.toFixed(2)}× floor (${floorInit.cpuMs.toFixed(0)} ms), ${(init.cpuMs / helloInit.cpuMs).toFixed(1)}× hello (${helloInit.cpuMs.toFixed(0)} ms); wall ${init.wallMs.toFixed(0)} ms = ${(init.wallMs / floorInit.wallMs).toFixed(2)}× floor`,
      target: '≤ 1.5× floor',
      met: initRatio <= 1.5,
      data: {
        cpuMs: init.cpuMs,
        wallMs: init.wallMs,
        floorCpuMs: floorInit.cpuMs,
        floorWallMs: floorInit.wallMs,
        helloCpuMs: helloInit.cpuMs,
        helloWallMs: helloInit.wallMs,
        ratio: initRatio,
        wallRatio: init.wallMs / floorInit.wallMs,
        helloRatio: init.cpuMs / helloInit.cpuMs,
      },
    });
    results.push({
      key: `bundle-size-${service}`,
      name: `size of the ${service} bundle vs the floor bundle`,
      value: `${(bytes / 1024).toFixed(0)} KB = ${sizeRatio.toFixed(2)}× floor (${(floorBytes / 1024).toFixed(0)} KB; hello ${(helloBytes / 1024).toFixed(1)} KB)`,
      target: '≤ 1.3× floor',
      met: sizeRatio <= 1.3,
      data: { bytes, floorBytes, helloBytes, ratio: sizeRatio },
    });
  }

  functionSizes(functions, floorBytes);
  bundleContents(functions);
}

/**
 * Every function bundle of the platform against the floor's size, not only the one per service
 * the figures above start: the largest, and each one over the target by name.
 */
function functionSizes(functions: readonly { id: string; file: string }[], floorBytes: number): void {
  const sized = functions
    .map((fn) => ({ id: fn.id, ratio: statSync(fn.file).size / floorBytes }))
    .sort((a, b) => b.ratio - a.ratio);
  const over = sized.filter((fn) => fn.ratio > 1.3);
  const [largest] = sized;
  results.push({
    key: 'bundle-size-every-function',
    name: 'size of every function bundle vs the floor bundle',
    value: largest
      ? `largest ${largest.id} ${largest.ratio.toFixed(2)}×; ${over.length} of ${sized.length} over 1.3×${
          over.length > 0 ? `: ${over.map((fn) => `${fn.id} ${fn.ratio.toFixed(2)}×`).join(', ')}` : ''
        }`
      : 'no function bundles',
    target: '≤ 1.3× floor',
    met: largest !== undefined && over.length === 0,
    data: { functions: sized.length, over: over.length, largestRatio: largest?.ratio ?? Number.NaN },
  });
}

/** Every function bundle of the platform checked for the X-Ray SDK and for a second copy of any package. */
function bundleContents(functions: readonly { id: string; file: string }[]): void {
  const withXRay: string[] = [];
  const withCopies: string[] = [];
  for (const fn of functions) {
    const packages = bundledPackages(fn.file);
    if (packages.has('aws-xray-sdk-core')) withXRay.push(fn.id);
    const copies = [...packages].filter(([, paths]) => paths.length > 1).map(([name]) => name);
    if (copies.length > 0) withCopies.push(`${fn.id} (${copies.join(', ')})`);
  }
  results.push({
    key: 'bundle-contents',
    name: 'function bundles with the X-Ray SDK, or a package twice',
    value:
      withXRay.length + withCopies.length === 0
        ? `none of ${functions.length}`
        : `X-Ray SDK: ${withXRay.join(', ') || 'none'}; twice: ${withCopies.join('; ') || 'none'}`,
    target: 'none',
    met: withXRay.length + withCopies.length === 0,
    data: { functions: functions.length, withXRay: withXRay.length, withCopies: withCopies.length },
  });
}

/** A free local port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** `npm start --no-synth` on a free port, from spawn to its first answered request; stopped right after. */
async function startToReady(): Promise<number> {
  const port = await freePort();
  const start = performance.now();
  const cli = spawn(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'tools/local-cloud/src/cli.ts'), '--no-synth'],
    { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  cli.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  cli.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => cli.once('exit', done));
  try {
    for (;;) {
      if (cli.exitCode !== null) throw new Error(`npm start exited with ${cli.exitCode}: ${out.slice(-800)}`);
      const answered = await fetch(`http://127.0.0.1:${port}/menu`)
        .then(async (response) => {
          await response.arrayBuffer();
          return response.status === 200;
        })
        .catch(() => false);
      if (answered) return performance.now() - start;
      await new Promise((done) => setTimeout(done, 20));
    }
  } finally {
    cli.kill('SIGINT');
    await exited;
  }
}

/** Copies of a seeded item, `bench-<n>` for each n in `[from, to)`, written 25 at a time by 8 writers. */
async function loadItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  template: Record<string, unknown>,
  [from, to]: readonly [number, number],
): Promise<void> {
  const category = String(template.category);
  const batches: Record<string, unknown>[][] = [];
  for (let n = from; n < to; n += 25) {
    batches.push(
      Array.from({ length: Math.min(25, to - n) }, (_, offset) => {
        const id = `bench-${String(n + offset).padStart(6, '0')}`;
        const name = `Bench ${id}`;
        return { ...template, pk: `ITEM#${id}`, id, name, gsi1sk: `${category}#${name.toLowerCase()}#${id}` };
      }),
    );
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        const items = batches[next++] ?? [];
        await client.send(
          new BatchWriteCommand({
            RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }
    }),
  );
}

/** `GET /menu?category=…&limit=20`, the first page and three cursor pages, 40 times: the p50 of each kind of page. */
async function pageLatency(cloud: LocalCloud, category: string) {
  const first: number[] = [];
  const deep: number[] = [];
  for (let run = 0; run < 40; run++) {
    let cursor: string | undefined;
    for (let page = 0; page < 4; page++) {
      const start = performance.now();
      const response = await fetch(
        `${cloud.url}/menu?category=${category}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      const body = (await response.json()) as { items?: unknown[]; nextCursor?: string };
      if (response.status !== 200 || body.items?.length !== 20)
        throw new Error(`GET /menu answered ${response.status} with ${body.items?.length ?? 0} items`);
      (page === 0 ? first : deep).push(performance.now() - start);
      cursor = body.nextCursor;
    }
  }
  return { firstP50: median(first), deepP50: median(deep), p99: percentile([...first, ...deep], 99) };
}

/** The Menu table (the one with `gsi1`) and its seeded `margherita`, read with the operator's key. */
async function menuTableAndTemplate(cloud: LocalCloud, client: DynamoDBDocumentClient) {
  const menuTable = cloud.model.tables.find(
    (table) =>
      table.stackName.startsWith('SliceMenu') &&
      (table.createTableInput.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === 'gsi1'),
  );
  if (!menuTable) throw new Error('No Menu table with the gsi1 index is running.');
  const { Item: template } = await client.send(
    new GetCommand({ TableName: menuTable.tableName, Key: { pk: 'ITEM#margherita', sk: 'ITEM' } }),
  );
  if (!template) throw new Error('The seeded item margherita is missing.');
  return { tableName: menuTable.tableName, template };
}

/**
 * List latency against the number of items: `GET /menu?category=pizza` (first page and three
 * pages in, through the local domain) with 1k more pizzas in the table, then with 100k. The items
 * are cloned from a seeded one and written straight into the table (with the operator's key).
 */
async function listLatency(cloud: LocalCloud): Promise<void> {
  // The operator's key, as `npm run migrate` uses it: no Menu function may batch-write its table.
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: cloud.endpoint.url,
      region: cloud.model.region,
      credentials: operatorCredentials,
    }),
  );
  const { tableName, template } = await menuTableAndTemplate(cloud, client);
  const category = String(template.category);
  await loadItems(client, tableName, template, [0, 1_000]);
  const small = await pageLatency(cloud, category);
  const loadStart = performance.now();
  await loadItems(client, tableName, template, [1_000, 100_000]);
  const loadMs = performance.now() - loadStart;
  const large = await pageLatency(cloud, category);
  client.destroy();
  const ratio = large.firstP50 / small.firstP50;
  const deepRatio = large.deepP50 / small.deepP50;
  results.push({
    key: 'list-latency',
    name: 'GET /menu page (p50), 1k vs 100k items',
    value: `${small.firstP50.toFixed(1)} vs ${large.firstP50.toFixed(1)} ms = ${ratio.toFixed(2)}× (pages 2–4: ${deepRatio.toFixed(2)}×)`,
    target: 'flat (≤ 1.5×)',
    met: ratio <= 1.5 && deepRatio <= 1.5,
    data: {
      firstP50At1k: small.firstP50,
      deepP50At1k: small.deepP50,
      p99At1k: small.p99,
      firstP50At100k: large.firstP50,
      deepP50At100k: large.deepP50,
      p99At100k: large.p99,
      ratio,
      deepRatio,
      loadMsFor99k: loadMs,
    },
  });
}

/** The Menu tables without their stream: loading 100k items would otherwise read every item before and after its write and feed 100k records to the stream function, and no measure here is of writes. */
function withoutMenuStreams(model: LocalModel): LocalModel {
  return {
    ...model,
    tables: model.tables.map((table) => {
      if (!table.stackName.startsWith('SliceMenu') || table.streamArn === undefined) return table;
      const { StreamSpecification: _stream, ...createTableInput } = table.createTableInput;
      const { streamArn: _arn, ...rest } = table;
      return { ...rest, createTableInput };
    }),
  };
}

/**
 * The cloud the in-process measures share, seeded. The stages' throttling (100 requests/s) would
 * answer most of the bench with 429: the buckets still run, with limits no bench reaches.
 */
async function startBenchCloud(): Promise<LocalCloud> {
  const cloud = await startLocalCloud({
    root,
    port: 0,
    log: () => undefined,
    transformModel: (model) => raiseStageThrottling(withoutMenuStreams(model)),
  });
  try {
    await seed(cloud.url, findSeedFiles(root), (role) =>
      cloud.token({ sub: `bench-${role}`, groups: [role] }),
    );
    return cloud;
  } catch (error) {
    await cloud.stop();
    throw error;
  }
}

async function startToReadyFigure(): Promise<void> {
  const readyMs = await startToReady();
  results.push({
    key: 'start-to-ready',
    name: 'npm start --no-synth to first answered request',
    value: `${(readyMs / 1000).toFixed(1)} s`,
    target: '≤ 15 s',
    met: readyMs <= 15_000,
    data: { readyMs },
  });
}

/**
 * The gateway's own work for a trivial answer (a CORS preflight is a MOCK integration) against bare
 * `node:http` in this process, as the gateway is. The two take turns in short rounds, so a busy
 * moment of the machine hits both alike.
 */
async function gatewayThroughput(cloud: LocalCloud): Promise<void> {
  const preflight = {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
  };
  const probe = await fetch(`${cloud.url}/menu`, preflight);
  if (probe.status !== 204 && probe.status !== 200) throw new Error(`The preflight answered ${probe.status}`);
  const bare = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  const bareUrl = await listen(bare);
  const rounds: { bareRps: number; gatewayRps: number; ratio: number }[] = [];
  for (let round = 0; round < 5; round++) {
    const bareRps = await throughput(`${bareUrl}/`, {}, 8, 1500);
    const gatewayRps = await throughput(`${cloud.url}/menu`, preflight, 8, 1500);
    rounds.push({ bareRps, gatewayRps, ratio: gatewayRps / bareRps });
  }
  bare.closeAllConnections();
  bare.close();
  const ratio = median(rounds.map((round) => round.ratio));
  const bareRps = median(rounds.map((round) => round.bareRps));
  const gatewayRps = median(rounds.map((round) => round.gatewayRps));
  results.push({
    key: 'gateway-throughput',
    name: 'local gateway requests/s (MOCK preflight) vs bare node:http',
    value: `${ratio.toFixed(2)}× (median of 5 rounds; about ${gatewayRps.toFixed(0)} vs ${bareRps.toFixed(0)}/s)`,
    target: '≥ 0.7×',
    met: ratio >= 0.7,
    data: { gatewayRps, bareRps, ratio, rounds: rounds.length },
  });
}

/** The warm figure (`warm-request.ts`): its client in its own process, with the CPU per request. */
async function warmRequest(cloud: LocalCloud): Promise<void> {
  results.push(await warmRequestFigure(cloud));
}

/** A re-registered function's first request through the domain, median of 5. */
async function coldStart(cloud: LocalCloud): Promise<void> {
  const getItem = cloud.model.functions.find((fn) => fn.logicalId.startsWith('GetMenuItem'));
  if (!getItem) return;
  const colds: number[] = [];
  for (let i = 0; i < 5; i++) {
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
  cloud.runtime.register(getItem);
  const cold = median(colds);
  results.push({
    key: 'cold-start',
    name: 'cold start of one function, end to end',
    value: `${cold.toFixed(0)} ms`,
    target: '≤ 300 ms',
    met: cold <= 300,
    data: { coldMs: cold },
  });
}

/** One bundle per service (a GET handler, else one behind the API, with its own environment), and every function's bundle. */
async function serviceBundles(cloud: LocalCloud): Promise<void> {
  const bundles = new Map<string, { file: string; env: Record<string, string> }>();
  const integrated = new Set(cloud.model.permissions.map((permission) => permission.functionId));
  const candidates = [
    ...cloud.model.functions.filter((fn) => /^(Get|List)/.test(fn.logicalId)),
    ...cloud.model.functions.filter((fn) => integrated.has(fn.id)),
  ];
  const fileOf = (fn: FunctionSpec) => join(fn.codeDir, `${fn.handler.split('.')[0] ?? 'index'}.mjs`);
  for (const fn of candidates) {
    const service = /^Slice(.+)-[^-]+$/.exec(fn.stackName)?.[1]?.toLowerCase();
    if (!service || ['platform', 'frontdoor'].includes(service) || bundles.has(service)) continue;
    bundles.set(service, {
      file: fileOf(fn),
      env: { ...fn.environment, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
  }
  const functionBundles = cloud.model.functions
    .map((fn) => ({ id: fn.id, file: fileOf(fn) }))
    .filter((fn) => existsSync(`${fn.file}.map`));
  await bundleFigures(bundles, functionBundles);
}

/** The measures by the name `--only` selects them with, in the order a full run takes them. */
const standalone: Readonly<Record<string, () => Promise<void>>> = {
  // First: it removes the assemblies and writes them again, for everything after it.
  'first-start': firstStart,
  'middleware-cost': middlewareCost,
  'start-to-ready': startToReadyFigure,
};
const inCloud: Readonly<Record<string, (cloud: LocalCloud) => Promise<void>>> = {
  'gateway-throughput': gatewayThroughput,
  'warm-request': warmRequest,
  'cold-start': coldStart,
  bundles: serviceBundles,
  'list-latency': listLatency,
  'order-to-ticket': async (cloud) => {
    results.push(await orderToTicketFigure(cloud));
  },
};
const measureNames = [...Object.keys(standalone), ...Object.keys(inCloud), 'load', 'dev-loop'];

/** `--only warm-request,cold-start` runs those measures alone (on the assemblies in `dist/`); none: all of them. */
function selectedMeasures(argv: readonly string[]): ReadonlySet<string> {
  const at = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (at === -1) return new Set(measureNames);
  const arg = argv[at] ?? '';
  const list = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[at + 1] ?? '');
  const names = list.split(',').filter(Boolean);
  const unknown = names.filter((name) => !measureNames.includes(name));
  if (names.length === 0 || unknown.length > 0)
    throw new Error(`--only takes a comma-separated list of: ${measureNames.join(', ')}`);
  return new Set(names);
}

async function runMeasures(selected: ReadonlySet<string>): Promise<void> {
  for (const [name, measure] of Object.entries(standalone)) if (selected.has(name)) await measure();
  const cloudMeasures = Object.entries(inCloud).filter(([name]) => selected.has(name));
  if (cloudMeasures.length > 0) {
    const cloud = await startBenchCloud();
    try {
      for (const [, measure] of cloudMeasures) await measure(cloud);
    } finally {
      await cloud.stop();
    }
  }
  if (selected.has('load')) results.push(...(await loadFigures(root)));
  if (selected.has('dev-loop')) results.push(await devLoopFigure(root));
}

function printResults(machine: {
  cores: number;
  loadAverageAtStart: number;
  loadAverageAtEnd: number;
}): void {
  const widths = [60, 56, 24];
  console.log(['measure', 'value', 'target', 'met'].map((h, i) => h.padEnd(widths[i] ?? 4)).join(' '));
  for (const result of results) {
    console.log(
      [result.name, result.value, result.target, result.met ? 'yes' : 'NO']
        .map((cell, i) => cell.padEnd(widths[i] ?? 4))
        .join(' '),
    );
  }
  console.log(
    `\nMachine: ${machine.cores} cores, 1-minute load average ${machine.loadAverageAtStart.toFixed(1)} at the start and ${machine.loadAverageAtEnd.toFixed(1)} at the end.`,
  );
}

/** One file per measure; `results.json` only for a full run, so that it always holds every figure of one run. */
function writeResults(machine: object, complete: boolean): void {
  const at = new Date().toISOString();
  const dir = join(root, 'dist/bench');
  mkdirSync(dir, { recursive: true });
  for (const result of results)
    writeFileSync(
      join(dir, `${result.key}.json`),
      `${JSON.stringify({ at, machine, ...result }, null, 2)}\n`,
    );
  if (complete)
    writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ at, machine, results }, null, 2)}\n`);
  console.log(`\nWrote ${complete ? `${dir}/results.json and ` : ''}one file per measure in ${dir}`);
}

async function main(): Promise<void> {
  const selected = selectedMeasures(process.argv.slice(2));
  const loadAverageAtStart = loadavg()[0] ?? 0;
  await runMeasures(selected);
  const machine = { cores: availableParallelism(), loadAverageAtStart, loadAverageAtEnd: loadavg()[0] ?? 0 };
  printResults(machine);
  writeResults(machine, selected.size === measureNames.length);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
