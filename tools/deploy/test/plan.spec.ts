import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemblyStacks, planDeploy, planDiff, stacksOf } from '../src';

let assembly: string;

beforeEach(() => {
  assembly = mkdtempSync(join(tmpdir(), 'slice-assembly-'));
});
afterEach(() => rmSync(assembly, { recursive: true, force: true }));

const manifest = (artifacts: object) => {
  mkdirSync(assembly, { recursive: true });
  writeFileSync(join(assembly, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
};

describe('planDeploy', () => {
  it('deploys exactly the stage stack of the assembly, from the assembly', () => {
    manifest({
      'SliceOrders-dev': { type: 'aws:cloudformation:stack', properties: { stackName: 'SliceOrders-dev' } },
      Tree: { type: 'cdk:tree' },
    });
    const plan = planDeploy(assembly, 'dev');
    expect(plan.stacks).toEqual(['SliceOrders-dev']);
    expect(plan.command).toEqual([
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
      'SliceOrders-dev',
    ]);
  });

  it('refuses an assembly without a stack for the stage', () => {
    manifest({
      'SliceOrders-dev': { type: 'aws:cloudformation:stack', properties: { stackName: 'SliceOrders-dev' } },
    });
    expect(() => planDeploy(assembly, 'prod')).toThrow(
      /no stack for stage prod: synthesize it with --configuration=prod/,
    );
  });

  it('says how to fix a missing assembly', () => {
    expect(() => stacksOf(join(assembly, 'missing'))).toThrow(/run the project's synth target first/);
  });
});

describe('planDiff', () => {
  it('diffs exactly the stage stack of the assembly against what is deployed', () => {
    manifest({
      'SliceOrders-dev': { type: 'aws:cloudformation:stack', properties: { stackName: 'SliceOrders-dev' } },
      'SliceOrders-prod': { type: 'aws:cloudformation:stack', properties: { stackName: 'SliceOrders-prod' } },
    });

    expect(planDiff(assembly, 'prod').command).toEqual([
      'cdk',
      'diff',
      '--app',
      assembly,
      '--exclusively',
      '--no-notices',
      'SliceOrders-prod',
    ]);
  });
});

describe('assemblyStacks', () => {
  it('finds each stack template, by the manifest or by the stack id', () => {
    manifest({
      A: {
        type: 'aws:cloudformation:stack',
        properties: { stackName: 'SliceA-dev', templateFile: 'A.json' },
      },
      'SliceB-dev': { type: 'aws:cloudformation:stack' },
    });

    expect(assemblyStacks(assembly)).toEqual([
      { stackName: 'SliceA-dev', templateFile: join(assembly, 'A.json') },
      { stackName: 'SliceB-dev', templateFile: join(assembly, 'SliceB-dev.template.json') },
    ]);
  });
});
