import { ownersOf, renderCodeowners } from '../src/codeowners';
import { teams } from '../src/teams';

describe('renderCodeowners', () => {
  it('gives each project the owners of its scope, sorted by path, with the platform team as default', () => {
    const text = renderCodeowners([
      { name: 'orders', root: 'apps/orders', tags: ['scope:orders', 'type:app'] },
      { name: 'menu', root: 'apps/menu', tags: ['scope:menu', 'type:app'] },
      { name: 'middleware', root: 'libs/middleware', tags: ['scope:shared', 'type:lib'] },
    ]);
    const rules = text.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(rules).toEqual([
      `* ${teams.platform.owners.join(' ')}`,
      `/apps/menu/ ${teams.menu.owners.join(' ')}`,
      `/apps/orders/ ${teams.orders.owners.join(' ')}`,
      `/libs/middleware/ ${teams.platform.owners.join(' ')}`,
    ]);
  });

  it('gives the legacy monolith to every team that carves it up', () => {
    const owners = ownersOf({ name: 'monolith', root: 'apps/monolith', tags: ['scope:legacy', 'type:app'] });
    expect(owners).toEqual(expect.arrayContaining([...teams.menu.owners, ...teams.orders.owners]));
  });

  it('refuses a project whose scope no team owns', () => {
    expect(() =>
      ownersOf({ name: 'billing', root: 'apps/billing', tags: ['scope:billing', 'type:app'] }),
    ).toThrow(/scope "billing", which no team in tools\/workspace\/src\/teams.ts owns/);
  });
});
