import { createLocalIssuer } from '@slice/testing';
import type { RoutingRuleSpec } from '../src/assembly/types';
import { compileRules, deriveRoutingRules, matchRule } from '../src/services/apigateway';
import { corsPreflight, fakeRuntime, json, lambdaMethod, model, restApi, serve } from './gateway-fixtures';

const rule = (priority: number, apiId: string, extra: Partial<RoutingRuleSpec> = {}): RoutingRuleSpec => ({
  priority,
  apiId,
  stage: 'dev',
  stripBasePath: false,
  source: `Platform/Rule${priority}`,
  ...extra,
});
const noHeaders = () => [];

describe('front door routing rules', () => {
  it('takes the matching rule with the lowest priority number, whatever the order given', () => {
    const rules = compileRules([
      rule(1000, 'orders', { basePaths: ['orders'] }),
      rule(1_000_000, 'monolith'),
      rule(100, 'preview', {
        basePaths: ['orders'],
        headers: [{ anyOf: [{ name: 'x-preview', glob: '*' }] }],
      }),
    ]);

    expect(matchRule(rules, '/orders/o-1', noHeaders)?.rule.apiId).toBe('orders');
    expect(
      matchRule(rules, '/orders/o-1', (name) => (name === 'x-preview' ? ['pr-42'] : []))?.rule.apiId,
    ).toBe('preview');
    expect(matchRule(rules, '/kitchen/tickets', noHeaders)?.rule.apiId).toBe('monolith');
  });

  it('matches a base path only as whole leading segments, case-sensitively', () => {
    const rules = compileRules([rule(1, 'orders', { basePaths: ['orders'] })]);

    expect(matchRule(rules, '/orders', noHeaders)).toBeDefined();
    expect(matchRule(rules, '/orders/', noHeaders)).toBeDefined();
    expect(matchRule(rules, '/ordersx/1', noHeaders)).toBeUndefined();
    expect(matchRule(rules, '/Orders/1', noHeaders)).toBeUndefined();
  });

  it('matches a base path against the path as sent: a percent-encoded one falls to the catch-all', () => {
    const rules = compileRules([rule(1, 'orders', { basePaths: ['orders'] }), rule(1_000_000, 'monolith')]);

    expect(matchRule(rules, '/orders/o-1', noHeaders)?.rule.apiId).toBe('orders');
    for (const path of ['/%6Frders/o-1', '/%6frders', '/%6F%72%64%65%72%73/o-1', '/or%64ers']) {
      expect({ path, apiId: matchRule(rules, path, noHeaders)?.rule.apiId }).toEqual({
        path,
        apiId: 'monolith',
      });
    }
    // The API gets the path as sent, encoded as it came: its resource matching decodes it.
    expect(matchRule(rules, '/%6Frders/o-1', noHeaders)?.apiPath).toBe('/%6Frders/o-1');
  });

  it('matches header names case-insensitively and values case-sensitively with * globs', () => {
    const rules = compileRules([
      rule(1, 'canary', { headers: [{ anyOf: [{ name: 'X-Slice-Route', glob: 'canary-*' }] }] }),
    ]);

    const headers = (value: string) => (name: string) => (name === 'x-slice-route' ? [value] : []);
    expect(matchRule(rules, '/a', headers('canary-7'))?.rule.apiId).toBe('canary');
    expect(matchRule(rules, '/a', headers('Canary-7'))).toBeUndefined();
    expect(matchRule(rules, '/a', headers('pre-canary-7'))).toBeUndefined();
  });

  it('needs every condition of a rule to match: base path and each header condition', () => {
    const rules = compileRules([
      rule(1, 'both', {
        basePaths: ['orders'],
        headers: [
          { anyOf: [{ name: 'a', glob: '1' }] },
          {
            anyOf: [
              { name: 'b', glob: '2' },
              { name: 'c', glob: '3' },
            ],
          },
        ],
      }),
    ]);
    const headers = (values: Record<string, string>) => (name: string) =>
      values[name] === undefined ? [] : [values[name] ?? ''];

    expect(matchRule(rules, '/orders', headers({ a: '1', c: '3' }))).toBeDefined();
    expect(matchRule(rules, '/orders', headers({ a: '1' }))).toBeUndefined();
    expect(matchRule(rules, '/menu', headers({ a: '1', b: '2' }))).toBeUndefined();
  });

  it('strips the longest matching base path when the rule says so', () => {
    const rules = compileRules([rule(1, 'v2', { basePaths: ['orders', 'orders/v2'], stripBasePath: true })]);

    expect(matchRule(rules, '/orders/v2/o-1', noHeaders)?.apiPath).toBe('/o-1');
    expect(matchRule(rules, '/orders/v2', noHeaders)?.apiPath).toBe('/');
    expect(matchRule(rules, '/orders/o-1', noHeaders)?.apiPath).toBe('/o-1');
  });

  it('derives one rule per API from its first path segments, and a last catch-all for a /{proxy+} API', () => {
    const apis = [
      restApi({
        id: 'monolith01',
        name: 'monolith',
        resources: { '/': [], '/{proxy+}': [lambdaMethod('ANY', 'Legacy/Fn')] },
      }),
      restApi({
        id: 'menuapi001',
        name: 'menu',
        resources: { '/': [corsPreflight], '/menu': [lambdaMethod('GET', 'Menu/List')] },
      }),
      restApi({
        id: 'ordersapi1',
        name: 'orders',
        resources: { '/orders': [lambdaMethod('GET', 'Orders/List')] },
      }),
    ];

    const derived = deriveRoutingRules(apis, 'dev');

    expect(derived.map(({ apiId, basePaths, priority }) => ({ apiId, basePaths, priority }))).toEqual([
      { apiId: 'menuapi001', basePaths: ['menu'], priority: 1000 },
      { apiId: 'ordersapi1', basePaths: ['orders'], priority: 1100 },
      { apiId: 'monolith01', basePaths: undefined, priority: 1_000_000 },
    ]);
  });
});

