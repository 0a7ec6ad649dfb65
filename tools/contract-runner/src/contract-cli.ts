/**
 * `nx run <service>:contract [--configuration=local|remote]`: runs the shared contract suite for
 * one service against a target and writes `dist/contract/<service>/{summary.txt,junit.xml}`.
 *
 *   tsx tools/contract-runner/src/contract-cli.ts menu --target in-process --runs 25
 *
 * `--skip property` leaves out kinds of case (on a shared stage, property runs create random items).
 * In process, a service that moved out of the monolith also gets its parity run (`npm run parity`)
 * on the same cloud, written to `dist/contract/<service>/parity.txt`: a difference fails the run.
 *
 * Environment: `BASE_URL` (local, remote), `TOKEN_COMMAND` (remote), `SLICE_CONTRACT_RUNS`,
 * `SLICE_CONTRACT_SEED`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { caseKinds, formatParity, type CaseKind } from '@slice/contract-tests';
import { runContracts, runServiceParity } from './run';
import { monolithContracts } from './services';
import { startTarget, type TargetKind } from './targets';

const kinds: readonly TargetKind[] = ['in-process', 'local', 'remote'];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      target: { type: 'string', default: 'in-process' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', default: 'dist/contract' },
      skip: { type: 'string', default: '' },
    },
    allowPositionals: true,
  });
  const [service] = positionals;
  const kind = values.target as TargetKind;
  if (!service || !kinds.includes(kind)) {
    console.error(
      `Usage: contract-cli <service> [--target ${kinds.join('|')}] [--runs n] [--seed n] [--out dir]`,
    );
    return 2;
  }
  const skip = values.skip.split(',').filter(Boolean) as CaseKind[];
  const unknown = skip.filter((kind) => !caseKinds.includes(kind));
  if (unknown.length > 0) {
    console.error(`Unknown case kinds ${unknown.join(', ')}; known: ${caseKinds.join(', ')}.`);
    return 2;
  }
  const runs = Number(values.runs ?? process.env.SLICE_CONTRACT_RUNS ?? 100);
  const seedText = values.seed ?? process.env.SLICE_CONTRACT_SEED;
  const root = resolve(__dirname, '../../..');
  const logs: string[] = [];
  const running = await startTarget(kind, {
    root,
    ...(process.env.BASE_URL ? { baseUrl: process.env.BASE_URL } : {}),
    ...(process.env.TOKEN_COMMAND ? { tokenCommand: process.env.TOKEN_COMMAND } : {}),
    log: (line) => logs.push(line),
  });
  try {
    // Parity first, while both sides hold only the seed: the suite's property cases then add
    // random items to the service's table that the monolith's never sees.
    const parity =
      kind === 'in-process' && service in monolithContracts
        ? await runServiceParity(service, running.target)
        : undefined;
    const reports = await runContracts({
      service,
      target: running.target,
      runs,
      skip,
      ...(seedText === undefined ? {} : { seed: Number(seedText) }),
      out: resolve(root, values.out),
    });
    if (logs.length > 0) {
      const file = resolve(root, values.out, service, 'local-cloud.log');
      writeFileSync(file, `${logs.join('\n')}\n`);
      console.log(`The local cloud's log (every function, by correlation id): ${file}`);
    }
    if (parity) {
      const text = formatParity(parity);
      writeFileSync(resolve(root, values.out, service, 'parity.txt'), `${text}\n`);
      console.log(text);
    }
    return reports.some((report) => !report.passed) || parity?.passed === false ? 1 : 0;
  } finally {
    await running.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
