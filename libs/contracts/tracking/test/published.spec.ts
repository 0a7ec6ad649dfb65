import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSocketOf } from '@slice/contract-tests';
import { trackingContract } from '../src';

describe('the published tracking contract', () => {
  it('matches the contract, so the breaking-change gate compares the right thing', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '../published/contract.json'), 'utf8'),
    );
    // On a failure: npx tsx tools/contract-runner/src/breaking-cli.ts tracking --write, and commit the file.
    expect(committed).toEqual(JSON.parse(JSON.stringify(publishedSocketOf(trackingContract))));
  });
});
