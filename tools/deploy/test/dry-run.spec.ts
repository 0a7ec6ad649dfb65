/**
 * `--dry-run` must never deploy, at any depth of the task graph: the real Nx commands, single
 * project, run-many and affected, in a scratch workspace whose `cdk` records what it is asked.
 */
import { createScratchWorkspace, deploysIn, type ScratchWorkspace } from './scratch-workspace';

let workspace: ScratchWorkspace;
const planned = (output: string) => [...output.matchAll(/^stacks: +(.+)$/gm)].map((match) => match[1]);

beforeAll(() => {
  workspace = createScratchWorkspace();
});
afterAll(() => workspace.remove());

describe('deploy --dry-run', () => {
  it('has something to prove: without --dry-run the stand-in cdk sees every deploy', async () => {
    const { cdkCalls } = await workspace.nx('run', 'menu:deploy', '--configuration=dev');

    expect(deploysIn(cdkCalls)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ Standinfra-dev$/),
        expect.stringMatching(/ Standmenu-dev$/),
      ]),
    );
  }, 120_000);

  it('never deploys the platform a single service depends on', async () => {
    const { output, cdkCalls } = await workspace.nx('run', 'menu:deploy', '--configuration=dev', '--dry-run');

    expect(deploysIn(cdkCalls)).toEqual([]);
    expect(planned(output).sort()).toEqual(['Standinfra-dev', 'Standmenu-dev']);
  }, 120_000);

  it('never deploys anything in nx run-many', async () => {
    const { output, cdkCalls } = await workspace.nx(
      'run-many',
      '-t',
      'deploy',
      '--configuration=dev',
      '--dry-run',
    );

    expect(deploysIn(cdkCalls)).toEqual([]);
    expect(planned(output).sort()).toEqual(
      workspace.deployables.map(({ project }) => `Stand${project}-dev`).sort(),
    );
  }, 120_000);

  it('never deploys an unaffected dependency in nx affected', async () => {
    const { output, cdkCalls } = await workspace.nx(
      'affected',
      '-t',
      'deploy',
      '--configuration=dev',
      '--dry-run',
      '--files=apps/menu/project.json',
    );

    expect(deploysIn(cdkCalls)).toEqual([]);
    expect(planned(output)).toEqual(expect.arrayContaining(['Standinfra-dev', 'Standmenu-dev']));
    expect(planned(output)).not.toContain('Standorders-dev');
  }, 120_000);
});
