import { contractAtMove, expectationsOn, monolithContracts, serviceContract } from '../src/services';

describe('the contracts the monolith is held to', () => {
  it("leave out a route a service added after its move, with its fixture and its consumers' expectations", () => {
    const full = serviceContract('menu');
    const atMove = contractAtMove('menu');

    expect(monolithContracts.menu?.addedAfterMove).toEqual(['batchGetMenuItems']);
    expect(Object.keys(full.contract.routes)).toContain('batchGetMenuItems');
    expect(Object.keys(atMove.contract.routes)).toEqual(
      Object.keys(full.contract.routes).filter((id) => id !== 'batchGetMenuItems'),
    );
    expect(Object.keys(atMove.fixtures)).not.toContain('batchGetMenuItems');
    expect(expectationsOn(full.contract).map((each) => each.operationId)).toContain('batchGetMenuItems');
    expect(expectationsOn(atMove.contract).map((each) => each.operationId)).not.toContain(
      'batchGetMenuItems',
    );
  });

  it('keep every route of a service that added none', () => {
    expect(contractAtMove('orders').contract.routes).toEqual(serviceContract('orders').contract.routes);
  });
});
