/**
 * `nx run <project>:deploy --configuration=<stage> [--dry-run]`: deploys the project's synthesized
 * assembly (`dist/<project root>/cdk.out`) with the CDK CLI; `nx run <project>:diff` shows what a
 * deploy would change (`--action diff`). With `--dry-run` it prints the exact command, the stacks
 * and the assembly path, and contacts nobody.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { planDeploy, planDiff } from './plan';

const planners = { deploy: planDeploy, diff: planDiff } as const;

const { values } = parseArgs({
  options: {
    assembly: { type: 'string' },
    stage: { type: 'string' },
    action: { type: 'string', default: 'deploy' },
    'dry-run': { type: 'boolean', default: false },
  },
  strict: true,
});

const isAction = (action: string): action is keyof typeof planners => action in planners;

if (!values.assembly || !values.stage || !isAction(values.action)) {
  console.error('Usage: deploy --assembly <dir> --stage <stage> [--action deploy|diff] [--dry-run]');
  process.exit(2);
}

try {
  const plan = planners[values.action](values.assembly, values.stage);
  const command = plan.command.join(' ');
  if (values['dry-run']) {
    console.log(`assembly: ${plan.assembly}\nstacks:   ${plan.stacks.join(', ')}\ncommand:  ${command}`);
  } else {
    console.log(`$ ${command}`);
    const [bin = 'cdk', ...args] = plan.command;
    const result = spawnSync(bin, args, {
      stdio: 'inherit',
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
    });
    process.exit(result.status ?? 1);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
