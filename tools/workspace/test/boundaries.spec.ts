/**
 * The boundary rule, tested the way it runs: the real ESLint with the config generated from
 * boundaries.ts, in a throwaway Nx workspace whose projects import across the lines the matrix
 * draws. A rule that reports nothing here is broken, not satisfied.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repo = resolve(__dirname, '../../..');

interface Finding {
  file: string;
  rule: string | null;
  message: string;
}

const projects: Record<string, string[]> = {
  'apps/menu': ['scope:menu', 'type:app'],
  'apps/orders': ['scope:orders', 'type:app'],
  'libs/contracts/orders': ['scope:orders', 'type:contract'],
  'libs/middleware': ['scope:shared', 'type:lib'],
  'libs/cdk': ['scope:shared', 'type:cdk'],
  'libs/testing': ['scope:shared', 'type:testing'],
  'apps/status': ['scope:platform', 'type:app'],
  infra: ['scope:platform', 'type:infra'],
  'apps/untagged': [],
};

const projectName = (root: string) =>
  root
    .replace(/^libs\/contracts\//, 'contracts-')
    .split('/')
    .pop() ?? root;
const packageName = (root: string) => `@slice/${projectName(root)}`;

const sources: Record<string, string> = {
  'apps/menu/src/crosses-team.ts':
    "import { placeOrder } from '@slice/orders';\nexport const x = placeOrder;\n",
  'apps/menu/src/uses-contract.ts':
    "import { ordersContract } from '@slice/contracts-orders';\nexport const x = ordersContract;\n",
  'apps/menu/src/uses-cdk.ts': "import { App } from 'aws-cdk-lib';\nexport const x = App;\n",
  'apps/menu/cdk/main.ts':
    "import { App } from 'aws-cdk-lib';\nimport { table } from '@slice/cdk';\nexport const x = [App, table];\n",
  'apps/orders/src/index.ts': "import { http } from '@slice/middleware';\nexport const placeOrder = http;\n",
  'libs/contracts/orders/src/index.ts':
    "import middy from '@middy/core';\nexport const ordersContract = middy;\n",
  'libs/middleware/src/index.ts': 'export const http = 1;\n',
  'libs/middleware/src/uses-testing.ts': "import { kit } from '@slice/testing';\nexport const x = kit;\n",
  'libs/middleware/test/http.spec.ts':
    "import { kit } from '@slice/testing';\nimport { http } from '../src/index';\nexport const x = [kit, http];\n",
  'libs/testing/src/index.ts': 'export const kit = 1;\n',
  'libs/cdk/src/index.ts': 'export const table = 1;\n',
  'apps/status/src/index.ts': "export const status = 'ok';\n",
  'infra/src/main.ts': "import { status } from '@slice/status';\nexport const x = status;\n",
  'apps/untagged/src/index.ts': "import { http } from '@slice/middleware';\nexport const x = http;\n",
};

let findings: Finding[];
let workspace: string;

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'slice-boundaries-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), text);
  };
  symlinkSync(join(repo, 'node_modules'), join(workspace, 'node_modules'), 'dir');
  // The repo's manifest and lockfile give the fixture the same external packages to ban.
  const { devDependencies } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as object & {
    devDependencies: Record<string, string>;
  };
  write('package.json', JSON.stringify({ name: '@slice/source', private: true, devDependencies }));
  write('package-lock.json', readFileSync(join(repo, 'package-lock.json'), 'utf8'));
  write('nx.json', JSON.stringify({ neverConnectToCloud: true }));
  const paths = Object.fromEntries(
    Object.keys(projects).map((root) => [packageName(root), [`./${root}/src/index.ts`]]),
  );
  write('tsconfig.base.json', JSON.stringify({ compilerOptions: { paths } }));
  for (const [root, tags] of Object.entries(projects)) {
    write(`${root}/project.json`, JSON.stringify({ name: projectName(root), tags }));
  }
  for (const [path, text] of Object.entries(sources)) write(path, text);
  write(
    'eslint.config.mjs',
    [
      "import tseslint from 'typescript-eslint';",
      `import { boundaryConfig } from ${JSON.stringify(join(repo, 'tools/workspace/src/eslint.ts'))};`,
      "export default [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaryConfig()];",
    ].join('\n'),
  );

  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  const bin = (pkg: string) => join(repo, 'node_modules', pkg);
  // Builds the project graph cache the rule reads; without it the rule skips itself.
  execFileSync(process.execPath, [bin('nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: workspace, env });
  let report: string;
  try {
    report = execFileSync(process.execPath, [bin('eslint/bin/eslint.js'), '--format', 'json', '.'], {
      cwd: workspace,
      env,
      encoding: 'utf8',
    });
  } catch (error) {
    report = (error as { stdout: string }).stdout;
  }
  const results = JSON.parse(report) as Array<{
    filePath: string;
    messages: Array<{ ruleId: string | null; message: string }>;
  }>;
  findings = results.flatMap(({ filePath, messages }) =>
    messages.map(({ ruleId, message }) => ({
      file: filePath.slice(workspace.length + 1),
      rule: ruleId,
      message,
    })),
  );
}, 120_000);

afterAll(() => {
  if (!process.env.KEEP_FIXTURE) rmSync(workspace, { recursive: true, force: true });
});

const findingsIn = (file: string) => findings.filter((finding) => finding.file === file);

describe('team boundaries', () => {
  it("reports an import of another team's code", () => {
    expect(findingsIn('apps/menu/src/crosses-team.ts')).toEqual([
      expect.objectContaining({
        rule: '@nx/enforce-module-boundaries',
        message: expect.stringMatching(
          /A project tagged with "scope:menu" can only depend on libs tagged with "scope:menu", "scope:shared", "type:contract"/,
        ),
      }),
    ]);
  });

  it("allows an import of another team's contract", () => {
    expect(findingsIn('apps/menu/src/uses-contract.ts')).toEqual([]);
  });

  it('reports the CDK imported from Lambda code, and allows it in the cdk folder', () => {
    expect(findingsIn('apps/menu/src/uses-cdk.ts')).toEqual([
      expect.objectContaining({
        rule: 'no-restricted-imports',
        message: expect.stringMatching(/must not import the CDK/),
      }),
    ]);
    expect(findingsIn('apps/menu/cdk/main.ts')).toEqual([]);
  });

  it('reports a contract importing a runtime package', () => {
    expect(findingsIn('libs/contracts/orders/src/index.ts')).toEqual([
      expect.objectContaining({
        rule: '@nx/enforce-module-boundaries',
        message: expect.stringMatching(/tagged with "type:contract" is not allowed to import "@middy\/core"/),
      }),
    ]);
  });

  it('reports infra importing an app', () => {
    expect(findingsIn('infra/src/main.ts')).toEqual([
      expect.objectContaining({
        rule: '@nx/enforce-module-boundaries',
        message: expect.stringMatching(
          /tagged with "type:infra" can only depend on libs tagged with "type:cdk"/,
        ),
      }),
    ]);
  });

  it('reports an import from a project without tags', () => {
    expect(findingsIn('apps/untagged/src/index.ts')).toEqual([
      expect.objectContaining({
        rule: '@nx/enforce-module-boundaries',
        message: expect.stringMatching(/without tags matching at least one constraint/),
      }),
    ]);
  });

  it("reports a lib's runtime code importing the testing kit, and allows its tests to", () => {
    expect(findingsIn('libs/middleware/src/uses-testing.ts')).toEqual([
      expect.objectContaining({
        rule: '@nx/enforce-module-boundaries',
        message: expect.stringMatching(
          /tagged with "type:lib" can only depend on libs tagged with "type:lib", "type:contract"/,
        ),
      }),
    ]);
    expect(findingsIn('libs/middleware/test/http.spec.ts')).toEqual([]);
  });

  it('allows a team to use the shared libs', () => {
    expect(findingsIn('apps/orders/src/index.ts')).toEqual([]);
  });
});
