// A stack test synthesizes with the feature flags its deployable deploys with: the context of the
// nearest cdk.json above the test file, handed to every `new App()` the way the CDK CLI hands it
// (CDK_CONTEXT_JSON). A test's own `new App({ context })` still adds to it. Jest reuses a worker's
// process.env across test files, so a file with no cdk.json above it clears what the last one set.
/* global expect */
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const workspaceRoot = join(__dirname, '../..');

function nearestCdkJson(from) {
  for (let dir = from; dir.startsWith(workspaceRoot) && dir !== workspaceRoot; dir = dirname(dir)) {
    if (existsSync(join(dir, 'cdk.json'))) return join(dir, 'cdk.json');
  }
  return undefined;
}

const cdkJson = nearestCdkJson(dirname(expect.getState().testPath));
if (cdkJson) {
  process.env.CDK_CONTEXT_JSON = JSON.stringify(JSON.parse(readFileSync(cdkJson, 'utf8')).context ?? {});
} else {
  delete process.env.CDK_CONTEXT_JSON;
}
