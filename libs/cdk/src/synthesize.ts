import { performance } from 'node:perf_hooks';
import type { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

/**
 * The `performance` mark a runner of several apps in one process (the Nx synth executor) sets as
 * it starts each: {@link synthesize} times the app from there rather than from the process start.
 */
export const appStartMark = 'slice:cdk-app-start';

/** When this app started: the latest {@link appStartMark}, or the start of the process. */
function appStart(): number {
  return performance.getEntriesByName(appStartMark, 'mark').at(-1)?.startTime ?? 0;
}

/**
 * Synthesizes `app` and says so, with the time it took: one line per run on stderr, so a `cdk
 * synth` (and `npm start`, which reads it) shows stack by stack what was done and how long it
 * took, from the start of the app (of the process, or the {@link appStartMark} of a runner of
 * several; loading the app and building its constructs, bundles included) to the written cloud
 * assembly.
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
  const started = appStart();
  const built = performance.now() - started;
  const assembly = app.synth();
  const done = performance.now() - started;
  const stacks = assembly.stacks.map((stack) => stack.stackName).join(', ');
  log(
    `Synthesized ${stacks} in ${(done / 1000).toFixed(1)} s (built in ${(built / 1000).toFixed(1)} s, written in ${((done - built) / 1000).toFixed(1)} s)`,
  );
  return assembly;
}
