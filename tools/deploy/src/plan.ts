import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a deploy will do: the exact command, the stacks it deploys and the assembly it reads. */
export interface DeployPlan {
  readonly assembly: string;
  readonly stacks: readonly string[];
  readonly command: readonly string[];
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    {
      readonly type?: string;
      readonly properties?: { readonly stackName?: string; readonly templateFile?: string };
    }
  >;
}

/** A CloudFormation stack in a cloud assembly: its name and the path of its template. */
export interface AssemblyStack {
  readonly stackName: string;
  readonly templateFile: string;
}

/** The CloudFormation stacks of a synthesized cloud assembly, in manifest order. */
export function assemblyStacks(assembly: string): AssemblyStack[] {
  const manifestPath = join(assembly, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(
      `No cloud assembly at ${assembly}: run the project's synth target first (nx run <project>:synth).`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  return Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => ({
      stackName: artifact.properties?.stackName ?? id,
      templateFile: join(assembly, artifact.properties?.templateFile ?? `${id}.template.json`),
    }));
}

/** The names of the CloudFormation stacks in a synthesized cloud assembly, in manifest order. */
export function stacksOf(assembly: string): string[] {
  return assemblyStacks(assembly).map((stack) => stack.stackName);
}

function stageStacks(assembly: string, stage: string): string[] {
  const stacks = stacksOf(assembly).filter((name) => name.endsWith(`-${stage}`));
  if (stacks.length === 0) {
    throw new Error(
      `The assembly ${assembly} has no stack for stage ${stage}: synthesize it with --configuration=${stage}.`,
    );
  }
  return stacks;
}

/**
 * Plans the deploy of one project's assembly: `cdk deploy` of exactly its stacks, from the assembly
 * (no re-synthesis), without prompts, failing on any change the stack's policy forbids.
 *
 * @example
 * ```ts
 * planDeploy('dist/apps/orders/cdk.out', 'dev').command.join(' ');
 * // 'cdk deploy --app dist/apps/orders/cdk.out --exclusively --require-approval never ... SliceOrders-dev'
 * ```
 */
export function planDeploy(assembly: string, stage: string): DeployPlan {
  const stacks = stageStacks(assembly, stage);
  return {
    assembly,
    stacks,
    command: [
      'cdk',
      'deploy',
      '--app',
      assembly,
      '--exclusively',
      '--require-approval',
      'never',
      '--no-notices',
      '--progress',
      'events',
      ...stacks,
    ],
  };
}

/**
 * Plans the diff of one project's assembly against what is deployed: `cdk diff` of exactly its
 * stacks, from the assembly. It reads the deployed templates, so it needs read-only credentials for
 * the stage's account; it changes nothing.
 *
 * @example
 * ```ts
 * planDiff('dist/apps/orders/cdk.out', 'dev').command.join(' ');
 * // 'cdk diff --app dist/apps/orders/cdk.out --exclusively --no-notices SliceOrders-dev'
 * ```
 */
export function planDiff(assembly: string, stage: string): DeployPlan {
  const stacks = stageStacks(assembly, stage);
  return {
    assembly,
    stacks,
    command: ['cdk', 'diff', '--app', assembly, '--exclusively', '--no-notices', ...stacks],
  };
}
