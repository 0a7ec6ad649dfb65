/**
 * `npm start`: synthesizes every stack through Nx (cached), runs them all on this machine behind
 * one local domain, seeds the demo data through the front door, prints what it serves and waits.
 * Ctrl-C (or SIGTERM) stops every process it started.
 *
 *   PORT=3000 npm start              the port of the local domain (default 3000)
 *   npm start -- --iam=warn          log calls a function's role does not allow, instead of denying them
 *   npm start -- --no-synth          use the assemblies already in dist/
 *   npm start -- --data-dir .slice   keep the tables (LevelDB), stream records and positions, queue
 *                                    messages, the event log and the issuer's key in .slice/ across
 *                                    restarts and crashes; in memory when absent (README: "Data that
 *                                    outlives a restart").
 *   npm start -- --concurrency 8     how many Lambda invocations run at once, all functions together
 *                                    (the account's concurrency; default four per core, at least 8):
 *                                    more wait for a slot within the integration timeout
 *   npm start -- --idle-timeout 60   seconds an idle execution environment stays warm (default 60)
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalCloud, type LocalCloud } from './cloud';
import { lambdaFlags } from './services/lambda';
import {
  describeMessaging,
  describeServices,
  formatMessaging,
  formatServices,
  formatStateMachines,
} from './report';
import { findSeedFiles, seed } from './seed';
import { synthesizeAll } from './synth';

const root = resolve(__dirname, '../../..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iam: { type: 'string', default: 'enforce' },
      synth: { type: 'boolean', default: true },
      'no-synth': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      concurrency: { type: 'string' },
      'idle-timeout': { type: 'string' },
    },
    strict: true,
  });
  const iam = values.iam === 'warn' ? 'warn' : 'enforce';
  const lambda = lambdaFlags(values);
  const started = Date.now();

  if (!values['no-synth']) {
    const synth = await synthesizeAll({ root });
    if (!synth.ok) {
      console.error(synth.tail.join('\n'));
      console.error('\nA stack failed to synthesize (above). Fix it, then run npm start again.');
      process.exit(1);
    }
  }

  const running: { cloud?: LocalCloud } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Slice...`);
    await running.cloud?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

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
    ...(dataDir === undefined ? {} : { dataDir }),
  });
  running.cloud = cloud;
  const seeded = await seed(cloud.url, findSeedFiles(root), (role) =>
    cloud.token({ sub: `seed-${role}`, groups: [role] }),
  );

  console.log(`\n${formatServices(describeServices(cloud.model, cloud.gateway.routingRules()))}\n`);
  const stateMachines = formatStateMachines(cloud.model);
  if (stateMachines) console.log(`${stateMachines}\n`);
  const messaging = describeMessaging(cloud.model, cloud.scheduler.describe());
  if (messaging.length > 0) console.log(`${formatMessaging(messaging)}\n`);
  console.log(
    `${cloud.model.functions.length} functions, ${cloud.model.tables.length} tables, ${cloud.model.stateMachines?.length ?? 0} state machines, ${seeded} seed requests, IAM ${iam}, data ${dataDir ?? 'in memory'}, ` +
      `Lambda concurrency ${cloud.runtime.concurrency().limit}.`,
  );
  console.log(
    `Tokens: curl -s -XPOST ${cloud.url}/_local/token -d '{"sub":"alice","groups":["customer"]}'  (or npm run token -- alice)`,
  );
  console.log(`Started in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  console.log(`Slice is ready at ${cloud.url}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
