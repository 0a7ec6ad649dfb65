/**
 * The breaking-change gate (`nx run contracts-<service>:contract-gate`): compares each contract
 * with its published snapshot on the base branch and fails on a break that does not come with a
 * new major version.
 *
 *   tsx tools/contract-runner/src/breaking-cli.ts [service...] [--base main] [--write]
 *
 * `--write` regenerates `libs/contracts/<service>/published/contract.json` from the contract.
 * The base is `--base`, else `SLICE_CONTRACT_BASE`, else nx.json `defaultBase`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import prettier from 'prettier';
import { formatComparison } from '@slice/contract-tests';
import { gate, publishedFor, publishedPath } from './breaking';
import { serviceContracts, socketContracts } from './services';

/** Writes a service's published snapshot from its contract, in the repo's prettier style. */
async function writePublished(root: string, service: string): Promise<string> {
  const file = join(root, publishedPath(service));
  const options = (await prettier.resolveConfig(file)) ?? {};
  const text = await prettier.format(JSON.stringify(publishedFor(service)), {
    ...options,
    filepath: file,
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const root = resolve(__dirname, '../../..');
const { values, positionals } = parseArgs({
  options: { base: { type: 'string' }, write: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const services =
  positionals.length > 0 ? positionals : [...Object.keys(serviceContracts), ...Object.keys(socketContracts)];
const defaultBase = (JSON.parse(readFileSync(resolve(root, 'nx.json'), 'utf8')) as { defaultBase?: string })
  .defaultBase;
const base = values.base ?? process.env.SLICE_CONTRACT_BASE ?? defaultBase ?? 'main';

async function main(): Promise<boolean> {
  let failed = false;
  for (const service of services) {
    if (values.write) {
      console.log(`Wrote ${await writePublished(root, service)}`);
      continue;
    }
    const result = gate(root, service, base);
    if (result.status === 'compared') {
      console.log(formatComparison(result.comparison));
      failed ||= !result.comparison.passed;
    } else {
      console.log(`Contract ${service}: ${result.message}`);
      failed ||= result.status === 'stale-snapshot';
    }
  }
  return failed;
}

main().then(
  (failed) => process.exit(failed ? 1 : 0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
