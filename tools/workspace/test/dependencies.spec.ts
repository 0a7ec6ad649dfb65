import { checkDependencyPolicy } from '../src/dependencies';

describe('checkDependencyPolicy', () => {
  it('accepts exact versions declared once at the root', () => {
    const root = { devDependencies: { nx: '23.2.1', '@nx/js': '23.2.1', zod: '4.6.7' } };
    expect(checkDependencyPolicy(root, [{ folder: 'apps/menu', manifest: { name: '@slice/menu' } }])).toEqual(
      [],
    );
  });

  it('reports nx packages on different versions', () => {
    const root = { devDependencies: { nx: '23.2.1', '@nx/js': '23.1.0' } };
    expect(checkDependencyPolicy(root, [])).toEqual([
      'nx and @nx/* must share one version; found nx@23.2.1, @nx/js@23.1.0',
    ]);
  });

  it('reports a version range', () => {
    expect(checkDependencyPolicy({ dependencies: { zod: '^4.6.7' } }, [])).toEqual([
      'root package.json: zod@^4.6.7 must be an exact version.',
    ]);
  });

  it('reports an external dependency declared by a project, but not a workspace one', () => {
    const problems = checkDependencyPolicy({}, [
      { folder: 'apps/menu', manifest: { dependencies: { zod: '4.6.7', '@slice/contract': '*' } } },
    ]);
    expect(problems).toEqual([
      'apps/menu/package.json declares zod in dependencies; declare them once in the root package.json.',
    ]);
  });
});
