/**
 * `npm run dev`: `npm start` (the same flags) plus the watcher of `dev-loop.ts`: every saved
 * change reaches the running cloud, handler code in about a second, stacks after a synth.
 *
 *   npm run dev                      start, then watch
 *   npm run dev -- --no-synth        start from the assemblies in dist/, then watch
 *   npm run dev -- --inspect get-order --logs=raw
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFromFlags, startFlags } from '../cli';
import { type DevLoop, startDevLoop } from './dev-loop';

const root = resolve(__dirname, '../../../..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: startFlags, strict: true });
  const running: { loop?: DevLoop } = {};
  const cloud = await startFromFlags(values, { beforeStop: async () => running.loop?.close() });
  running.loop = await startDevLoop({ root, cloud });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
