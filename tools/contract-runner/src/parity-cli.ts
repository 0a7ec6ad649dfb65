/**
 * `npm run parity -- <service>`: replays the service's contract cases against the service and
 * against the monolith (`x-slice-route: monolith`) through the platform domain at `BASE_URL`
 * (default `http://localhost:3000`, a running `npm start`), and reports every difference in
 * status, headers or body, generated ids and timestamps aside (`defaultParityRules`).
 *
 * `--target remote` (with `TOKEN_COMMAND`) compares on a deployed stage; `--target in-process`
 * starts the local cloud from `dist/` on a free port first, as the contract target does.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatParity } from '@slice/contract-tests';
import { runServiceParity } from './run';
import { contractAtMove, monolithContracts } from './services';
import { startTarget, type TargetKind } from './targets';

const kinds: readonly TargetKind[] = ['in-process', 'local', 'remote'];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { target: { type: 'string', default: 'local' } },
    allowPositionals: true,
  });
  const [service] = positionals;
  const kind = values.target as TargetKind;
  if (!service || !kinds.includes(kind)) {
    console.error(
      `Usage: npm run parity -- <service> [--target ${kinds.join('|')}]   (BASE_URL defaults to http://localhost:3000)`,
    );
    return 2;
  }
  // Fails on an unknown service before anything starts.
  contractAtMove(service);
  if (!(service in monolithContracts)) {
    // After the flip and the deletion the monolith answers 404 to every one of these routes:
    // there is nothing left to compare, and a list of differences would only hide that.
    console.error(
      `Parity compares a service with the monolith while both serve its routes; the monolith no longer serves ${service}'s (its code left after the flip). Services it still serves: ${Object.keys(monolithContracts).join(', ')}.`,
    );
    return 2;
  }
  const running = await startTarget(kind, {
    root: resolve(__dirname, '../../..'),
    ...(process.env.BASE_URL ? { baseUrl: process.env.BASE_URL } : {}),
    ...(process.env.TOKEN_COMMAND ? { tokenCommand: process.env.TOKEN_COMMAND } : {}),
  });
  const report = await runServiceParity(service, running.target);
  await running.stop();
  console.log(formatParity(report));
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Parity could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
