/** `npm run codeowners`: regenerates .github/CODEOWNERS from the project tags and the teams file. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { codeownersPath, renderCodeowners } from '../codeowners.ts';
import { readProjects } from '../projects.ts';
import { checkProjectTags } from '../tags.ts';

const projects = await readProjects();
const problems = checkProjectTags(projects);
if (problems.length > 0) {
  console.error(`Fix the project tags first:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
writeFileSync(join(workspaceRoot, codeownersPath), renderCodeowners(projects));
console.log(`Wrote ${codeownersPath} for ${projects.length} projects.`);
