import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintWorkflows, type WorkflowFile } from '../src/workflows';

const root = join(__dirname, '../../..');

/** The workflows of a folder, named as a `uses:` line names them. */
const workflowsIn = (folder: string): WorkflowFile[] =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.yml'))
    .map((name) => ({
      path: `./.github/workflows/${name}`,
      source: readFileSync(join(folder, name), 'utf8'),
    }));

const pinned = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8';
const caller = (permissions: string) => `
on: push
permissions: {}
jobs:
  deploy:
${permissions}
    uses: ./.github/workflows/called.yml
`;
const called: WorkflowFile = {
  path: './.github/workflows/called.yml',
  source: `
on: workflow_call
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: ${pinned}
`,
};

describe('lintWorkflows', () => {
  it("passes the repository's workflows", () => {
    expect(lintWorkflows(workflowsIn(join(root, '.github/workflows')))).toEqual([]);
  });

  it('fails the workflows as they were before the rules, naming each problem', () => {
    const problems = lintWorkflows(workflowsIn(join(__dirname, 'fixtures/workflows-before')));

    expect(problems).toEqual(
      expect.arrayContaining([
        './.github/workflows/ci.yml: job verify declares no permissions',
        './.github/workflows/ci.yml: job verify uses actions/checkout@v4: pin it to a full commit SHA',
        "./.github/workflows/ci.yml: job verify sets up Node without node-version-file: read the repo's pin (.nvmrc)",
        './.github/workflows/ci.yml: job deploy-dev calls ./.github/workflows/deploy.yml, whose job deploy needs id-token: write; it grants none',
      ]),
    );
  });

  it('refuses a caller that grants a reusable workflow less than its jobs ask for', () => {
    const grantsRead = caller('    permissions:\n      contents: read\n      id-token: read');

    expect(lintWorkflows([{ path: './.github/workflows/ci.yml', source: grantsRead }, called])).toEqual([
      './.github/workflows/ci.yml: job deploy calls ./.github/workflows/called.yml, whose job deploy needs id-token: write; it grants read',
    ]);
  });

  it('accepts a caller that grants what the reusable workflow asks for, or more', () => {
    const grantsAll = caller('    permissions: write-all');
    const grantsExactly = caller('    permissions:\n      contents: read\n      id-token: write');

    expect(lintWorkflows([{ path: './.github/workflows/ci.yml', source: grantsAll }, called])).toEqual([]);
    expect(lintWorkflows([{ path: './.github/workflows/ci.yml', source: grantsExactly }, called])).toEqual(
      [],
    );
  });

  it("reports GitHub's schema errors from action-validator", () => {
    const source = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: {}\n    step:\n      - run: echo\n`;

    expect(lintWorkflows([{ path: './.github/workflows/bad.yml', source }])).toEqual([
      expect.stringMatching(/^\.\/\.github\/workflows\/bad\.yml: \/jobs\/build: /),
    ]);
  });
});
