import { performance } from 'node:perf_hooks';
import type { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

/**
 * Synthesizes `app` and says so, with the time it took: one line per run on stderr, so a `cdk
 * synth` (and `npm start`, which reads it) shows stack by stack what was done and how long it
 * took, from the start of the process (loading the app and building its constructs, bundles
 * included) to the written cloud assembly.
 *
 * @example
 * ```ts
 * const app = new App();
 * new MenuStack(app, serviceStackName('menu', stage), { stage, env: stageEnvironment(stage) });
 * synthesize(app); // Synthesized SliceMenu-dev in 4.2 s (built in 3.1 s, written in 1.1 s)
 * ```
 */
export function synthesize(
  app: App,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): CloudAssembly {
  const built = performance.now();
  const assembly = app.synth();
  const done = performance.now();
  const stacks = assembly.stacks.map((stack) => stack.stackName).join(', ');
  log(
    `Synthesized ${stacks} in ${(done / 1000).toFixed(1)} s (built in ${(built / 1000).toFixed(1)} s, written in ${((done - built) / 1000).toFixed(1)} s)`,
  );
  return assembly;
}
