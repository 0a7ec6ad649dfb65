import { checkNodePin, type PinnedPackageJson } from '../src/node-pin';

const agreeing: PinnedPackageJson = {
  devDependencies: { node: '24.21.0' },
  engines: { node: '>=24.21.0 <25' },
  devEngines: { packageManager: { name: 'npm', version: '^11.0.0' } },
  packageManager: 'npm@11.19.1',
};

describe('checkNodePin', () => {
  it('accepts a pin that says the same everywhere', () => {
    expect(checkNodePin(agreeing, '24.21.0\n')).toEqual([]);
  });

  it('names every place that disagrees with the node dev dependency', () => {
    const drifted: PinnedPackageJson = {
      ...agreeing,
      engines: { node: '>=20' },
      devEngines: { packageManager: { name: 'npm', version: '^10.0.0' } },
      packageManager: 'pnpm@10.0.0',
    };

    expect(checkNodePin(drifted, '22')).toEqual([
      '.nvmrc must say 24.21.0, the `node` dev dependency',
      'package.json: engines.node must name Node 24',
      'package.json: packageManager must be npm@11.x.y',
      'package.json: devEngines.packageManager must be npm ^11',
    ]);
  });
});
