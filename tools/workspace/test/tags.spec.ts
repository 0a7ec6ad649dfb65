import { checkProjectTags } from '../src/tags';

const project = (root: string, tags: string[]) => ({ name: root.split('/').pop() ?? root, root, tags });

describe('checkProjectTags', () => {
  it('accepts a project with one known scope and one known type that fits its folder', () => {
    expect(checkProjectTags([project('apps/menu', ['scope:menu', 'type:app'])])).toEqual([]);
  });

  it('reports a project with no scope tag', () => {
    const [problem, ...rest] = checkProjectTags([project('apps/menu', ['type:app'])]);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/menu \(apps\/menu\): needs exactly one scope: tag, has none/);
  });

  it('reports a project with a second scope tag', () => {
    const problems = checkProjectTags([project('apps/menu', ['scope:menu', 'scope:orders', 'type:app'])]);
    expect(problems).toEqual([expect.stringMatching(/has scope:menu, scope:orders/)]);
  });

  it('reports a project with no type tag', () => {
    expect(checkProjectTags([project('libs/middleware', ['scope:shared'])])).toEqual([
      expect.stringMatching(/needs exactly one type: tag, has none/),
    ]);
  });

  it('reports a scope that is not in the vocabulary', () => {
    expect(checkProjectTags([project('apps/menu', ['scope:pizza', 'type:app'])])).toEqual([
      expect.stringMatching(/scope:pizza is not in the vocabulary/),
    ]);
  });

  it('ignores the npm: tags Nx derives from package.json', () => {
    expect(checkProjectTags([project('apps/menu', ['scope:menu', 'type:app', 'npm:private'])])).toEqual([]);
  });

  it('reports tags that carry no rule', () => {
    expect(checkProjectTags([project('apps/menu', ['scope:menu', 'type:app', 'team:menu'])])).toEqual([
      expect.stringMatching(/unknown tags team:menu/),
    ]);
  });

  it('reports a type that does not fit the folder', () => {
    expect(checkProjectTags([project('libs/contracts/menu', ['scope:menu', 'type:lib'])])).toEqual([
      expect.stringMatching(/must be type:contract, not type:lib/),
    ]);
    expect(checkProjectTags([project('apps/menu', ['scope:menu', 'type:lib'])])).toEqual([
      expect.stringMatching(/must be type:app, not type:lib/),
    ]);
  });

  it('reports a project outside the known folders', () => {
    expect(checkProjectTags([project('services/menu', ['scope:menu', 'type:app'])])).toEqual([
      expect.stringMatching(/projects live in apps\/<name>/),
    ]);
  });
});
