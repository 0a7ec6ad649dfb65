/**
 * Runs a deployable's CDK app in this process, as `cdk synth` runs it in a child: from the project
 * folder, with `CDK_OUTDIR`, `CDK_CONTEXT_JSON` and the stage in its environment, then reading the
 * assembly for what the CLI fails on (error annotations, a failed validation report). Apps run one
 * after another, so several share one load of aws-cdk-lib, the TypeScript loader and the template
 * validator instead of paying for each in a process of its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { appStartMark } from '@slice/cdk';
import { CloudAssembly, SynthesisMessageLevel } from 'aws-cdk-lib/cx-api';
import type { CdkApp } from './cdk-app';

/** What a run of an app needs besides the app. */
export interface RunAppOptions {
  /** `SLICE_STAGE`: the stage the app synthesizes. */
  readonly stage: string;
  /** Loads the entry file (through the TypeScript loader). */
  readonly load: (entry: string) => void;
  /**
   * Run aws-cdk-lib's built-in CloudFormation validation after the assembly is written. Off sets
   * `CDK_VALIDATION=false` for the app: the templates are the same, the validation report holds
   * only the plugins' own (cdk-nag's), and its rules engine is never started.
   * @default true
   */
  readonly builtinValidation?: boolean;
}

/** How one app's run went. */
export interface AppRun {
  readonly ok: boolean;
  /** Why it failed: the error, each error annotation, each failed validation rule. */
  readonly problems: readonly string[];
  readonly ms: number;
}

interface ValidationReport {
  readonly pluginReports?: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations?: readonly {
      readonly ruleName: string;
      readonly description?: string;
      readonly violatingConstructs?: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

/** Each failed rule of the assembly's `validation-report.json`, with the constructs it names. */
function failedValidations(outdir: string): string[] {
  const path = `${outdir}/validation-report.json`;
  if (!existsSync(path)) return [];
  const report = JSON.parse(readFileSync(path, 'utf8')) as ValidationReport;
  return (report.pluginReports ?? [])
    .filter((plugin) => plugin.conclusion === 'failure')
    .flatMap((plugin) =>
      (plugin.violations ?? []).map(
        (violation) =>
          `${plugin.pluginName} ${violation.ruleName}: ${violation.description ?? ''} (${(violation.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')})`,
      ),
    );
}

/** Each error annotation of the assembly's stacks: `cdk synth` fails on them. */
function errorAnnotations(outdir: string): string[] {
  return new CloudAssembly(outdir).stacks.flatMap((stack) =>
    stack.messages
      .filter((message) => message.level === SynthesisMessageLevel.ERROR)
      .map((message) => `${message.id}: ${JSON.stringify(message.entry.data)}`),
  );
}

/** Sets `values` in `process.env` for the duration of `run`, then puts the old ones back. */
function withEnvironment<T>(values: Record<string, string>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  try {
    return run();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/**
 * Runs `app` here and checks its assembly the way `cdk synth` does.
 *
 * @example
 * ```ts
 * const run = runApp(cdkAppOf(root, 'apps/menu'), { stage: 'dev', load: (entry) => tsxRequire(entry, __filename) });
 * if (!run.ok) console.error(run.problems.join('\n'));
 * ```
 */
export function runApp(app: CdkApp, options: RunAppOptions): AppRun {
  const started = performance.now();
  performance.mark(appStartMark);
  const cwd = process.cwd();
  const env = {
    CDK_OUTDIR: app.outdir,
    CDK_CONTEXT_JSON: JSON.stringify(app.context),
    SLICE_STAGE: options.stage,
    ...(options.builtinValidation === false ? { CDK_VALIDATION: 'false' } : {}),
  };
  const problems: string[] = [];
  try {
    process.chdir(app.projectDir);
    withEnvironment(env, () => options.load(app.entry));
    problems.push(...errorAnnotations(app.outdir), ...failedValidations(app.outdir));
  } catch (error) {
    problems.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    process.chdir(cwd);
  }
  if (problems.length > 0)
    problems.unshift(`${relative(cwd, app.entry)} did not synthesize (stage ${options.stage}):`);
  return { ok: problems.length === 0, problems, ms: performance.now() - started };
}
