import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const cli = join(__dirname, '../src/parity-cli.ts');
const tsx = join(__dirname, '../../../node_modules/tsx/dist/cli.mjs');

/** Runs the CLI as `npm run parity` does; neither case starts a cloud. */
const parity = (...args: string[]) =>
  spawnSync(process.execPath, [tsx, cli, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('npm run parity', () => {
  it('says the monolith no longer serves a service whose code left it, and compares nothing', () => {
    const run = parity('kitchen');

    expect(run.status).toBe(2);
    expect(run.stderr).toContain("the monolith no longer serves kitchen's");
    expect(run.stderr).toContain('Services it still serves: menu, orders');
  });

  it('names the known services for an unknown one', () => {
    const run = parity('billing');

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/No contract for "billing"; known: .*kitchen/);
  });
});
