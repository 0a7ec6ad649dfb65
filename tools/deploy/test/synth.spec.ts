import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, App, CfnResource, Stack } from 'aws-cdk-lib';
import { cdkAppOf } from '../src/synth/cdk-app';
import { runApp } from '../src/synth/run-app';
import { batchEndLine, heaviestFirst } from '../src/synth/workers';

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

  it('leaves out the built-in template validation only when asked, with the same template', () => {
    cdkJson();
    const app = cdkAppOf(workspace, 'apps/menu', home);
    const report = join(app.outdir, 'validation-report.json');
    const runs = [true, false].map((builtinValidation) => {
      rmSync(app.outdir, { recursive: true, force: true });
      const run = runApp(app, {
        stage: 'dev',
        builtinValidation,
        // A property S3 does not have: the built-in validation reports it (as a warning here).
        load: appWith(
          (stack) =>
            new CfnResource(stack, 'Bucket', { type: 'AWS::S3::Bucket', properties: { Colour: 'blue' } }),
        ),
      });
      const plugins = existsSync(report)
        ? (
            JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: { pluginName: string }[] }
          ).pluginReports.map((plugin) => plugin.pluginName)
        : [];
      const template = readFileSync(join(app.outdir, 'SliceMenu-dev.template.json'), 'utf8');
      return { ok: run.ok, plugins, template };
    });

    expect(runs[0]).toMatchObject({ ok: true, plugins: [expect.stringMatching(/CloudFormation/i)] });
    expect(runs[1]).toMatchObject({ ok: true, plugins: [] });
    expect(runs[1]?.template).toBe(runs[0]?.template);
    expect(process.env.CDK_VALIDATION).toBeUndefined();
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

describe('heaviestFirst', () => {
  it('orders jobs by the handler files each bundles, keeping Nx order among equals', () => {
    // Prepare: two handlers in orders (a test beside them does not count), one in menu, none in infra.
    for (const [project, files] of Object.entries({
      'apps/orders': ['place-order.ts', 'get-order.ts', 'get-order.spec.ts'],
      'apps/menu': ['list-menu.ts'],
    })) {
      mkdirSync(join(workspace, project, 'src/handlers'), { recursive: true });
      for (const file of files) writeFileSync(join(workspace, project, 'src/handlers', file), '');
    }
    const job = (project: string, projectRoot: string) => ({
      id: `${project}:synth`,
      project,
      projectRoot,
      stage: 'dev',
    });
    const jobs = [
      job('infra', 'infra'),
      job('front-door', 'infra/front-door'),
      job('menu', 'apps/menu'),
      job('orders', 'apps/orders'),
    ];

    // Act
    const ordered = heaviestFirst(workspace, jobs).map((each) => each.project);

    // Assess
    expect(ordered).toEqual(['orders', 'menu', 'infra', 'front-door']);
  });
});

describe('batchEndLine', () => {
  it('says whether every app synthesized, naming the tasks that failed', () => {
    expect(batchEndLine(8, 2, '8.4', [])).toBe('Ran 8 CDK apps in 2 processes in 8.4 s, none failed');
    expect(batchEndLine(8, 2, '8.4', ['menu:synth:local', 'orders:synth:local'])).toBe(
      'Ran 8 CDK apps in 2 processes in 8.4 s; failed: menu:synth:local, orders:synth:local',
    );
    expect(batchEndLine(1, 1, '2.1', [])).toBe('Ran 1 CDK app in 1 process in 2.1 s, none failed');
  });
});