describe('front door over HTTP', () => {
  const apis = [
    restApi({ id: 'menuapi001', name: 'menu', resources: { '/menu': [lambdaMethod('GET', 'Menu/List')] } }),
    restApi({
      id: 'monolith01',
      name: 'monolith',
      resources: { '/{proxy+}': [lambdaMethod('ANY', 'Legacy/Fn')] },
    }),
  ];
  const { runtime } = fakeRuntime({
    'Menu/List': () => json(200, { from: 'menu' }),
    'Legacy/Fn': (event) => json(200, { from: 'monolith', path: event['path'] }),
  });
  const issuer = createLocalIssuer();

  it('sends x-slice-route: monolith to the monolith although the base-path rule matches too', async () => {
    const routingRules = [
      rule(1000, 'menuapi001', { basePaths: ['menu'] }),
      rule(100, 'monolith01', { headers: [{ anyOf: [{ name: 'x-slice-route', glob: 'monolith' }] }] }),
      rule(1_000_000, 'monolith01'),
    ];
    const server = await serve({
      model: model({ apis, functionIds: ['Menu/List', 'Legacy/Fn'], routingRules }),
      runtime,
      issuer,
    });
    try {
      const normal = await fetch(`${server.url}/menu`);
      const rerouted = await fetch(`${server.url}/menu`, { headers: { 'X-Slice-Route': 'monolith' } });

      expect(await normal.json()).toEqual({ from: 'menu' });
      expect(await rerouted.json()).toEqual({ from: 'monolith', path: '/menu' });
    } finally {
      await server.close();
    }
  });

  it('answers 404 Not Found, as the custom domain does, when no rule matches', async () => {
    const routingRules = [rule(1000, 'menuapi001', { basePaths: ['menu'] })];
    const server = await serve({
      model: model({ apis, functionIds: ['Menu/List', 'Legacy/Fn'], routingRules }),
      runtime,
      issuer,
    });
    try {
      const response = await fetch(`${server.url}/kitchen`);

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    } finally {
      await server.close();
    }
  });

  it('serves a new model after update, leaving the server running', async () => {
    const routingRules = [rule(1000, 'menuapi001', { basePaths: ['menu'] })];
    const server = await serve({
      model: model({ apis, functionIds: ['Menu/List', 'Legacy/Fn'], routingRules }),
      runtime,
      issuer,
    });
    try {
      const before = await fetch(`${server.url}/kitchen`);
      await server.gateway.update(
        model({
          apis,
          functionIds: ['Menu/List', 'Legacy/Fn'],
          routingRules: [...routingRules, rule(2000, 'monolith01')],
        }),
      );
      const after = await fetch(`${server.url}/kitchen`);

      expect(before.status).toBe(404);
      expect(await after.json()).toEqual({ from: 'monolith', path: '/kitchen' });
    } finally {
      await server.close();
    }
  });

  it('finishes a request in flight on the old model, and resolves update once it is answered', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = fakeRuntime({
      'Menu/List': async () => {
        await held;
        return json(200, { from: 'menu' });
      },
      'Legacy/Fn': (event) => json(200, { from: 'monolith', path: event['path'] }),
    });
    const routingRules = [rule(1000, 'menuapi001', { basePaths: ['menu'] })];
    const server = await serve({
      model: model({ apis, functionIds: ['Menu/List', 'Legacy/Fn'], routingRules }),
      runtime: slow.runtime,
      issuer,
    });
    try {
      const inFlight = fetch(`${server.url}/menu`);
      while (slow.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      let updated = false;
      const update = server.gateway
        .update(
          model({ apis, functionIds: ['Menu/List', 'Legacy/Fn'], routingRules: [rule(1, 'monolith01')] }),
        )
        .then(() => (updated = true));
      const onNewModel = await fetch(`${server.url}/menu`);
      const updatedBeforeRelease = updated;
      release();
      const onOldModel = await inFlight;
      await update;

      expect(await onNewModel.json()).toEqual({ from: 'monolith', path: '/menu' });
      expect(updatedBeforeRelease).toBe(false);
      expect(await onOldModel.json()).toEqual({ from: 'menu' });
    } finally {
      release();
      await server.close();
    }
  });

  it('routes by the derived base-path rules when the model has none', async () => {
    const server = await serve({
      model: model({ apis, functionIds: ['Menu/List', 'Legacy/Fn'] }),
      runtime,
      issuer,
    });
    try {
      expect(await (await fetch(`${server.url}/menu`)).json()).toEqual({ from: 'menu' });
      expect(await (await fetch(`${server.url}/kitchen/1`)).json()).toEqual({
        from: 'monolith',
        path: '/kitchen/1',
      });
      expect(server.gateway.routingRules().map((derived) => derived.apiId)).toEqual([
        'menuapi001',
        'monolith01',
      ]);
    } finally {
      await server.close();
    }
  });
});
