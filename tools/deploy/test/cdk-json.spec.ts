import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCdkJson, expectedFeatureFlags } from '../src';

const root = join(__dirname, '../../..');

/** Every project with a synth target: the deployables, each with its own CDK app. */
function deployableRoots(): string[] {
  const roots: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (!entry.isDirectory() || ['node_modules', 'dist', 'cdk.out', 'src', 'test'].includes(entry.name))
        continue;
      const folder = join(dir, entry.name);
      try {
        const project = JSON.parse(readFileSync(join(root, folder, 'project.json'), 'utf8')) as {
          targets?: Record<string, unknown>;
        };
        if (project.targets && 'synth' in project.targets) roots.push(folder);
      } catch {
        // a folder without project.json is no project
      }
      visit(folder);
    }
  };
  visit('.');
  return roots.map((folder) => folder.replace(/^\.\//, '')).sort();
}

describe('cdk.json of each deployable', () => {
  it('exists for every project with a synth target', () => {
    expect(deployableRoots()).toEqual([
      'apps/kitchen',
      'apps/menu',
      'apps/monolith',
      'apps/orders',
      'apps/storefront',
      'apps/tracking',
      'infra',
      'infra/front-door',
      'tools/portal',
    ]);
  });

  it.each(deployableRoots())(
    '%s/cdk.json sets the app, the assembly folder and the recommended flags',
    (projectRoot) => {
      expect(checkCdkJson(root, projectRoot)).toEqual([]);
    },
  );

  describe('checkCdkJson', () => {
    let workspace: string;
    beforeEach(() => {
      workspace = mkdtempSync(join(tmpdir(), 'slice-cdk-json-'));
      symlinkSync(join(root, 'node_modules'), join(workspace, 'node_modules'));
      mkdirSync(join(workspace, 'apps/pizzas'), { recursive: true });
    });
    afterEach(() => rmSync(workspace, { recursive: true, force: true }));

    const write = (cdkJson: object) =>
      writeFileSync(join(workspace, 'apps/pizzas/cdk.json'), JSON.stringify(cdkJson));

    it('names a recommended flag that is missing and one set to another value', () => {
      const { ['@aws-cdk/aws-iam:minimizePolicies']: _missing, ...context } = expectedFeatureFlags(root);
      write({
        app: 'npx tsx cdk/main.ts',
        output: '../../dist/apps/pizzas/cdk.out',
        context: { ...context, '@aws-cdk/core:enablePartitionLiterals': false },
      });

      expect(checkCdkJson(workspace, 'apps/pizzas')).toEqual([
        expect.stringMatching(
          /feature flag @aws-cdk\/aws-iam:minimizePolicies is not set \(recommended: true\)$/,
        ),
        expect.stringMatching(/feature flag @aws-cdk\/core:enablePartitionLiterals is false, expected true$/),
      ]);
    });

    it('refuses another app command or assembly folder than the synth target uses', () => {
      write({ app: 'npx ts-node bin/app.ts', output: 'cdk.out', context: expectedFeatureFlags(root) });

      expect(checkCdkJson(workspace, 'apps/pizzas')).toEqual([
        expect.stringMatching(/"app" must be "npx tsx cdk\/main.ts"$/),
        expect.stringMatching(/"output" must be "..\/..\/dist\/apps\/pizzas\/cdk.out"/),
      ]);
    });
  });
});
