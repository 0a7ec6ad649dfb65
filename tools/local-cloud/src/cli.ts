/**
 * `npm start`: synthesizes every stack through Nx (cached), runs them all on this machine behind
 * one local domain, seeds the demo data through the front door, prints what it serves and waits.
 * Ctrl-C (or SIGTERM) stops every process it started.
 *
 *   PORT=3000 npm start              the port of the local domain (default 3000)
 *   npm start -- --iam=warn          log calls a function's role does not allow, instead of denying them
 *   npm start -- --no-synth          use the assemblies already in dist/
 *   npm start -- --data-dir .slice   keep the tables (LevelDB), stream records and positions, queue
 *                                    messages, the event log, the functions' logs and the issuer's
 *                                    key in .slice/ across restarts and crashes; in memory when
 *                                    absent (README: "Data that outlives a restart").
 *   npm start -- --concurrency 8     how many Lambda invocations run at once, all functions together
 *                                    (the account's concurrency; default four per core, at least 8):
 *                                    more wait for a slot within the integration timeout
 *   npm start -- --idle-timeout 60   seconds an idle execution environment stays warm (default 60)
 *   npm start -- --logs=raw          every function line as written (default: one line per request,
 *                                    Powertools lines pretty-printed, metric blobs hidden)
 *   npm start -- --inspect get-order that function's environments under Node's inspector on
 *                                    127.0.0.1:9229 (--inspect-port), one at a time, no timeouts
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LocalCloud } from './cloud';
import { DEFAULT_INSPECT_PORT, inspectedFunction } from './debug';
import { labelOf } from './logs';
import { lambdaFlags } from './services/lambda';
import {
  describeMessaging,
  describeServices,
  formatMessaging,
  formatServices,
  formatSites,
  formatStateMachines,
} from './report';
import { findSeedFiles, seed } from './seed';
import { signInHost } from './origins';
import { demoPassword, demoUsers } from './services/cognito/hosted-ui';
import { synthesizeAll } from './synth';

const root = resolve(__dirname, '../../..');

/** The flags of `npm start` (and of `npm run dev`, which adds its own). */
export const startFlags = {
  iam: { type: 'string', default: 'enforce' },
  synth: { type: 'boolean', default: true },
  'no-synth': { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
  concurrency: { type: 'string' },
  'idle-timeout': { type: 'string' },
  logs: { type: 'string', default: 'pretty' },
  inspect: { type: 'string' },
  'inspect-port': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The values `parseArgs` gives for {@link startFlags}. */
export interface StartValues {
  readonly iam?: string | undefined;
  readonly 'no-synth'?: boolean | undefined;
  readonly 'data-dir'?: string | undefined;
  readonly concurrency?: string | undefined;
  readonly 'idle-timeout'?: string | undefined;
  readonly logs?: string | undefined;
  readonly inspect?: string | undefined;
  readonly 'inspect-port'?: string | undefined;
}

function logMode(value: string | undefined): 'pretty' | 'raw' {
  if (value === undefined || value === 'pretty' || value === 'raw') return value ?? 'pretty';
  throw new Error(`--logs must be pretty or raw, not "${value}".`);
}

function inspectOf(values: StartValues) {
  if (values.inspect === undefined) return {};
  const port = values['inspect-port'] ?? String(DEFAULT_INSPECT_PORT);
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65_535)
    throw new Error(`--inspect-port must be a port number, not "${port}".`);
  return { inspect: { function: values.inspect, port: Number(port) } };
}

/** What a start has running, for Ctrl-C to stop. */
interface Running {
  cloud?: LocalCloud;
  beforeStop?: () => Promise<void>;
  portal?: { stop(): void };
}

/** Stops the cloud on Ctrl-C or SIGTERM, once, then exits. */
function stopOnSignals(running: Running): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Slice...`);
    await running.beforeStop?.();
    running.portal?.stop();
    await running.cloud?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

const demoSignIn = `${demoUsers.map((user) => user.username).join(', ')} (password ${demoPassword})`;

function printReady(
  cloud: LocalCloud,
  summary: { seeded: number; iam: string; dataDir?: string; started: number },
) {
  console.log(`\n${formatServices(describeServices(cloud.model, cloud.gateway.routingRules()))}\n`);
  const stateMachines = formatStateMachines(cloud.model);
  if (stateMachines) console.log(`${stateMachines}\n`);
  const messaging = describeMessaging(cloud.model, cloud.scheduler.describe());
  if (messaging.length > 0) console.log(`${formatMessaging(messaging)}\n`);
  console.log(
    `${cloud.model.functions.length} functions, ${cloud.model.tables.length} tables, ${cloud.model.stateMachines?.length ?? 0} state machines, ${summary.seeded} seed requests, IAM ${summary.iam}, data ${summary.dataDir ?? 'in memory'}, ` +
      `Lambda concurrency ${cloud.runtime.concurrency().limit}.`,
  );
  console.log(
    `Tokens: curl -s -XPOST ${cloud.url}/_local/token -d '{"sub":"alice","groups":["customer"]}'  (or npm run token -- alice)`,
  );
  const sites = formatSites(
    cloud.sites.urls(),
    cloud.url.replace('//localhost', `//${signInHost}`),
    demoSignIn,
  );
  if (sites) console.log(sites);
  console.log(`Started in ${((Date.now() - summary.started) / 1000).toFixed(1)} s.`);
  console.log(
    `Developer portal: ${cloud.portalUrl}  (live panels: ${cloud.portalUrl}/live.html; written now, from these templates)`,
  );
  console.log(`Slice is ready at ${cloud.url}`);
}

