import { toOpenApi } from '@slice/contract';
import { menuContract, MenuItemUpdate } from '../src';

describe('the menu contract', () => {
  it('lives under its base path and names its owning team', () => {
    expect(menuContract.service).toMatchObject({ name: 'menu', team: 'menu', basePath: '/menu' });
  });

  it('documents every route in OpenAPI with an operation id', () => {
    const document = toOpenApi(menuContract);
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      Object.keys(menuContract.routes).sort(),
    );
  });
});

describe('MenuItemUpdate', () => {
  const update = {
    name: 'Margherita',
    description: '',
    category: 'pizza',
    price: { amount: 950, currency: 'EUR' },
    available: true,
  };

  it('needs the version that was read', () => {
    expect(MenuItemUpdate.safeParse(update).success).toBe(false);
    expect(MenuItemUpdate.safeParse({ ...update, version: 3 }).success).toBe(true);
  });

  it('refuses a float price and an id in the body', () => {
    expect(
      MenuItemUpdate.safeParse({ ...update, version: 1, price: { amount: 9.5, currency: 'EUR' } }).success,
    ).toBe(false);
    expect(MenuItemUpdate.safeParse({ ...update, version: 1, id: 'other' }).success).toBe(false);
  });
});
