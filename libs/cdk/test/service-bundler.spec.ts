import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  buildSharedBundles,
  packagesOf,
  ServiceBundler,
  ServiceFunction,
  sharedBundlesVariable,
  type BundleReport,
} from '../src';
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

describe('buildSharedBundles', () => {
  const root = resolve(__dirname, '../../..');
  const fixtures = dirname(fixtureEntry);

  /** The lines a stack's bundling printed, and its reports, with `SLICE_SHARED_BUNDLES` at `dir`. */
  function synthesizeWith(dir: string | undefined) {
    const previous = process.env[sharedBundlesVariable];
    if (dir === undefined) delete process.env[sharedBundlesVariable];
    else process.env[sharedBundlesVariable] = dir;
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const { stack } = pizzasStack('prod', { bundle: true });
      new ServiceFunction(stack, 'Plain', { entry: fixtureEntry });
      return { lines, reports: ServiceBundler.of(stack).reports() };
    } finally {
      write.mockRestore();
      if (previous === undefined) delete process.env[sharedBundlesVariable];
      else process.env[sharedBundlesVariable] = previous;
    }
  }

  it('gives a stack the bundles its own build makes, byte for byte, without building them again', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'slice-shared-'));
    const shared = await buildSharedBundles(root, [fixtures], dir);
    const own = synthesizeWith(undefined);

    // Act
    const taken = synthesizeWith(dir);

    // Assess
    expect(shared).toMatchObject({ functions: 2 });
    expect(shared.failed).toBeUndefined();
    expect(taken.lines.join('')).toMatch(/Bundled 2 functions of .* \(the shared build\)/);
    expect(own.lines.join('')).not.toMatch(/the shared build/);
    expect(taken.reports).toEqual(own.reports);
    const plan = JSON.parse(readFileSync(join(dir, 'bundles.json'), 'utf8')) as {
      entries: Record<string, { files: [string, string][] }>;
    };
    const code = plan.entries[fixtureEntry]?.files.find(([name]) => name === 'index.mjs')?.[1] ?? '';
    expect(readFileSync(code).byteLength).toBe(reportOf(own.reports, fixtureEntry).bytes);
  }, 60_000);

  it('leaves each stack to build its own bundles when the shared build fails', async () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'slice-bundler-'));
    writeFileSync(join(directory, 'broken.ts'), "export { nothing as handler } from './missing';\n");
    const dir = mkdtempSync(join(tmpdir(), 'slice-shared-'));

    // Act
    const shared = await buildSharedBundles(root, [fixtures, directory], dir);
    const taken = synthesizeWith(dir);

    // Assess
    expect(shared.failed).toMatch(/Could not resolve "\.\/missing"/);
    expect(taken.lines.join('')).toMatch(/Bundled 2 functions/);
    expect(taken.lines.join('')).not.toMatch(/the shared build/);
  }, 60_000);
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
