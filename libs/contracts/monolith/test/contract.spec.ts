import { toOpenApi } from '@slice/contract';
import { DailySales, monolithContract, Store, StoreDetails } from '../src';

describe('the monolith contract', () => {
  it('is the catch-all of the front door, stewarded by the legacy scope', () => {
    expect(monolithContract.service).toMatchObject({ name: 'monolith', team: 'legacy', basePath: '/' });
  });

  it('documents every route in OpenAPI with an operation id', () => {
    const document = toOpenApi(monolithContract);
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      Object.keys(monolithContract.routes).sort(),
    );
  });

  it('keeps stores public and the report and store changes for staff; the kitchen queue moved', () => {
    const auth = Object.fromEntries(
      Object.values(monolithContract.routes).map((r) => [r.operationId, r.auth]),
    );
    expect(auth).toEqual({
      listStores: 'public',
      getStore: 'public',
      putStore: 'staff',
      getDailySales: 'staff',
    });
  });

  it('gives every route at least one example for the contract suite', () => {
    for (const route of Object.values(monolithContract.routes))
      expect(route.examples.length).toBeGreaterThan(0);
  });
});

describe('Store', () => {
  const store = {
    id: 'utrecht-centrum',
    name: 'Slice Utrecht',
    address: { line1: 'Oudegracht 1', city: 'Utrecht', postcode: '3511AA', country: 'NL' },
    phone: '+31 30 123 4567',
    openingHours: { monday: { opens: '16:00', closes: '22:00' } },
    timeZone: 'Europe/Amsterdam',
  };

  it('accepts opening hours for some days only (the rest are closed)', () => {
    expect(Store.safeParse(store).success).toBe(true);
  });

  it('refuses an unknown day, a 25th hour and an unknown field', () => {
    expect(
      Store.safeParse({ ...store, openingHours: { funday: { opens: '10:00', closes: '11:00' } } }).success,
    ).toBe(false);
    expect(
      Store.safeParse({ ...store, openingHours: { monday: { opens: '25:00', closes: '26:00' } } }).success,
    ).toBe(false);
    expect(Store.safeParse({ ...store, manager: 'dana' }).success).toBe(false);
  });

  it('takes no id in the details staff send (it is the path)', () => {
    const { id: _id, ...details } = store;
    expect(StoreDetails.safeParse(details).success).toBe(true);
    expect(StoreDetails.safeParse(store).success).toBe(false);
  });
});

describe('DailySales', () => {
  it('carries money per currency in minor units, never floats', () => {
    const sales = {
      date: '2026-11-27',
      orderCount: 1,
      revenue: [{ amount: 18.5, currency: 'EUR' }],
      itemsSold: [],
    };
    expect(DailySales.safeParse(sales).success).toBe(false);
    expect(DailySales.safeParse({ ...sales, revenue: [{ amount: 1850, currency: 'EUR' }] }).success).toBe(
      true,
    );
  });
});
