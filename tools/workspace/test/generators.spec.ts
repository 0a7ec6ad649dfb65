/**
 * The generators against the real workspace, in memory: an Nx tree over the repository whose
 * changes are inspected and never written, so these tests see exactly what a team would get.
 */
import { workspaceRoot, type Tree } from '@nx/devkit';
import { FsTree } from 'nx/src/generators/tree';
import routeGenerator from '../src/generators/route/generator';
import serviceGenerator from '../src/generators/service/generator';

const tree = (): Tree => new FsTree(workspaceRoot, false);
const changed = (t: Tree) => t.listChanges().map((change) => `${change.type} ${change.path}`);
const text = (t: Tree, path: string) => t.read(path, 'utf-8') ?? '';

describe('the service generator', () => {
  it('creates the contract lib and the app, and registers them with the platform', async () => {
    const t = tree();

    await serviceGenerator(t, { name: 'pantry', team: 'menu', skipInstall: true });

    expect(changed(t)).toEqual(
      expect.arrayContaining([
        'CREATE libs/contracts/pantry/src/index.ts',
        'CREATE libs/contracts/pantry/project.json',
        'CREATE apps/pantry/cdk/main.ts',
        'CREATE apps/pantry/cdk/pantry-stack.ts',
        'CREATE apps/pantry/cdk.json',
        'CREATE apps/pantry/src/handlers/get-pantry-item.ts',
        'CREATE apps/pantry/src/domain/get-pantry-item.ts',
        'CREATE apps/pantry/src/adapters/dynamodb-pantry-repository.ts',
        'CREATE apps/pantry/src/config.ts',
        'CREATE apps/pantry/src/deps/index.ts',
        'CREATE apps/pantry/src/deps/items.ts',
        'CREATE apps/pantry/test/pantry.integration.spec.ts',
        'CREATE apps/pantry/README.md',
        'UPDATE tsconfig.base.json',
        'UPDATE infra/front-door/src/routing.ts',
        'UPDATE tools/contract-runner/src/services.ts',
        'UPDATE .github/CODEOWNERS',
      ]),
    );
    expect(JSON.parse(text(t, 'apps/pantry/project.json')).tags).toEqual(['scope:menu', 'type:app']);
    expect(
      JSON.parse(text(t, 'libs/contracts/pantry/project.json')).targets['contract-gate'].options.command,
    ).toBe('tsx tools/contract-runner/src/breaking-cli.ts pantry');
    expect(
      JSON.parse(text(t, 'tsconfig.base.json')).compilerOptions.paths['@slice/contracts-pantry'],
    ).toEqual(['./libs/contracts/pantry/src/index.ts']);
    expect(text(t, '.github/CODEOWNERS')).toContain('/apps/pantry/ @slice-pizza/menu\n');
    expect(text(t, 'tools/contract-runner/src/services.ts')).toContain(
      'pantry: { contract: pantryContract, fixtures: pantryFixtures },',
    );
  });

  it('lists the service in the front door while the monolith keeps its base path, unless --route', async () => {
    const kept = tree();
    const routed = tree();

    await serviceGenerator(kept, { name: 'pantry', team: 'menu', skipInstall: true });
    await serviceGenerator(routed, { name: 'pantry', team: 'menu', route: true, skipInstall: true });

    expect(text(kept, 'infra/front-door/src/routing.ts')).toMatch(
      /\{ service: 'pantry', team: 'menu', basePaths: \['pantry'\], priority: \d+, target: 'monolith' \}/,
    );
    expect(text(routed, 'infra/front-door/src/routing.ts')).toMatch(
      /\{ service: 'pantry', team: 'menu', basePaths: \['pantry'\], priority: \d+ \}/,
    );
  });

  it('adds the files and stack parts of each option, and only those', async () => {
    const plain = tree();
    const full = tree();

    await serviceGenerator(plain, { name: 'pantry', team: 'menu', skipInstall: true });
    await serviceGenerator(full, {
      name: 'pantry',
      team: 'menu',
      queue: true,
      workflow: true,
      schedule: true,
      websocket: true,
      skipInstall: true,
    });

    const optional = [
      'apps/pantry/src/handlers/record-pantry-item.ts',
      'apps/pantry/src/handlers/run-pantry-step.ts',
      'apps/pantry/src/handlers/sweep-pantry.ts',
      'apps/pantry/src/handlers/connect.ts',
      'apps/pantry/src/handlers/disconnect.ts',
    ];
    for (const file of optional) {
      expect(plain.exists(file)).toBe(false);
      expect(full.exists(file)).toBe(true);
    }
    expect(text(plain, 'apps/pantry/cdk/pantry-stack.ts')).not.toMatch(
      /ServiceQueue|ServiceWorkflow|ServiceSchedule|ServiceWebSocketApi/,
    );
    for (const part of [
      'new ServiceQueue(',
      'new ServiceWorkflow(',
      'new ServiceSchedule(',
      'new ServiceWebSocketApi(',
    ]) {
      expect(text(full, 'apps/pantry/cdk/pantry-stack.ts')).toContain(part);
    }
  });

  it('adds a new team to teams.ts and as a steward of the monolith when its owners are given', async () => {
    const t = tree();

    await serviceGenerator(t, {
      name: 'kitchen-display',
      team: 'cooks',
      owners: '@slice-pizza/cooks',
      purpose: "The cooks' screens",
      skipInstall: true,
    });

    const teams = text(t, 'tools/workspace/src/teams.ts');
    expect(teams).toMatch(
      / {2}cooks: \{\n {4}owners: \['@slice-pizza\/cooks'\],\n {4}purpose: ("The cooks' screens"|'The cooks\\' screens'),\n {2}\},\n\} as const/,
    );
    expect(teams).toMatch(/legacy: \[[^\]]*'cooks'\]/);
    expect(text(t, '.github/CODEOWNERS')).toContain('/apps/kitchen-display/ @slice-pizza/cooks\n');
    expect(text(t, '.github/CODEOWNERS')).toMatch(/\/apps\/monolith\/ .*@slice-pizza\/cooks\n/);
  });

  it.each([
    [{ name: 'menu', team: 'menu' }, 'A service named "menu" exists already: apps/menu, libs/contracts/menu'],
    [{ name: 'Pantry', team: 'menu' }, '"Pantry" is not a service name'],
    [{ name: 'pan_try', team: 'menu' }, '"pan_try" is not a service name'],
    [{ name: 'monolith', team: 'menu' }, '"monolith" is reserved'],
    [{ name: 'pantry', team: 'bakers' }, 'Unknown team "bakers". Known teams: platform, menu, orders'],
    [{ name: 'pantry', team: 'shared' }, '"shared" is a shared scope, not a team'],
    [{ name: 'pantry', team: 'menu', owners: '@x/menu' }, 'Team "menu" exists already'],
    [{ name: 'pantry', team: 'bakers', owners: 'bakers' }, 'Not GitHub handles: bakers'],
  ])('refuses %j with a clear error and writes nothing', async (options, message) => {
    const t = tree();

    await expect(serviceGenerator(t, { ...options, skipInstall: true })).rejects.toThrow(message);

    expect(t.listChanges()).toEqual([]);
  });
});

describe('the route generator', () => {
  it('adds the contract entry, the handler named after the operation id and the use-case with its test', async () => {
    const t = tree();

    await routeGenerator(t, {
      service: 'menu',
      operationId: 'rateMenuItem',
      method: 'POST',
      path: '/menu/items/{itemId}/ratings',
      auth: 'user',
      skipInstall: true,
    });

    expect(changed(t).sort()).toEqual([
      'CREATE apps/menu/src/domain/rate-menu-item.ts',
      'CREATE apps/menu/src/handlers/rate-menu-item.ts',
      'CREATE apps/menu/test/rate-menu-item.spec.ts',
      'UPDATE libs/contracts/menu/src/index.ts',
    ]);
    const contract = text(t, 'libs/contracts/menu/src/index.ts');
    expect(contract).toContain("operationId: 'rateMenuItem'");
    expect(contract).toContain("path: '/menu/items/{itemId}/ratings'");
    // The shared suite sends `Not A Valid Id!` and expects a 400: path parameters have a shape.
    expect(contract).toContain(
      'request: { path: z.strictObject({ itemId: Slug }), body: RateMenuItemRequest }',
    );
    expect(contract).toMatch(
      /examples: \[\s*\{\s*name: 'valid',\s*request: \{ path: \{ itemId: 'first-itemid' \}, body: \{ name: 'A name' \} \},\s*response: \{\s*status: 201,\s*body: \{ id: 'first-itemid', updatedAt: '2026-12-01T09:00:00.000Z' \}/,
    );
    expect(contract).toMatch(/routes: \{[^}]*withdrawMenuItem,\s*rateMenuItem,?\s*\}/);
    expect(text(t, 'apps/menu/test/rate-menu-item.spec.ts')).toContain(
      "rateMenuItem({ itemId: 'abc-123', body: { name: 'A name' } }, { now })",
    );
    expect(text(t, 'apps/menu/src/handlers/rate-menu-item.ts')).toContain(
      'http(menuContract.routes.rateMenuItem, ({ path, body }) =>',
    );
  });

  it.each([
    [
      { service: 'menu', operationId: 'getMenuItem', path: '/menu/items/{itemId}/x' },
      'menu has a route getMenuItem already',
    ],
    [{ service: 'menu', operationId: 'listAll', path: '/menu' }, 'menu serves GET /menu already'],
    [
      { service: 'menu', operationId: 'listOrders2', path: '/orders/mine' },
      '"/orders/mine" is not a path of menu',
    ],
    [{ service: 'menu', operationId: 'list_menu', path: '/menu/x' }, '"list_menu" is not an operation id'],
    [{ service: 'pantry', operationId: 'getPantry', path: '/pantry' }, 'No service "pantry"'],
  ])('refuses %j with a clear error and writes nothing', async (options, message) => {
    const t = tree();

    await expect(routeGenerator(t, { ...options, skipInstall: true })).rejects.toThrow(message);

    expect(t.listChanges()).toEqual([]);
  });
});
