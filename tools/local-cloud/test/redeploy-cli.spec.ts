import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

describe('the local deploy command', () => {
  it('sends nothing on --dry-run, even with no local cloud running, and exits 0', () => {
    // Port 9 (discard) has no local cloud: a real redeploy would fail with NoLocalCloudError.
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/tsx/dist/cli.mjs'),
        join(root, 'tools/local-cloud/src/redeploy-cli.ts'),
        '--project',
        'menu',
        '--assembly',
        'dist/apps/menu/cdk.out',
        '--dry-run',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, SLICE_LOCAL_URL: 'http://127.0.0.1:9' } },
    );

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Dry run: would redeploy menu');
    expect(run.stdout).toContain('nothing sent');
  });

  it('fails with a clear message when no local cloud answers and it is not a dry run', () => {
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/tsx/dist/cli.mjs'),
        join(root, 'tools/local-cloud/src/redeploy-cli.ts'),
        '--assembly',
        'dist/apps/menu/cdk.out',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, SLICE_LOCAL_URL: 'http://127.0.0.1:9' } },
    );

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('No local Slice cloud answers at http://127.0.0.1:9');
  });
});