/**
 * Writes the developer portal (`npm run portal`) from the templates in dist/, once the cloud
 * answers: nothing on the way to the first request waits for it. A failure leaves the platform
 * running without it. Run as a command (the portal's tool reads the local cloud's, not the other
 * way round), in a process group of its own, which `stop` ends with the cloud.
 */
function writePortal(): { stop(): void } {
  const child = spawn(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), 'tools/portal/src/cli.ts'],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let done = false;
  child.once('error', (error) => {
    done = true;
    console.error(`  The developer portal was not written (${error.message}); npm run portal shows why.`);
  });
  child.once('close', (code, signal) => {
    done = true;
    if (code === 0) console.log(`  ${stdout.trim()}`);
    else if (signal === null)
      console.error(
        `  The developer portal was not written (${stderr.trim() || `exit code ${code}`}); npm run portal shows why.`,
      );
  });
  return {
    stop: () => {
      if (!done && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    },
  };
}

/**
 * Synthesizes (unless `--no-synth`), starts and seeds the local cloud as `npm start` does, stopping
 * it on Ctrl-C; `beforeStop` runs first (the watcher of `npm run dev`).
 *
 * @example
 * ```ts
 * const { values } = parseArgs({ options: startFlags, strict: true });
 * const cloud = await startFromFlags(values);
 * ```
 */
export async function startFromFlags(
  values: StartValues,
  hooks: { beforeStop?: () => Promise<void> } = {},
): Promise<LocalCloud> {
  const iam = values.iam === 'warn' ? 'warn' : 'enforce';
  const lambda = lambdaFlags(values);
  const logs = logMode(values.logs);
  const inspect = inspectOf(values);
  const started = Date.now();
  const synthesis = values['no-synth'] ? undefined : synthesizeAll({ root });
  // The cloud's modules take over a second of CPU to load: loaded while Nx starts and synthesizes.
  const { startLocalCloud } = await import('./cloud');
  const synth = await synthesis;
  if (synth && !synth.ok) {
    console.error(synth.tail.join('\n'));
    throw new Error('\nA stack failed to synthesize (above). Fix it, then run npm start again.');
  }
  const running: Running = { ...hooks };
  stopOnSignals(running);
  // Relative to where `npm start` was typed (npm runs the script from the root).
  const dataDir =
    values['data-dir'] === undefined
      ? undefined
      : resolve(process.env.INIT_CWD ?? process.cwd(), values['data-dir']);
  const cloud = await startLocalCloud({
    root,
    port: Number(process.env.PORT ?? 3000),
    iam,
    lambda,
    logs,
    ...inspect,
    ...(dataDir === undefined ? {} : { dataDir }),
  });
  running.cloud = cloud;
  const seeded = await seed(cloud.url, findSeedFiles(root), (role) =>
    cloud.token({ sub: `seed-${role}`, groups: [role] }),
  );
  printReady(cloud, { seeded, iam, started, ...(dataDir === undefined ? {} : { dataDir }) });
  running.portal = writePortal();
  if (inspect.inspect)
    console.log(
      `Debugger: ${labelOf(inspectedFunction(cloud.model, inspect.inspect.function))} runs under the inspector on 127.0.0.1:${inspect.inspect.port}, one invocation at a time, without timeouts. Attach to it (README: "Debugging a function").`,
    );
  return cloud;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: startFlags, strict: true });
  await startFromFlags(values);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
