import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedOf } from '@slice/contract-tests';
import { ordersContract } from '../src';

describe('the published orders contract', () => {
  it('matches the contract, so the breaking-change gate compares the right thing', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '../published/contract.json'), 'utf8'),
    );
    // On a failure: npx tsx tools/contract-runner/src/breaking-cli.ts orders --write, and commit the file.
    expect(committed).toEqual(JSON.parse(JSON.stringify(publishedOf(ordersContract))));
  });
});
