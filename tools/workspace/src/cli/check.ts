/**
 * `nx run workspace:check`: fails when a project's tags break the vocabulary, when CODEOWNERS is
 * out of date, or when a dependency breaks the single-version policy. Part of `npm test`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { codeownersPath, renderCodeowners } from '../codeowners.ts';
import { checkDependencyPolicy, type PackageJson } from '../dependencies.ts';
import { readProjects } from '../projects.ts';
import { checkProjectTags } from '../tags.ts';

const readJson = (path: string): PackageJson =>
  JSON.parse(readFileSync(join(workspaceRoot, path), 'utf8')) as PackageJson;
const readText = (path: string): string | undefined => {
  try {
    return readFileSync(join(workspaceRoot, path), 'utf8');
  } catch {
    return undefined;
  }
};

const projects = await readProjects();
const problems = [...checkProjectTags(projects)];

if (problems.length === 0) {
  if (readText(codeownersPath) !== renderCodeowners(projects)) {
    problems.push(
      `${codeownersPath} is out of date with the project tags: run \`npm run codeowners\` and commit it.`,
    );
  }
}

const workspaces = projects
  .filter((project) => readText(join(project.root, 'package.json')) !== undefined)
  .map((project) => ({ folder: project.root, manifest: readJson(join(project.root, 'package.json')) }));
problems.push(...checkDependencyPolicy(readJson('package.json'), workspaces));

if (problems.length > 0) {
  console.error(`Workspace check failed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `Workspace check passed: ${projects.length} projects, tags, CODEOWNERS and dependencies in order.`,
);
