import { defineContract, defineEvent, defineRoute, type Route } from '@slice/contract';
import * as z from 'zod';
import { compareContracts, formatComparison, publishedOf } from '../src/breaking';

const Pizza = z.strictObject({
  id: z.string(),
  name: z.string(),
  size: z.enum(['S', 'M', 'L']),
  price: z.number().int(),
  note: z.string().optional(),
});
const NewPizza = z.strictObject({
  name: z.string().max(80),
  size: z.enum(['S', 'M', 'L']),
  note: z.string().optional(),
});

interface Shape {
  readonly version?: string;
  readonly pizza?: z.ZodObject;
  readonly newPizza?: z.ZodObject;
  readonly createStatus?: 201 | 200;
  readonly withList?: boolean;
  readonly event?: z.ZodObject;
}

function contractOf(shape: Shape = {}) {
  const pizza = shape.pizza ?? Pizza;
  const routes: Record<string, Route> = {
    getPizza: defineRoute({
      method: 'GET',
      path: '/pizzas/{pizzaId}',
      operationId: 'getPizza',
      summary: 'One pizza',
      auth: 'public',
      request: { path: z.strictObject({ pizzaId: z.string() }) },
      status: 200,
      response: pizza,
      errors: { 404: 'No such pizza.' },
    }),
    createPizza: defineRoute({
      method: 'POST',
      path: '/pizzas',
      operationId: 'createPizza',
      summary: 'Add a pizza',
      auth: 'staff',
      request: { body: shape.newPizza ?? NewPizza },
      status: shape.createStatus ?? 201,
      response: pizza,
    }),
  };
  if (shape.withList !== false) {
    routes.listPizzas = defineRoute({
      method: 'GET',
      path: '/pizzas',
      operationId: 'listPizzas',
      summary: 'Every pizza',
      auth: 'public',
      status: 200,
      response: z.strictObject({ items: z.array(pizza) }),
    });
  }
  return publishedOf(
    defineContract({
      service: {
        name: 'pizzas',
        team: 'menu',
        basePath: '/pizzas',
        version: shape.version ?? '1.0.0',
        title: 'Pizzas',
        description: 'Pizzas.',
      },
      routes,
      events: {
        PizzaAdded: defineEvent({
          source: 'slice.pizzas',
          detailType: 'PizzaAdded',
          version: 1,
          description: 'A pizza was added.',
          entity: { pizza: shape.event ?? pizza },
        }),
      },
    }),
  );
}

const breaksOf = (after: Shape) =>
  compareContracts(contractOf(), contractOf(after)).breaks.map(({ where, change }) => `${where}: ${change}`);

describe('the breaking-change comparison', () => {
  it('passes an unchanged contract', () => {
    const comparison = compareContracts(contractOf(), contractOf());
    expect(comparison).toMatchObject({ breaks: [], passed: true });
    expect(formatComparison(comparison)).toContain('no breaking change');
  });

  it('passes additions: a new optional request field, a new route, a new response field', () => {
    const before = contractOf({ withList: false });
    const after = contractOf({
      newPizza: NewPizza.extend({ spicy: z.boolean().optional() }),
      pizza: Pizza.extend({ spicy: z.boolean() }),
    });
    expect(compareContracts(before, after).breaks).toEqual([]);
  });

  it('reports a removed route', () => {
    expect(breaksOf({ withList: false })).toEqual(['GET /pizzas: route removed']);
  });

  it('reports a removed response field, in routes and events', () => {
    const breaks = breaksOf({ pizza: Pizza.omit({ price: true }) });
    expect(breaks).toEqual(
      expect.arrayContaining([
        'GET /pizzas/{pizzaId} response 200 body.price: field removed',
        'GET /pizzas response 200 body.items[].price: field removed',
        'event PizzaAdded detail.pizza.price: field removed',
      ]),
    );
  });

  it('reports a response field that became optional', () => {
    expect(breaksOf({ pizza: Pizza.extend({ name: z.string().optional() }) })).toContain(
      'GET /pizzas/{pizzaId} response 200 body.name: field no longer always present',
    );
  });

  it('reports a newly required request field', () => {
    expect(breaksOf({ newPizza: NewPizza.extend({ note: z.string() }) })).toEqual([
      'POST /pizzas body.note: newly required request field',
    ]);
  });

  it('reports a narrowed request enum, type and bound', () => {
    const breaks = breaksOf({
      newPizza: NewPizza.extend({
        size: z.enum(['M', 'L']),
        name: z.string().max(40),
        note: z.number().optional(),
      }),
    });
    expect(breaks).toEqual(
      expect.arrayContaining([
        'POST /pizzas body.size: enum narrowed: S no longer accepted',
        'POST /pizzas body.name: maxLength lowered from 80 to 40',
        'POST /pizzas body.note: type narrowed from string to number',
      ]),
    );
  });

  it('reports a response enum that gained a value', () => {
    expect(breaksOf({ pizza: Pizza.extend({ size: z.enum(['S', 'M', 'L', 'XL']) }) })).toContain(
      'GET /pizzas/{pizzaId} response 200 body.size: enum widened: XL may now be answered',
    );
  });

  it('reports a changed success status', () => {
    expect(breaksOf({ createStatus: 200 })).toEqual(['POST /pizzas: success status changed from 201 to 200']);
  });

  it('allows breaks when the major version is raised, and still lists them', () => {
    const comparison = compareContracts(contractOf(), contractOf({ version: '2.0.0', withList: false }));
    expect(comparison).toMatchObject({
      majorRaised: true,
      passed: true,
      breaks: [{ where: 'GET /pizzas', change: 'route removed' }],
    });
    expect(formatComparison(comparison)).toContain('allowed by the new major version');
  });

  it('fails breaks under a minor version bump, naming the way out', () => {
    const comparison = compareContracts(contractOf(), contractOf({ version: '1.1.0', withList: false }));
    expect(comparison.passed).toBe(false);
    expect(formatComparison(comparison)).toContain('raise the major version');
  });
});
