import { toOpenApi } from '@slice/contract';
import { ordersContract, PlaceOrderRequest } from '../src';

describe('the orders contract', () => {
  it('lives under its base path and names its owning team', () => {
    expect(ordersContract.service).toMatchObject({ name: 'orders', team: 'orders', basePath: '/orders' });
  });

  it('documents every route in OpenAPI with an operation id', () => {
    const document = toOpenApi(ordersContract);
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      Object.keys(ordersContract.routes).sort(),
    );
  });
});

describe('PlaceOrderRequest', () => {
  const address = { name: 'A', line1: '1 Oven Street', city: 'Utrecht', postcode: '3511AA', country: 'NL' };

  it('accepts items and an address', () => {
    expect(
      PlaceOrderRequest.safeParse({
        items: [{ itemId: 'margherita', quantity: 1 }],
        deliveryAddress: address,
      }).success,
    ).toBe(true);
  });

  it.each([
    ['customerId', { customerId: 'bob' }],
    ['status', { status: 'CANCELLED' }],
    ['total', { total: { amount: 1, currency: 'EUR' } }],
  ])('refuses a client-sent %s', (_field, extra) => {
    const result = PlaceOrderRequest.safeParse({
      items: [{ itemId: 'margherita', quantity: 1 }],
      deliveryAddress: address,
      ...extra,
    });
    expect(result.success).toBe(false);
  });

  it('refuses a price on a line, an empty order and absurd quantities', () => {
    const parse = (items: unknown[]) =>
      PlaceOrderRequest.safeParse({ items, deliveryAddress: address }).success;
    expect(parse([{ itemId: 'margherita', quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }])).toBe(
      false,
    );
    expect(parse([])).toBe(false);
    expect(parse([{ itemId: 'margherita', quantity: 0 }])).toBe(false);
    expect(parse([{ itemId: 'margherita', quantity: 21 }])).toBe(false);
  });
});
