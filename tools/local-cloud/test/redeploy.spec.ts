import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LocalModel } from '../src/assembly';
import { startLocalCloud, type LocalCloud } from '../src/cloud';
import type { FunctionSpec } from '../src/model';
import { planRedeploy } from '../src/redeploy';
import { formatSummary, localCloudUrl, NoLocalCloudError, redeploy } from '../src/redeploy-cli';
import { synthesizeService } from './service-fixture';

const repoRoot = resolve(__dirname, '../../..');

const get = async (cloud: LocalCloud, path: string) => {
  const response = await fetch(`${cloud.url}${path}`);
  return { status: response.status, body: (await response.json()) as { version?: string; pid?: number } };
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('redeploying one service into the running local cloud', () => {
  let root: string;
  let cloud: LocalCloud;
  const logs: string[] = [];
  const fnOf = (stack: string) => {
    const found = cloud.model.functions.find((fn) => fn.stackName === stack);
    if (!found) throw new Error(`no function in ${stack}`);
    return found;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'local-cloud-redeploy-'));
    synthesizeService(root, 'alpha', 'v1');
    synthesizeService(root, 'beta', 'v1');
    cloud = await startLocalCloud({ root, port: 0, log: (line) => logs.push(line) });
  }, 60_000);

  afterAll(async () => {
    await cloud?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('swaps the changed function, drains its request in flight and leaves the other service warm', async () => {
    const betaBefore = await get(cloud, '/beta');
    const betaPids = cloud.runtime
      .environments(fnOf('SliceBeta-dev').id)
      .map((environment) => environment.pid);
    const alphaBefore = await get(cloud, '/alpha');
    expect(alphaBefore.body.version).toBe('v1');

    // Arrange: a slow request of the old code in flight while the new code is deployed.
    const inFlight = get(cloud, '/alpha/slow');
    const alphaId = fnOf('SliceAlpha-dev').id;
    while (!cloud.runtime.environments(alphaId).some((environment) => environment.state === 'busy'))
      await new Promise((done) => setTimeout(done, 10));
    const oldPids = cloud.runtime.environments(alphaId).map((environment) => environment.pid);

    const summary = await cloud.redeploy(synthesizeService(root, 'alpha', 'v2', true));

    expect(summary.stacks).toEqual(['SliceAlpha-dev']);
    expect(summary.functions).toEqual({ added: [], changed: [alphaId], unchanged: [], removed: [] });
    expect(summary.tables.added).toEqual([expect.stringMatching(/^SliceAlpha-dev\/NewTable/)]);
    // The request in flight finished on the old code; it was not dropped.
    expect(await inFlight).toEqual({ status: 200, body: { version: 'v1', pid: expect.any(Number) } });
    const alphaAfter = await get(cloud, '/alpha');
    expect(alphaAfter.body.version).toBe('v2');
    expect(oldPids).not.toContain(alphaAfter.body.pid);
    await cloud.runtime.drained();
    expect(oldPids.filter(isAlive)).toEqual([]);

    // The other service kept its warm environment: same process, no new cold start.
    const betaAfter = await get(cloud, '/beta');
    expect(betaAfter.body.pid).toBe(betaBefore.body.pid);
    expect(
      cloud.runtime.environments(fnOf('SliceBeta-dev').id).map((environment) => environment.pid),
    ).toEqual(betaPids);
  }, 60_000);

  it('creates the new table, and the new code may write to it under its new policy', async () => {
    const response = await fetch(`${cloud.url}/alpha/table`);

    expect({ status: response.status, body: await response.text() }).toEqual({ status: 200, body: '{}' });
    expect(cloud.model.tables.map((table) => table.stackName)).toEqual(['SliceAlpha-dev']);
  });

  it('answers every request that arrives during the swap, from the old code or the new', async () => {
    const assembly = synthesizeService(root, 'alpha', 'v3', true);
    let swapping = true;
    const answers: Array<{ status: number; version?: string }> = [];
    const traffic = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (swapping) {
          const { status, body } = await get(cloud, '/alpha');
          answers.push({ status, ...(body.version === undefined ? {} : { version: body.version }) });
        }
      }),
    );

    await cloud.redeploy(assembly);
    swapping = false;
    await traffic;

    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(answers.filter((answer) => answer.version !== 'v2' && answer.version !== 'v3')).toEqual([]);
    expect((await get(cloud, '/alpha')).body.version).toBe('v3');
  }, 60_000);

  it('answers an unchanged redeploy with nothing changed and keeps the environments warm', async () => {
    const before = await get(cloud, '/alpha');

    const summary = await cloud.redeploy(join(root, 'dist/apps/alpha/cdk.out'));

    expect(summary.functions.changed).toEqual([]);
    expect(summary.functions.unchanged).toEqual([fnOf('SliceAlpha-dev').id]);
    expect(summary.tables.added).toEqual([]);
    expect((await get(cloud, '/alpha')).body.pid).toBe(before.body.pid);
  }, 30_000);

  it('serves POST /_local/redeploy to the CLI, and refuses an assembly outside dist/', async () => {
    const summary = await redeploy(cloud.url, join(root, 'dist/apps/beta/cdk.out'));
    expect(formatSummary('beta', summary)).toContain('Redeployed beta (SliceBeta-dev)');

    await expect(redeploy(cloud.url, repoRoot)).rejects.toThrow(
      /refused the redeploy \(422\): Only assemblies under .*dist can be redeployed/,
    );
    const plain = await fetch(`${cloud.url}/_local/redeploy`, { method: 'POST', body: '{"assembly":"x"}' });
    expect(plain.status).toBe(415);
  }, 30_000);
});

