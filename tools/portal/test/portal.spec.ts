import { Parser } from '@asyncapi/parser';
import { defineContract, defineRoute } from '@slice/contract';
import { ordersContract } from '@slice/contracts-orders';
import * as z from 'zod';
import { buildCatalog, buildSite, ownersOf, toAsyncApi } from '../src';
import { contracts, inputsOf } from './fixture';

/** Orders' contract with one more route, as a team would add it. */
const withRefund = defineContract({
  ...ordersContract,
  routes: {
    ...ordersContract.routes,
    refundOrder: defineRoute({
      method: 'POST',
      path: '/orders/{orderId}/refund',
      operationId: 'refundOrder',
      summary: 'Refund a cancelled order',
      auth: 'staff',
      request: { path: z.strictObject({ orderId: z.uuid() }) },
      status: 204,
    }),
  },
});

describe('the generated portal', () => {
  it('shows a route added to a contract on its service page and API document, with no portal code changed', () => {
    const before = buildSite(inputsOf());
    const after = buildSite(inputsOf(contracts.map((each) => (each === ordersContract ? withRefund : each))));

    expect(before.get('services/orders.html')).not.toContain('refundOrder');
    expect(after.get('services/orders.html')).toContain('refundOrder');
    expect(after.get('services/orders.html')).toContain('/orders/{orderId}/refund');
    expect(JSON.parse(after.get('openapi/orders.json') ?? '{}').paths).toHaveProperty([
      '/orders/{orderId}/refund',
    ]);
    expect(after.get('index.html')).toMatch(
      /orders<\/a><\/td><td>orders<\/td><td>@slice-pizza\/orders<\/td><td>5</,
    );
  });

  it('names as consumers of an event the services whose templates have a rule matching it', () => {
    const catalog = buildCatalog(inputsOf());
    const placed = catalog.events.find((event) => event.detailType === 'OrderPlaced');
    const ready = catalog.events.find((event) => event.detailType === 'OrderReady');

    expect(placed).toMatchObject({
      producer: 'orders',
      consumers: [
        { service: 'kitchen', rule: 'IntakeOrderEventsE6E8ED56', targets: ['SQS queue IntakeQueue'] },
      ],
    });
    expect(ready).toMatchObject({ producer: 'kitchen', consumers: [] });
  });

  it('reads table keys, indexes and streams from the templates', () => {
    const kitchen = buildCatalog(inputsOf()).services.find((service) => service.name === 'kitchen');

    expect(kitchen?.tables).toEqual([
      {
        logicalId: 'Table710B521B',
        partitionKey: 'pk',
        sortKey: 'sk',
        indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk' }],
        stream: 'NEW_AND_OLD_IMAGES',
      },
    ]);
  });

  it("maps the front door: moved base paths, one still pending and the monolith's own", () => {
    const inputs = inputsOf();
    const pending = inputsOf(contracts, {
      frontDoor: {
        ...inputs.frontDoor,
        services: inputs.frontDoor.services.map((route) =>
          route.service === 'kitchen' ? { ...route, target: 'monolith' as const } : route,
        ),
      },
    });

    expect(
      buildCatalog(inputs).routeMap.map(({ basePath, state, servedBy }) => [basePath, state, servedBy]),
    ).toEqual([
      ['kitchen', 'moved', 'kitchen'],
      ['orders', 'moved', 'orders'],
      ['reports', 'monolith', 'monolith'],
      ['stores', 'monolith', 'monolith'],
    ]);
    expect(buildCatalog(pending).routeMap.find((entry) => entry.basePath === 'kitchen')).toMatchObject({
      state: 'pending',
      servedBy: 'monolith',
    });
    expect(buildSite(inputs).get('front-door.html')).toContain('2 of 4');
  });

  it('shows every event carrying correlation and causation ids, and flags one whose envelope declares none', () => {
    const catalog = buildCatalog(inputsOf());
    const { properties: _properties, ...schema } = catalog.events[0]?.schema as Record<string, unknown>;
    const withoutCause = inputsOf(contracts, {
      eventSchemas: {
        legacy: {
          PizzaBaked: {
            ...schema,
            properties: { id: { type: 'string' }, correlationId: { type: 'string' } },
          },
        },
      },
    });

    expect(catalog.events.length).toBeGreaterThan(0);
    expect(catalog.events.every((event) => event.carries.correlationId && event.carries.causationId)).toBe(
      true,
    );
    expect(buildSite(inputsOf()).get('events.html')).not.toContain('declare no causation id');
    expect(buildSite(withoutCause).get('events.html')).toContain('1 of 1 events declare no causation id');
  });

  it("lists a WebSocket contract's messages on its service's page", () => {
    const site = buildSite(
      inputsOf(contracts, { sockets: { kitchen: { 'accepts.track': {}, 'sends.status': {} } } }),
    );

    expect(site.get('services/kitchen.html')).toContain(
      '<code>accepts.track</code> <code>sends.status</code>',
    );
  });

  it('renders the README and escapes what the inputs hold', () => {
    const site = buildSite(inputsOf());

    expect(site.get('services/orders.html')).toContain('<strong>orders</strong>');
    expect(site.get('services/monolith.html')).toContain('No README.');
  });
});

describe('the events catalogue', () => {
  it('is a valid AsyncAPI 3.0 document with a send and a receive operation per followed event', async () => {
    const document = toAsyncApi(buildCatalog(inputsOf()));
    const { diagnostics } = await new Parser().parse(JSON.stringify(document));

    expect(diagnostics.filter((diagnostic) => Number(diagnostic.severity) === 0)).toEqual([]);
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.keys(document.operations as object)).toEqual(
      expect.arrayContaining([
        'orders-send-OrderPlaced',
        'kitchen-receive-OrderPlaced',
        'kitchen-send-OrderReady',
      ]),
    );
  });
});

describe('ownersOf', () => {
  it('takes the last matching line of CODEOWNERS, as GitHub does', () => {
    const codeowners = '# generated\n* @platform\n/apps/menu/ @menu\n/apps/menu/ @menu @platform\n';

    expect(ownersOf(codeowners, 'apps/menu')).toEqual(['@menu', '@platform']);
    expect(ownersOf(codeowners, 'apps/orders')).toEqual(['@platform']);
  });
});
