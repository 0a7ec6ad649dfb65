import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedOf } from '@slice/contract-tests';
import { kitchenContract } from '../src';

describe('the published kitchen contract', () => {
  it('matches the contract, so the breaking-change gate compares the right thing', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '../published/contract.json'), 'utf8'),
    );
    // On a failure: npx tsx tools/contract-runner/src/breaking-cli.ts kitchen --write, and commit the file.
    expect(committed).toEqual(JSON.parse(JSON.stringify(publishedOf(kitchenContract))));
  });
});