describe('the redeploy CLI', () => {
  const closedPort = async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    return port;
  };

  it('fails fast with a clear message when no local cloud answers', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(redeploy(url, '/nowhere')).rejects.toThrow(new NoLocalCloudError(url).message);
    expect(new NoLocalCloudError('http://localhost:3000').message).toBe(
      'No local Slice cloud answers at http://localhost:3000: start it with `npm start`, then run this again.',
    );
  });

  it('exits 1 with that message from the command line', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
        join(__dirname, '../src/redeploy-cli.ts'),
        '--project',
        'menu',
        '--assembly',
        'dist/apps/menu/cdk.out',
      ],
      { encoding: 'utf8', env: { ...process.env, SLICE_LOCAL_URL: url }, timeout: 20_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(new NoLocalCloudError(url).message);
  }, 30_000);

  it('finds the cloud at SLICE_LOCAL_URL, else at PORT, else at port 3000', () => {
    expect(localCloudUrl({ SLICE_LOCAL_URL: 'http://127.0.0.1:4000/' })).toBe('http://127.0.0.1:4000');
    expect(localCloudUrl({ PORT: '3001' })).toBe('http://localhost:3001');
    expect(localCloudUrl({})).toBe('http://localhost:3000');
  });
});

describe('planRedeploy', () => {
  const fn = (stackName: string, logicalId: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
    id: `${stackName}/${logicalId}`,
    stackName,
    logicalId,
    functionName: `${stackName}-${logicalId}`,
    arn: `arn:aws:lambda:eu-west-1:000000000000:function:${stackName}-${logicalId}`,
    handler: 'index.handler',
    codeDir: `/assets/${logicalId}`,
    runtime: 'nodejs24.x',
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
    roleArn: 'arn:aws:iam::000000000000:role/r',
    policy: [],
    ...overrides,
  });
  const model = (functions: FunctionSpec[]): LocalModel => ({
    accountId: '000000000000',
    region: 'eu-west-1',
    stacks: [],
    functions,
    tables: [],
    queues: [],
    restApis: [],
    parameters: new Map(),
    secrets: new Map(),
    routingRules: [],
    eventSourceMappings: [],
    permissions: [],
    warnings: [],
  });

  it('keeps a function whose only change is its policy, and lists the policy update', () => {
    const current = model([fn('A', 'Get')]);
    const next = model([
      fn('A', 'Get', { policy: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }] }),
    ]);

    const plan = planRedeploy(current, next, new Set(['A']));

    expect(plan.functions.unchanged).toEqual(['A/Get']);
    expect(plan.policies).toEqual(['A/Get']);
    expect(plan.model.functions[0]?.policy).toHaveLength(1);
  });

  it('changes a function whose code asset or environment changed, and adds and removes by id', () => {
    const current = model([fn('A', 'Get'), fn('A', 'Gone'), fn('B', 'List')]);
    const next = model([
      fn('A', 'Get', { codeDir: '/assets/new' }),
      fn('A', 'New'),
      fn('B', 'List', { memoryMb: 512 }),
    ]);

    const plan = planRedeploy(current, next, new Set(['A']));

    expect(plan.functions).toEqual({
      added: ['A/New'],
      changed: ['A/Get'],
      unchanged: [],
      removed: ['A/Gone'],
    });
    // Another stack's functions run as they ran, even when its assembly in dist/ changed meanwhile.
    expect(plan.model.functions.find((candidate) => candidate.stackName === 'B')?.memoryMb).toBe(128);
    expect(plan.model.functions.map((candidate) => candidate.id).sort()).toEqual([
      'A/Get',
      'A/New',
      'B/List',
    ]);
  });
});
