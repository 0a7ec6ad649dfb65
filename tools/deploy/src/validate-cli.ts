/**
 * `nx run <project>:validate`: checks every stack template of the project's synthesized assembly
 * against the CloudFormation resource specification, and fails naming each unknown resource type,
 * unknown property, wrong type or missing required property. Escape hatches (`addOverride`,
 * `addPropertyOverride`) reach the template unchecked by the L1 classes: this is where they are.
 */
import { readFileSync } from 'node:fs';
import { assemblyStacks } from './plan';
import { checkTemplate } from './template-spec';

const assemblies = process.argv.slice(2);
if (assemblies.length === 0) {
  console.error('Usage: validate <assembly dir>...');
  process.exit(2);
}

try {
  let failed = false;
  for (const assembly of assemblies) {
    for (const stack of assemblyStacks(assembly)) {
      const problems = checkTemplate(JSON.parse(readFileSync(stack.templateFile, 'utf8')));
      if (problems.length === 0) {
        console.log(`${stack.stackName}: matches the CloudFormation resource specification`);
        continue;
      }
      failed = true;
      console.error(`${stack.stackName} (${stack.templateFile}):`);
      for (const problem of problems) console.error(`  ${problem.path}: ${problem.message}`);
    }
  }
  process.exit(failed ? 1 : 0);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
