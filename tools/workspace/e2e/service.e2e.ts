/**
 * The generators the way a team runs them: in a throw-away copy of the workspace, generate a
 * service with every option, run its targets in one Nx process, start the platform and call the
 * service's first route through the local domain. `nx run workspace:e2e`; part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLocalCloud, type LocalCloud } from '@slice/local-cloud';
import { createSandbox } from './sandbox';

const root = resolve(__dirname, '../../..');
const service = 'demo';
const options = ['--team', 'menu', '--route', '--queue', '--workflow', '--schedule', '--websocket'];
const timings: string[] = [];
let sandbox: ReturnType<typeof createSandbox>;
let cloud: LocalCloud | undefined;

/** The environment of a nested Nx: none of the outer run's NX_* settings (its workspace root, its task). */
const nestedEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NX_'))),
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  NX_INTERACTIVE: 'false',
  NX_NO_CLOUD: 'true',
  CI: 'true',
});

/** Runs a command in the sandbox; answers its exit code and output, and records how long it took. */
function run(label: string, args: string[]): Promise<{ code: number; output: string }> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn('npx', args, { cwd: sandbox.root, env: nestedEnv() });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      timings.push(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      done({ code: code ?? 1, output });
    });
  });
}

const tail = (output: string) => output.split('\n').slice(-60).join('\n');
const digest = (paths: string[]) =>
  paths.map((path) =>
    createHash('sha256')
      .update(readFileSync(join(sandbox.root, path)))
      .digest('hex'),
  );

beforeAll(() => {
  const started = performance.now();
  sandbox = createSandbox(root);
  timings.push(`copy: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  await cloud?.stop();
  sandbox?.remove();
  console.log(`Generated service end to end:\n  ${timings.join('\n  ')}`);
});

describe('a service generated with every option', () => {
  it('is generated without a prompt or an edit', async () => {
    const generated = await run('generate', ['nx', 'g', '@slice/workspace:service', service, ...options]);

    expect({ code: generated.code, output: tail(generated.output) }).toMatchObject({ code: 0 });
    expect(readFileSync(join(sandbox.root, 'infra/front-door/src/routing.ts'), 'utf8')).toContain(
      `{ service: '${service}', team: 'menu', basePaths: ['${service}']`,
    );
  }, 300_000);

  it('is refused a second time, and nothing is written', async () => {
    const watched = [
      'infra/front-door/src/routing.ts',
      '.github/CODEOWNERS',
      'tsconfig.base.json',
      `apps/${service}/cdk/${service}-stack.ts`,
    ];
    const before = digest(watched);

    const again = await run('generate again', ['nx', 'g', '@slice/workspace:service', service, ...options]);

    expect(again.code).not.toBe(0);
    expect(again.output).toContain(`A service named "${service}" exists already`);
    expect(digest(watched)).toEqual(before);
  }, 300_000);

  it('gains a route with the route generator, its function derived by the stack', async () => {
    const added = await run('generate a route', [
      'nx',
      'g',
      '@slice/workspace:route',
      service,
      'renameDemoItem',
      '--method',
      'PUT',
      '--path',
      `/${service}/items/{itemId}/name`,
      '--auth',
      'staff',
    ]);

    expect({ code: added.code, output: added.code === 0 ? '' : tail(added.output) }).toEqual({
      code: 0,
      output: '',
    });
    expect(readFileSync(join(sandbox.root, `libs/contracts/${service}/src/index.ts`), 'utf8')).toContain(
      "operationId: 'renameDemoItem'",
    );
  }, 300_000);

  it('passes lint, typecheck, test, synth, validate, contract and contract-gate', async () => {
    const targets = await run('targets', [
      'nx',
      'run-many',
      '-t',
      'lint,typecheck,test,synth,validate,contract,contract-gate',
      '-p',
      service,
      `contracts-${service}`,
      '--parallel=2',
      '--outputStyle=static',
    ]);

    expect({ code: targets.code, output: targets.code === 0 ? '' : tail(targets.output) }).toEqual({
      code: 0,
      output: '',
    });
  }, 900_000);

  it('answers its first route through the local domain, with its own 404 and 400', async () => {
    const started = performance.now();
    cloud = await startLocalCloud({ root: sandbox.root, port: 0, log: () => undefined });
    timings.push(`local cloud start: ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const missing = await fetch(`${cloud.url}/${service}/items/no-such-item`);
    const invalid = await fetch(`${cloud.url}/${service}/items/NOT_A_SLUG`);

    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    // The service's own error class, so the front door routed to it and its function read its table.
    expect(await missing.json()).toMatchObject({ status: 404, detail: 'There is no item no-such-item.' });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(await invalid.json())).toContain('itemId');
  }, 120_000);

  it('serves the generated route to staff only, from its own function', async () => {
    const path = `${cloud?.url ?? ''}/${service}/items/first-item/name`;
    const init = {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"Renamed"}',
    };
    const token = await cloud?.token({ sub: 'e2e-staff', groups: ['staff'] });

    const anonymous = await fetch(path, init);
    const staff = await fetch(path, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${token ?? ''}` },
    });

    expect(anonymous.status).toBe(401);
    expect(staff.status).toBe(200);
    expect(await staff.json()).toMatchObject({ id: 'first-item' });
  }, 60_000);
});
