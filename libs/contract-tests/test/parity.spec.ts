import { defaultParityRules, differences, formatParity, normalize, runParity } from '../src/parity';
import { fakeShop } from './fakes';
import { shopContract, shopFixtures } from './sample-contract';

describe('parity between a service and the monolith', () => {
  it('finds no difference between two providers that behave alike, generated ids and timestamps aside', async () => {
    const report = await runParity({
      contract: shopContract,
      fixtures: shopFixtures,
      service: await fakeShop({}, 'service'),
      monolith: await fakeShop({}, 'monolith'),
    });
    expect(report.differences).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.scenarios.length).toBeGreaterThan(8);
  });

  it('reports a deliberate difference in a body field, with both values', async () => {
    const report = await runParity({
      contract: shopContract,
      fixtures: shopFixtures,
      service: await fakeShop({}, 'service'),
      monolith: await fakeShop({ lineName: 'Pizza Margherita' }, 'monolith'),
    });
    expect(report.passed).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        {
          operationId: 'placeOrder',
          scenario: 'a valid request',
          where: 'body.lines.0.name',
          service: 'Margherita',
          monolith: 'Pizza Margherita',
        },
      ]),
    );
    expect(formatParity(report)).toContain(
      'body.lines.0.name: service "Margherita" ≠ monolith "Pizza Margherita"',
    );
  });

  it('reports a difference in status', async () => {
    const report = await runParity({
      contract: shopContract,
      fixtures: shopFixtures,
      service: await fakeShop({}, 'service'),
      monolith: await fakeShop({ skipCreateValidation: true }, 'monolith'),
    });
    expect(report.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          operationId: 'createItem',
          scenario: 'an undeclared body field',
          where: 'status',
          service: 400,
          monolith: 201,
        }),
      ]),
    );
  });
});

describe('the declared parity rules', () => {
  it('ignore uuids and timestamps anywhere and per-request problem fields, nothing else', () => {
    const value = {
      id: '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10',
      placedAt: '2026-11-27T12:00:00.000Z',
      correlationId: 'abc',
      name: 'Margherita',
      lines: [{ itemId: 'margherita', quantity: 2 }],
    };
    expect(normalize(value, defaultParityRules)).toEqual({
      id: '<uuid>',
      placedAt: '<timestamp>',
      correlationId: '<any>',
      name: 'Margherita',
      lines: [{ itemId: 'margherita', quantity: 2 }],
    });
  });

  it('list each differing path once', () => {
    expect(differences({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] }, d: true })).toEqual([
      { path: 'body.b.c.1', service: 2, monolith: 3 },
      { path: 'body.d', service: undefined, monolith: true },
    ]);
  });
});
