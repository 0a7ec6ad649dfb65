import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ServiceFunction } from '../src';
import { fixtureEntry, pizzasStack } from './support';

const repoLockFile = join(__dirname, '../../../package-lock.json');

/** The directory of a function's bundled code in the cloud assembly (`asset.<hash>`). */
function bundleOf(app: App, stack: Stack, fn: ServiceFunction): string {
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as {
    Resources: Record<string, { Properties: { Code?: { S3Key?: string } } }>;
  };
  const logicalId = stack.resolve(stack.getLogicalId(fn.node.defaultChild as never)) as string;
  const key = template.Resources[logicalId]?.Properties.Code?.S3Key;
  if (!key) throw new Error(`No code asset for ${logicalId}`);
  return join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
}

describe('ServiceFunction', () => {
  let app: App;
  let stack: Stack;
  let template: Template;
  let defaults: ServiceFunction;
  let tuned: ServiceFunction;
  let sdk: ServiceFunction;

  beforeAll(() => {
    ({ app, stack } = pizzasStack('prod', { bundle: true }));
    defaults = new ServiceFunction(stack, 'Defaults', { entry: fixtureEntry });
    tuned = new ServiceFunction(stack, 'Tuned', {
      entry: fixtureEntry,
      timeout: Duration.seconds(25),
      memorySize: 1024,
      logRetention: logs.RetentionDays.ONE_WEEK,
      logLevel: 'DEBUG',
      environment: { TABLE_NAME: 'orders' },
    });
    sdk = new ServiceFunction(stack, 'Sdk', { entry: join(__dirname, 'fixtures/sdk-handler.ts') });
    template = Template.fromStack(stack);
  }, 60_000);

  it('runs Node.js 24 on arm64 with X-Ray tracing', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
    });
  });

  it('writes an explicit timeout and memory size on every function', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));

    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      expect(fn.Properties.Timeout).toEqual(expect.any(Number));
      expect(fn.Properties.MemorySize).toEqual(expect.any(Number));
    }
    expect(stack.resolve((defaults.node.defaultChild as never as { timeout: number }).timeout)).toBe(10);
  });

  it('defaults to 10 seconds and 512 MB, and keeps what the props say', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 10,
      MemorySize: 512,
      LoggingConfig: { LogGroup: { Ref: stack.getLogicalId(defaults.logGroup.node.defaultChild as never) } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 25,
      MemorySize: 1024,
      LoggingConfig: { LogGroup: { Ref: stack.getLogicalId(tuned.logGroup.node.defaultChild as never) } },
    });
  });

  it('sets the environment the shared middleware reads, with the caller’s on top', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'pizzas',
          POWERTOOLS_METRICS_NAMESPACE: 'Slice',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
          SLICE_STAGE: 'prod',
          TABLE_NAME: 'orders',
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'INFO' }) },
    });
  });

  it('logs to its own log group, kept a month by default and retained outside development', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    expect(template.findResources('Custom::LogRetention')).toEqual({});
  });

  it('destroys its log group with a development stack', () => {
    const dev = pizzasStack('dev');
    new ServiceFunction(dev.stack, 'Fn', { entry: fixtureEntry });

    Template.fromStack(dev.stack).hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  it('bundles one minified ESM file with a require shim and a source map', () => {
    const directory = bundleOf(app, stack, defaults);
    const code = readFileSync(join(directory, 'index.mjs'), 'utf8');

    expect(
      code.startsWith(
        "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      ),
    ).toBe(true);
    expect(code).toMatch(/export\s*\{/);
    expect(code.split('\n').length).toBeLessThan(5);
    expect(existsSync(join(directory, 'index.mjs.map'))).toBe(true);
  });

  it('bundles the AWS SDK instead of relying on the runtime’s copy', () => {
    const code = readFileSync(join(bundleOf(app, stack, sdk), 'index.mjs'), 'utf8');

    // Booleans, not the code: a failure would otherwise print the whole bundle.
    expect(code.includes('"AmazonSSM"')).toBe(true);
    // An external SDK would stay behind as an import of a module specifier.
    expect(
      /(\bfrom|\bimport\(|\brequire\()\s*["']@(aws-sdk|smithy)\/(client|core|smithy-client)/.test(code),
    ).toBe(false);
  });

  it('keeps class and function names in the minified bundle, for stack traces and error names', () => {
    const code = readFileSync(join(bundleOf(app, stack, sdk), 'index.mjs'), 'utf8');

    // esbuild's keepNames: a static block that names the class, whatever its minified identifier.
    expect(/\(this,\s*"SSMClient"\)/.test(code)).toBe(true);
  });

  it('finds the repository lock file by walking up from the entry', () => {
    expect(ServiceFunction.findLockFile(join(__dirname, 'fixtures'))).toBe(repoLockFile);
    expect(() => ServiceFunction.findLockFile('/')).toThrow(/No package-lock.json/);
  });

  it('refuses an entry that does not exist', () => {
    const { stack: other } = pizzasStack('dev');

    expect(
      () => new ServiceFunction(other, 'Missing', { entry: join(__dirname, 'fixtures/missing.ts') }),
    ).toThrow(/entry .*missing\.ts does not exist/);
  });

  it('needs a stage and service when it is not inside a ServiceStack', () => {
    const plain = new Stack(new App(), 'Plain');

    expect(() => new ServiceFunction(plain, 'Fn', { entry: fixtureEntry })).toThrow(
      /cannot tell the serviceName/,
    );
    const fn = new ServiceFunction(plain, 'Named', {
      entry: fixtureEntry,
      stage: 'dev',
      serviceName: 'tools',
    });
    expect(fn.stage).toBe('dev');
  });
});
