import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagesOf, ServiceBundler, ServiceFunction, type BundleReport } from '../src';
import { fixtureEntry, pizzasStack } from './support';

const sdkEntry = join(__dirname, 'fixtures/sdk-handler.ts');
const repoLockFile = join(__dirname, '../../../package-lock.json');

const reportOf = (reports: readonly BundleReport[], entry: string) => {
  const report = reports.find((candidate) => candidate.entry === entry);
  if (!report) throw new Error(`No bundle of ${entry}`);
  return report;
};

describe('ServiceBundler', () => {
  let reports: BundleReport[];
  let afterFirst: BundleReport[];

  beforeAll(() => {
    const { stack } = pizzasStack('prod', { bundle: true });
    new ServiceFunction(stack, 'Plain', { entry: fixtureEntry });
    afterFirst = ServiceBundler.of(stack).reports();
    new ServiceFunction(stack, 'Sdk', { entry: sdkEntry });
    new ServiceFunction(stack, 'Readable', { entry: sdkEntry, bundling: { minify: false } });
    reports = ServiceBundler.of(stack).reports();
  }, 60_000);

  it('bundles every handler of the folder in the first function’s esbuild run', () => {
    expect(afterFirst.map((report) => report.entry).sort()).toEqual([sdkEntry, fixtureEntry].sort());
  });

  it('reuses that run for the next function of the folder, and runs again only for other options', () => {
    // Two runs: the default options (both fixtures) and `minify: false` (both again).
    expect(reports).toHaveLength(4);
  });

  it('gives each function only its own code paths', () => {
    const plain = Object.keys(reportOf(reports, fixtureEntry).inputs);
    const sdk = Object.keys(reportOf(reports, sdkEntry).inputs);

    expect(plain).toEqual(['libs/cdk/test/fixtures/handler.ts']);
    expect(sdk.some((input) => input.includes('node_modules/@aws-sdk/client-ssm/'))).toBe(true);
  });

  it('holds one copy of each package', () => {
    const copies = [...packagesOf(reportOf(reports, sdkEntry))].filter(([, paths]) => paths.length > 1);

    expect(copies).toEqual([]);
  });

  it('stops the synth with esbuild’s message when a handler does not build', () => {
    const directory = mkdtempSync(join(tmpdir(), 'slice-bundler-'));
    const broken = join(directory, 'broken.ts');
    writeFileSync(broken, "import { nothing } from './missing';\nexport const handler = nothing;\n");
    const { stack } = pizzasStack('dev', { bundle: true });

    expect(
      () => new ServiceFunction(stack, 'Broken', { entry: broken, depsLockFilePath: repoLockFile }),
    ).toThrow(/Could not resolve "\.\/missing"/);
  });
});

describe('packagesOf', () => {
  it('names a package found at two install paths', () => {
    const report: BundleReport = {
      entry: 'handler.ts',
      bytes: 1,
      inputs: {
        'node_modules/@smithy/types/dist-es/index.js': 1,
        'node_modules/@smithy/util/node_modules/@smithy/types/dist-es/index.js': 1,
        'node_modules/zod/v4/core/core.js': 1,
        'libs/contract/src/route.ts': 1,
      },
    };

    expect(Object.fromEntries(packagesOf(report))).toEqual({
      '@smithy/types': ['node_modules/@smithy/types', 'node_modules/@smithy/util/node_modules/@smithy/types'],
      zod: ['node_modules/zod'],
    });
  });
});
