import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The feature flags where a Slice deployable sets something other than aws-cdk-lib's recommended
 * value (`recommended-feature-flags.json`, the set `cdk init` writes), each with its reason.
 */
export const flagExceptions: Readonly<Record<string, { readonly value: unknown; readonly reason: string }>> =
  {
    '@aws-cdk/aws-lambda:useCdkManagedLogGroup': {
      value: false,
      reason:
        'ServiceFunction already gives every function its own log group (retention, removal policy, ' +
        'loggingConfig) under the construct id the flag would take for a second one.',
    },
  };

/** What every deployable's `cdk.json` holds, given the project root and the workspace root. */
export interface CdkJson {
  readonly app?: unknown;
  readonly output?: unknown;
  readonly context?: Record<string, unknown>;
}

/** The command that runs a deployable's CDK app from its folder, the same for `cdk` and Nx. */
export const cdkApp = 'npx tsx cdk/main.ts';

/** The recommended feature flags of the installed aws-cdk-lib, with Slice's exceptions applied. */
export function expectedFeatureFlags(workspaceRoot: string): Record<string, unknown> {
  const path = join(workspaceRoot, 'node_modules/aws-cdk-lib/recommended-feature-flags.json');
  const recommended = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const exceptions = Object.fromEntries(
    Object.entries(flagExceptions).map(([flag, { value }]) => [flag, value]),
  );
  return { ...recommended, ...exceptions };
}

/**
 * The ways a deployable's `cdk.json` differs from what the deploy path relies on: the app command,
 * the assembly folder the Nx `synth` target caches (`dist/<project root>/cdk.out`), and the
 * recommended feature flags (a flag a newer aws-cdk-lib adds shows up here until it is set).
 *
 * @example
 * ```ts
 * checkCdkJson(workspaceRoot, 'apps/menu'); // [] when apps/menu/cdk.json is in order
 * ```
 */
export function checkCdkJson(workspaceRoot: string, projectRoot: string): string[] {
  const path = join(projectRoot, 'cdk.json');
  if (!existsSync(join(workspaceRoot, path))) return [`${projectRoot} has a synth target but no cdk.json`];
  const cdkJson = JSON.parse(readFileSync(join(workspaceRoot, path), 'utf8')) as CdkJson;
  const output = relative(
    join(workspaceRoot, projectRoot),
    join(workspaceRoot, 'dist', projectRoot, 'cdk.out'),
  );
  const problems: string[] = [];
  if (cdkJson.app !== cdkApp) problems.push(`${path}: "app" must be "${cdkApp}"`);
  if (cdkJson.output !== output)
    problems.push(`${path}: "output" must be "${output}" (the synth target's output)`);
  const context = cdkJson.context ?? {};
  for (const [flag, value] of Object.entries(expectedFeatureFlags(workspaceRoot))) {
    if (!(flag in context))
      problems.push(`${path}: feature flag ${flag} is not set (recommended: ${JSON.stringify(value)})`);
    else if (JSON.stringify(context[flag]) !== JSON.stringify(value)) {
      problems.push(
        `${path}: feature flag ${flag} is ${JSON.stringify(context[flag])}, expected ${JSON.stringify(value)}`,
      );
    }
  }
  return problems;
}
