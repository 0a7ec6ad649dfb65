import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, App, Stack } from 'aws-cdk-lib';
import { cdkAppOf } from '../src/synth/cdk-app';
import { runApp } from '../src/synth/run-app';

let workspace: string;
let home: string;
beforeEach(() => {
  workspace = realpathSync(mkdtempSync(join(tmpdir(), 'slice-synth-')));
  home = join(workspace, 'home');
  mkdirSync(join(workspace, 'apps/menu'), { recursive: true });
  mkdirSync(home);
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

const write = (path: string, value: unknown) => writeFileSync(join(workspace, path), JSON.stringify(value));
const cdkJson = (extra: Record<string, unknown> = {}) =>
  write('apps/menu/cdk.json', {
    app: 'npx tsx cdk/main.ts',
    output: '../../dist/apps/menu/cdk.out',
    versionReporting: false,
    ...extra,
  });

describe('cdkAppOf', () => {
  it('runs the app cdk.json names, into its output folder, from the project folder', () => {
    cdkJson();

    const app = cdkAppOf(workspace, 'apps/menu', home);

    expect(app.projectDir).toBe(join(workspace, 'apps/menu'));
    expect(app.entry).toBe(join(workspace, 'apps/menu/cdk/main.ts'));
    expect(app.outdir).toBe(join(workspace, 'dist/apps/menu/cdk.out'));
  });

  it('hands the app the context the CDK CLI would: its settings, then cdk.json over cdk.context.json over ~/.cdk.json', () => {
    cdkJson({ context: { flag: 'project', projectOnly: 1 } });
    write('apps/menu/cdk.context.json', { flag: 'cached lookup', lookup: 'vpc-1' });
    write('home/.cdk.json', { context: { flag: 'user', userOnly: true } });

    const { context } = cdkAppOf(workspace, 'apps/menu', home);

    expect(context).toEqual({
      flag: 'project',
      projectOnly: 1,
      lookup: 'vpc-1',
      userOnly: true,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:disable-version-reporting': true,
      'aws:cdk:bundling-stacks': ['**'],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
    });
  });

  it('refuses an app it cannot run in process', () => {
    cdkJson({ app: 'python3 app.py' });

    expect(() => cdkAppOf(workspace, 'apps/menu', home)).toThrow(/"app" must be "npx tsx <file>.ts"/);
    expect(() => cdkAppOf(workspace, 'apps/orders', home)).toThrow(/apps\/orders has no cdk.json/);
  });
});

describe('runApp', () => {
  /** An app as a `cdk/main.ts` is: `new App()` reads what the runner put in the environment. */
  const appWith = (build: (stack: Stack) => void) => () => {
    const app = new App();
    const stack = new Stack(app, `SliceMenu-${process.env.SLICE_STAGE}`);
    build(stack);
    app.synth();
  };

  it('synthesizes into the output folder with the stage, and puts back the environment and folder', () => {
    cdkJson();
    const app = cdkAppOf(workspace, 'apps/menu', home);
    const cwd = process.cwd();
    let seen: { cwd: string; bundling: unknown } | undefined;

    const run = runApp(app, {
      stage: 'prod',
      load: appWith((stack) => {
        seen = { cwd: process.cwd(), bundling: stack.node.tryGetContext('aws:cdk:bundling-stacks') };
      }),
    });

    expect(run).toMatchObject({ ok: true, problems: [] });
    expect(seen).toEqual({ cwd: app.projectDir, bundling: ['**'] });
    expect(JSON.parse(readFileSync(join(app.outdir, 'manifest.json'), 'utf8'))).toMatchObject({
      artifacts: { 'SliceMenu-prod': { type: 'aws:cloudformation:stack' } },
    });
    expect(process.cwd()).toBe(cwd);
    expect(process.env.CDK_OUTDIR).toBeUndefined();
    expect(process.env.SLICE_STAGE).toBeUndefined();
  });

  it('fails on an error annotation, as cdk synth does, naming it', () => {
    cdkJson();

    const run = runApp(cdkAppOf(workspace, 'apps/menu', home), {
      stage: 'dev',
      load: appWith((stack) => Annotations.of(stack).addError('the table has no key')),
    });

    expect(run.ok).toBe(false);
    expect(run.problems.join('\n')).toMatch(/SliceMenu-dev.*the table has no key/);
  });

  it('fails when the app throws, with its error', () => {
    cdkJson();

    const run = runApp(cdkAppOf(workspace, 'apps/menu', home), {
      stage: 'dev',
      load: () => {
        throw new Error('ServiceFunction PlaceOrder: entry /x.ts does not exist.');
      },
    });

    expect(run.ok).toBe(false);
    expect(run.problems[0]).toMatch(/cdk\/main.ts did not synthesize \(stage dev\)/);
    expect(run.problems.join('\n')).toMatch(/entry \/x.ts does not exist/);
  });
});
