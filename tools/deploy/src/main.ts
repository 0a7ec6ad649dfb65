/**
 * `nx run <project>:deploy --configuration=<stage> [--dry-run]`: deploys the project's synthesized
 * assembly (`dist/<project root>/cdk.out`) with the CDK CLI. With `--dry-run` it prints the exact
 * command, the stacks and the assembly path, and contacts nobody.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { planDeploy } from './plan';

const { values } = parseArgs({
  options: {
    assembly: { type: 'string' },
    stage: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  strict: true,
});

if (!values.assembly || !values.stage) {
  console.error('Usage: deploy --assembly <dir> --stage <stage> [--dry-run]');
  process.exit(2);
}

try {
  const plan = planDeploy(values.assembly, values.stage);
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
