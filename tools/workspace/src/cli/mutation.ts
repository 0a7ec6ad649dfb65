/**
 * `npm run mutation [project…]`: StrykerJS with its jest runner over the projects of
 * `mutation-projects.ts`, one after the other, then the mutation score of each. Not part of
 * `npm test` (minutes per project); CI runs it on a schedule. Reports: `dist/mutation/<project>/`.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import { mutationProjects, type MutationProject } from '../mutation-projects';

// npm runs scripts from the workspace root.
const root = process.cwd();
/** The jest preset every project's `test` target runs with. */
const preset = createRequire(resolve(root, 'package.json'))(
  resolve(root, 'tools/workspace/jest.preset.cjs'),
) as {
  testPathIgnorePatterns: string[];
};

async function mutate(
  project: MutationProject,
): Promise<{ score: number; killed: number; survived: number; total: number }> {
  const stryker = new Stryker({
    testRunner: 'jest',
    plugins: ['@stryker-mutator/jest-runner'],
    mutate: [...project.mutate],
    coverageAnalysis: 'perTest',
    // Module-level code (schemas, constants) runs once per test file: each such mutant would need
    // every test again, most of the run's time for few findings.
    ignoreStatic: true,
    concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
    timeoutMS: 20_000,
    incremental: true,
    incrementalFile: `dist/mutation/${project.name}/incremental.json`,
    // progress-append-only: a line every few seconds, also in CI logs, where the bar of `progress` is noise.
    reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
    htmlReporter: { fileName: `dist/mutation/${project.name}/index.html` },
    jsonReporter: { fileName: `dist/mutation/${project.name}/mutation.json` },
    // Outside dist/: the jest preset ignores every test under a dist/ folder.
    tempDirName: `.stryker-tmp/${project.name}`,
    // And the sandboxes an interrupted run of another project left behind.
    ignorePatterns: ['dist', '.nx', 'cdk.out', '**/cdk.out', 'tmp', '.stryker-tmp'],
    jest: {
      projectType: 'custom',
      enableFindRelatedTests: false,
      config: {
        ...preset,
        // Relative: Stryker runs the tests in its sandbox, a copy of the workspace with the mutants.
        rootDir: project.root,
        testPathIgnorePatterns: [
          '/node_modules/',
          '/dist/',
          '/cdk.out/',
          '/fixtures/',
          ...(project.skipTests ?? []),
        ],
      },
    },
  });
  const results = await stryker.runMutationTest();
  const counted = results.filter(
    // As Stryker scores: mutants that did not compile or crashed the runner do not count.
    (result) => !['Ignored', 'CompileError', 'RuntimeError'].includes(result.status),
  );
  const killed = counted.filter((result) => result.status === 'Killed' || result.status === 'Timeout').length;
  const survived = counted.filter(
    (result) => result.status === 'Survived' || result.status === 'NoCoverage',
  ).length;
  return {
    score: counted.length === 0 ? 100 : (100 * killed) / counted.length,
    killed,
    survived,
    total: counted.length,
  };
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const projects =
    wanted.length === 0
      ? mutationProjects
      : mutationProjects.filter((project) => wanted.includes(project.name));
  if (projects.length === 0) throw new Error(`No mutation project named ${wanted.join(', ')}.`);
  const rows: string[] = [];
  for (const project of projects) {
    const { score, killed, survived, total } = await mutate(project);
    rows.push(
      `${project.name.padEnd(12)} ${score.toFixed(1).padStart(5)}%  ${killed}/${total} killed, ${survived} survived`,
    );
  }
  console.log(['', 'Mutation score per project:', ...rows].join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
