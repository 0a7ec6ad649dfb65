/**
 * `nx run workspace:check`: fails when a project's tags break the vocabulary, when CODEOWNERS is
 * out of date, when a dependency breaks the single-version policy, when a GitHub workflow breaks
 * its schema or Slice's rules, or when the Node pin disagrees with itself. Part of `npm test`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { codeownersPath, renderCodeowners } from '../codeowners.ts';
import { checkDependencyPolicy, type PackageJson } from '../dependencies.ts';
import { readProjects } from '../projects.ts';
import { checkProjectTags } from '../tags.ts';
import { checkNodePin } from '../node-pin.ts';
import { lintWorkflows } from '../workflows.ts';

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

const workflowFolder = '.github/workflows';
const workflows = readdirSync(join(workspaceRoot, workflowFolder))
  .filter((name) => name.endsWith('.yml') || name.endsWith('.yaml'))
  .map((name) => ({
    path: `./${workflowFolder}/${name}`,
    source: readText(join(workflowFolder, name)) ?? '',
  }));
problems.push(...lintWorkflows(workflows));
problems.push(...checkNodePin(readJson('package.json'), readText('.nvmrc')));

if (problems.length > 0) {
  console.error(`Workspace check failed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `Workspace check passed: ${projects.length} projects, tags, CODEOWNERS, dependencies, workflows and the Node pin in order.`,
);
