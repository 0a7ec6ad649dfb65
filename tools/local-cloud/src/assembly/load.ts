import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { tableInputFromTemplate } from '@slice/testing';
import type {
  AsyncInvokeConfigSpec,
  EventBusSpec,
  EventRuleSpec,
  EventRuleTargetSpec,
  EventSourceMappingSpec,
  FunctionSpec,
  LambdaPermissionSpec,
  LocalModel,
  QueueSpec,
  RoutingRuleSpec,
  StackSpec,
  TableSpec,
  Template,
} from '../model';
import { RolePolicies } from './iam';
import { messagingOf } from './messaging';
import { InvalidScheduleExpressionError, parseScheduleExpression } from '../services/scheduler/expressions';
import { restApisOf } from './rest-api';
import { webSocketApisOf } from './websocket-api';
import { signInOf, staticSitesOf } from './static-sites';
import { stateMachineOf } from './state-machines';
import { type ResolutionProblem, Resolver, UnresolvableError } from './resolve';
import { isRecord } from '../json';

/** What {@link loadAssemblies} loads the cloud assemblies with. */
export interface LoadAssembliesOptions {
  /** The account of every ARN. The local cloud uses `000000000000`. */
  readonly accountId: string;
  /**
   * The region of stacks synthesized without one (environment-agnostic), and the model's default
   * region. A stack synthesized for a region keeps it: its template hard-codes it in ARNs.
   * @default the region of the first stack that has one, else 'us-east-1'
   */
  readonly region?: string;
  /**
   * SSM parameter values the local cloud provides: the platform's (`/slice/dev/platform/api-url` →
   * `http://localhost:3000`), standing in for stacks that are not loaded. They win over a parameter
   * of the same name that a loaded stack defines.
   */
  readonly ssm: ReadonlyMap<string, string>;
}

interface ManifestArtifact {
  readonly type?: string;
  readonly environment?: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly file?: string;
    readonly directoryName?: string;
  };
}

interface AssetSource {
  readonly path: string;
  readonly packaging: string;
}

interface LoadedStack extends StackSpec {
  /** Asset hash (and `<hash>.zip` object key) → source, from the assembly's asset manifests. */
  readonly assets: ReadonlyMap<string, AssetSource>;
}

/** Priorities of rules the loader adds after the template's routing rules. */
const mappingPriority = 1_000_001;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

function readStacks(directory: string): (Omit<LoadedStack, 'region'> & { envRegion?: string })[] {
  const assemblyDir = resolvePath(directory);
  const manifestPath = join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(
      `${assemblyDir} is not a cloud assembly (it has no manifest.json): synthesize the service first (npx nx run <service>:synth).`,
    );
  }
  const manifest = readJson(manifestPath);
  const artifacts = (
    isRecord(manifest) && isRecord(manifest['artifacts']) ? manifest['artifacts'] : {}
  ) as Record<string, ManifestArtifact>;

  const assets = new Map<string, AssetSource>();
  for (const artifact of Object.values(artifacts)) {
    if (artifact.type !== 'cdk:asset-manifest' || artifact.properties?.file === undefined) continue;
    const assetManifest = readJson(join(assemblyDir, artifact.properties.file));
    const files = isRecord(assetManifest) && isRecord(assetManifest['files']) ? assetManifest['files'] : {};
    for (const [hash, entry] of Object.entries(files)) {
      if (!isRecord(entry) || !isRecord(entry['source']) || typeof entry['source']['path'] !== 'string')
        continue;
      const source = {
        path: join(assemblyDir, entry['source']['path']),
        packaging: typeof entry['source']['packaging'] === 'string' ? entry['source']['packaging'] : 'file',
      };
      assets.set(hash, source);
      const destinations = isRecord(entry['destinations']) ? Object.values(entry['destinations']) : [];
      for (const destination of destinations) {
        if (isRecord(destination) && typeof destination['objectKey'] === 'string')
          assets.set(destination['objectKey'], source);
      }
    }
  }

  return Object.entries(artifacts).flatMap(([id, artifact]) => {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName !== undefined) {
      return readStacks(join(assemblyDir, artifact.properties.directoryName));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || artifact.properties?.templateFile === undefined)
      return [];
    const templatePath = join(assemblyDir, artifact.properties.templateFile);
    const envRegion = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment ?? '')?.[1];
    return [
      {
        name: artifact.properties.stackName ?? id,
        templatePath,
        assemblyDir,
        template: readJson(templatePath) as Template,
        assets,
        ...(envRegion === undefined || envRegion === 'unknown-region' ? {} : { envRegion }),
      },
    ];
  });
}

/** The stacks of every assembly, each with its region; a stack in two assemblies is a mistake. */
function stacksOf(dirs: readonly string[], options: LoadAssembliesOptions) {
  const read = dirs.flatMap((dir) => readStacks(dir));
  const region =
    options.region ?? read.find((stack) => stack.envRegion !== undefined)?.envRegion ?? 'us-east-1';
  const stacks: LoadedStack[] = read.map(({ envRegion, ...stack }) => ({
    ...stack,
    region: envRegion ?? region,
  }));
  const seen = new Map<string, string>();
  for (const stack of stacks) {
    const other = seen.get(stack.name);
    if (other !== undefined)
      throw new Error(
        `The stack ${stack.name} is in both ${other} and ${stack.assemblyDir}: load each service once.`,
      );
    seen.set(stack.name, stack.assemblyDir);
  }
  return { region, stacks };
}

function queueOf(resolver: Resolver, stackName: string, logicalId: string): QueueSpec {
  return {
    id: `${stackName}/${logicalId}`,
    stackName,
    logicalId,
    queueName: resolver.attribute(stackName, logicalId, 'QueueName', logicalId) as string,
    url: resolver.physicalId(stackName, logicalId),
    arn: resolver.attribute(stackName, logicalId, 'Arn', logicalId) as string,
    properties: resolvedProperties(resolver, stackName, logicalId),
  };
}

function eventSourceMappingOf(
  resolver: Resolver,
  stackName: string,
  logicalId: string,
  functionIdOf: (reference: string) => string | undefined,
): EventSourceMappingSpec {
  const properties = resolvedProperties(resolver, stackName, logicalId);
  const functionName = typeof properties['FunctionName'] === 'string' ? properties['FunctionName'] : '';
  const functionId = functionIdOf(functionName);
  const eventSourceArn =
    typeof properties['EventSourceArn'] === 'string' ? properties['EventSourceArn'] : undefined;
  return {
    id: `${stackName}/${logicalId}`,
    stackName,
    logicalId,
    ...(functionId === undefined ? {} : { functionId }),
    ...(eventSourceArn === undefined ? {} : { eventSourceArn }),
    properties,
  };
}

function permissionOf(
  resolver: Resolver,
  stackName: string,
  logicalId: string,
  functionIdOf: (reference: string) => string | undefined,
): LambdaPermissionSpec {
  const text = (name: string) => resolver.stringProperty(stackName, logicalId, name);
  const functionId = functionIdOf(text('FunctionName') ?? '');
  const sourceArn = text('SourceArn');
  const sourceAccount = text('SourceAccount');
  return {
    stackName,
    logicalId,
    ...(functionId === undefined ? {} : { functionId }),
    action: text('Action') ?? '',
    principal: text('Principal') ?? '',
    ...(sourceArn === undefined ? {} : { sourceArn }),
    ...(sourceAccount === undefined ? {} : { sourceAccount }),
  };
}

function eventBusOf(resolver: Resolver, stackName: string, logicalId: string): EventBusSpec {
  return {
    id: `${stackName}/${logicalId}`,
    stackName,
    logicalId,
    name: resolver.physicalId(stackName, logicalId),
    arn: resolver.attribute(stackName, logicalId, 'Arn', logicalId) as string,
  };
}

/**
 * Loads the cloud assemblies of the services (each project's `synth` output, `cdk.out`) into the
 * {@link LocalModel} the local cloud runs: the functions with their code folder, resolved
 * environment, timeout, memory, role and every policy statement of the role; the DynamoDB tables as
 * `CreateTable` inputs; the REST APIs; SSM parameters; secrets (generated once per process);
 * queues; event source mappings; Lambda permissions; and the front door's routing rules. Intrinsic
 * functions are resolved across the loaded stacks; what cannot be resolved throws one
 * {@link UnresolvableError} listing every problem with its stack, resource and property.
 *
 * @example
 * ```ts
 * const model = loadAssemblies(['dist/apps/menu/cdk.out', 'dist/apps/orders/cdk.out'], {
 *   accountId: '000000000000',
 *   ssm: new Map([
 *     ['/slice/dev/platform/api-url', 'http://localhost:3000'],
 *     ['/slice/dev/platform/event-bus-name', 'slice-dev'],
 *   ]),
 * });
 * model.functions.map((fn) => fn.functionName); // ['SliceMenu-dev-ListMenuAA094B07', …]
 * ```
 */
export function loadAssemblies(dirs: readonly string[], options: LoadAssembliesOptions): LocalModel {
  const { region, stacks } = stacksOf(dirs, options);
  const loading = startLoading(stacks, options);
  const resources = resourcesOf(loading, options, region);
  if (loading.problems.length > 0) {
    const unique = [
      ...new Map(loading.problems.map((problem) => [JSON.stringify(problem), problem])).values(),
    ];
    throw new UnresolvableError(unique);
  }
  return {
    accountId: options.accountId,
    region,
    stacks: stacks.map(({ assets: _assets, ...stack }) => stack),
    ...resources,
    warnings: loading.warnings,
  };
}

/** One load in progress: the resolver over the stacks, and the warnings and problems found so far. */
interface Loading {
  readonly stacks: readonly LoadedStack[];
  readonly stackNames: readonly string[];
  readonly resolver: Resolver;
  readonly warnings: string[];
  readonly problems: ResolutionProblem[];
  /** Records a warning once. */
  warn(message: string): void;
  /** `compute()`, or `undefined` with its problems recorded when it cannot be resolved. */
  readonly attempt: <T>(compute: () => T) => T | undefined;
  /** `build` for every resource of `type` in every stack; those that cannot be resolved are left out (their problems recorded). */
  readonly each: <T>(type: string, build: (stack: LoadedStack, logicalId: string) => T | undefined) => T[];
}

function startLoading(stacks: readonly LoadedStack[], options: LoadAssembliesOptions): Loading {
  const resolver = new Resolver(stacks, { accountId: options.accountId, ssm: options.ssm });
  const warnings: string[] = [];
  const problems: ResolutionProblem[] = [];
  const attempt = <T>(compute: () => T): T | undefined => {
    try {
      return compute();
    } catch (error) {
      if (!(error instanceof UnresolvableError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  return {
    stacks,
    stackNames: stacks.map((stack) => stack.name),
    resolver,
    warnings,
    problems,
    warn(message) {
      if (!warnings.includes(message)) warnings.push(message);
    },
    attempt,
    each: (type, build) =>
      stacks.flatMap((stack) =>
        resolver
          .resources(stack.name, type)
          .map(([logicalId]) => attempt(() => build(stack, logicalId)))
          .filter((item) => item !== undefined),
      ),
  };
}

/** Every resource of the model, from the loaded stacks. */
function resourcesOf(
  loading: Loading,
  options: LoadAssembliesOptions,
  region: string,
): Omit<LocalModel, 'accountId' | 'region' | 'stacks' | 'warnings'> {
  const { resolver, stacks, stackNames, each, attempt } = loading;
  const warn = (message: string) => loading.warn(message);
  const policies = new RolePolicies(resolver, stackNames, warn);
  const functions = each('AWS::Lambda::Function', (stack, logicalId) =>
    functionOf(resolver, policies, stack, logicalId, warn),
  );
  const functionIdOf = functionIndex(functions);
  const webSocketApis = attempt(() => webSocketApisOf({ resolver, stackNames, functionIdOf, warn })) ?? [];
  const webSocketApiIds = new Set(webSocketApis.map((api) => api.id));
  const queues = each('AWS::SQS::Queue', (stack, logicalId) => queueOf(resolver, stack.name, logicalId));
  const messaging = messagingOf(
    {
      resolver,
      policies,
      accountId: options.accountId,
      regionOf: (stackName) => stacks.find((stack) => stack.name === stackName)?.region ?? region,
      each: (type, build) => each(type, (stack, logicalId) => build(stack.name, logicalId)),
    },
    (url) => queues.find((queue) => queue.url === url)?.arn,
  );
  return {
    functions,
    tables: [
      ...each('AWS::DynamoDB::GlobalTable', (stack, logicalId) => tableOf(resolver, stack.name, logicalId)),
      ...each('AWS::DynamoDB::Table', (stack, logicalId) => tableOf(resolver, stack.name, logicalId)),
    ],
    queues,
    eventSourceMappings: each('AWS::Lambda::EventSourceMapping', (stack, logicalId) =>
      eventSourceMappingOf(resolver, stack.name, logicalId, functionIdOf),
    ),
    permissions: each('AWS::Lambda::Permission', (stack, logicalId) =>
      permissionOf(resolver, stack.name, logicalId, functionIdOf),
    ),
    eventBuses: each('AWS::Events::EventBus', (stack, logicalId) =>
      eventBusOf(resolver, stack.name, logicalId),
    ),
    eventRules: each('AWS::Events::Rule', (stack, logicalId) =>
      eventRuleOf(resolver, stack.name, logicalId, functionIdOf, warn),
    ),
    stateMachines: each('AWS::StepFunctions::StateMachine', (stack, logicalId) =>
      stateMachineOf({ resolver, policies, accountId: options.accountId, warn }, stack.name, logicalId),
    ),
    asyncInvokeConfigs: asyncInvokeConfigsOf(resolver, stacks, functions, functionIdOf, attempt),
    restApis: attempt(() => restApisOf({ resolver, stackNames, functionIdOf, warn })) ?? [],
    webSocketApis,
    routingRules: attempt(() => routingRulesOf(resolver, stacks, webSocketApiIds)) ?? [],
    parameters:
      attempt(() => new Map([...resolver.definedParameters(), ...options.ssm])) ?? new Map<string, string>(),
    secrets: attempt(() => resolver.secretValues()) ?? new Map<string, string>(),
    staticSites:
      attempt(() =>
        staticSitesOf({
          resolver,
          stackNames,
          assetDir: (stackName, key) =>
            stacks.find((stack) => stack.name === stackName)?.assets.get(key)?.path,
          warn,
        }),
      ) ?? [],
    signIn: attempt(() => signInOf(resolver, stackNames)) ?? { domains: [], clients: [] },
    ...messaging,
  };
}

const numberOr = (value: unknown, fallback: number): number => {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : fallback;
};

/** The bus name of a rule's `EventBusName` (a name or an ARN; none: `default`). */
const busNameOf = (value: unknown): string =>
  typeof value === 'string' && value.length > 0 ? value.slice(value.lastIndexOf('/') + 1) : 'default';

function eventRuleOf(
  resolver: Resolver,
  stackName: string,
  logicalId: string,
  functionIdOf: (reference: string) => string | undefined,
  warn: (message: string) => void,
): EventRuleSpec {
  const id = `${stackName}/${logicalId}`;
  const properties = resolvedProperties(resolver, stackName, logicalId);
  let pattern = properties['EventPattern'];
  if (typeof pattern === 'string') {
    try {
      pattern = JSON.parse(pattern) as unknown;
    } catch {
      throw new UnresolvableError({
        stackName,
        path: `${logicalId}.Properties.EventPattern`,
        reason: 'the event pattern is not JSON',
      });
    }
  }
  const schedule =
    typeof properties['ScheduleExpression'] === 'string' ? properties['ScheduleExpression'] : undefined;
  if (schedule !== undefined) checkScheduleExpression(stackName, logicalId, schedule);
  const targets = (Array.isArray(properties['Targets']) ? properties['Targets'] : [])
    .filter(isRecord)
    .map((target): EventRuleTargetSpec => {
      const arn = typeof target['Arn'] === 'string' ? target['Arn'] : '';
      const functionId = arn.startsWith('arn:aws:lambda:') ? functionIdOf(arn) : undefined;
      const retry = isRecord(target['RetryPolicy']) ? target['RetryPolicy'] : {};
      const deadLetter = isRecord(target['DeadLetterConfig']) ? target['DeadLetterConfig']['Arn'] : undefined;
      if (target['InputTransformer'] !== undefined) {
        warn(
          `${id} target ${JSON.stringify(target['Id'])} has an InputTransformer, which the local cloud does not apply: it sends the whole event.`,
        );
      }
      return {
        id: typeof target['Id'] === 'string' ? target['Id'] : '',
        arn,
        ...(functionId === undefined ? {} : { functionId }),
        ...(typeof target['Input'] === 'string' ? { input: target['Input'] } : {}),
        ...(typeof target['InputPath'] === 'string' ? { inputPath: target['InputPath'] } : {}),
        maximumRetryAttempts: numberOr(retry['MaximumRetryAttempts'], 185),
        maximumEventAgeSeconds: numberOr(retry['MaximumEventAgeInSeconds'], 86_400),
        ...(typeof deadLetter === 'string' ? { deadLetterArn: deadLetter } : {}),
      };
    });
  return {
    id,
    stackName,
    logicalId,
    name: resolver.physicalId(stackName, logicalId),
    arn: resolver.attribute(stackName, logicalId, 'Arn', logicalId) as string,
    eventBusName: busNameOf(properties['EventBusName']),
    ...(isRecord(pattern) ? { eventPattern: pattern } : {}),
    ...(schedule === undefined ? {} : { scheduleExpression: schedule }),
    enabled:
      properties['State'] === undefined ||
      (typeof properties['State'] === 'string' && properties['State'].startsWith('ENABLED')),
    targets,
  };
}

/** A rule's `ScheduleExpression`, read as EventBridge reads it (`rate()` or `cron()`, no `at()`). */
function checkScheduleExpression(stackName: string, logicalId: string, expression: string): void {
  try {
    parseScheduleExpression(expression, false);
  } catch (error) {
    if (!(error instanceof InvalidScheduleExpressionError)) throw error;
    throw new UnresolvableError({
      stackName,
      path: `${logicalId}.Properties.ScheduleExpression`,
      reason: error.message,
    });
  }
}

/** Lambda's asynchronous invocation settings per function: `AWS::Lambda::EventInvokeConfig`, then the function's `DeadLetterConfig`. */
function asyncInvokeConfigsOf(
  resolver: Resolver,
  stacks: readonly LoadedStack[],
  functions: readonly FunctionSpec[],
  functionIdOf: (reference: string) => string | undefined,
  attempt: <T>(compute: () => T) => T | undefined,
): AsyncInvokeConfigSpec[] {
  const configs = new Map<string, AsyncInvokeConfigSpec>();
  for (const fn of functions) {
    const deadLetter = attempt(() => resolver.property(fn.stackName, fn.logicalId, 'DeadLetterConfig'));
    if (isRecord(deadLetter) && typeof deadLetter['TargetArn'] === 'string') {
      configs.set(fn.id, {
        functionId: fn.id,
        maximumRetryAttempts: 2,
        maximumEventAgeSeconds: 21_600,
        deadLetterArn: deadLetter['TargetArn'],
      });
    }
  }
  for (const stack of stacks) {
    for (const [logicalId] of resolver.resources(stack.name, 'AWS::Lambda::EventInvokeConfig')) {
      const properties = attempt(() => resolvedProperties(resolver, stack.name, logicalId));
      if (!properties) continue;
      const functionId =
        typeof properties['FunctionName'] === 'string' ? functionIdOf(properties['FunctionName']) : undefined;
      if (functionId === undefined) continue;
      const destination = isRecord(properties['DestinationConfig'])
        ? properties['DestinationConfig']['OnFailure']
        : undefined;
      const onFailureArn =
        isRecord(destination) && typeof destination['Destination'] === 'string'
          ? destination['Destination']
          : undefined;
      const deadLetterArn = configs.get(functionId)?.deadLetterArn;
      configs.set(functionId, {
        functionId,
        ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
        maximumRetryAttempts: numberOr(properties['MaximumRetryAttempts'], 2),
        maximumEventAgeSeconds: numberOr(properties['MaximumEventAgeInSeconds'], 21_600),
        ...(onFailureArn === undefined ? {} : { onFailureArn }),
      });
    }
  }
  return [...configs.values()];
}

/** Looks a function up by ARN (qualifier ignored), partial ARN or name. */
function functionIndex(functions: readonly FunctionSpec[]): (reference: string) => string | undefined {
  const byKey = new Map<string, string>();
  for (const fn of functions) {
    byKey.set(fn.arn, fn.id);
    byKey.set(fn.functionName, fn.id);
  }
  return (reference) => {
    const parts = reference.split(':');
    if (parts[0] === 'arn') return byKey.get(parts.slice(0, 7).join(':'));
    // `name`, `name:qualifier`, or `<account>:function:name[:qualifier]`.
    const name = parts[1] === 'function' ? parts[2] : parts[0];
    return name === undefined ? undefined : byKey.get(name);
  };
}

function resolvedProperties(
  resolver: Resolver,
  stackName: string,
  logicalId: string,
): Record<string, unknown> {
  const properties = resolver.resource(stackName, logicalId).Properties ?? {};
  return Object.fromEntries(
    Object.keys(properties)
      .map((name) => [name, resolver.property(stackName, logicalId, name)] as const)
      .filter(([, value]) => value !== undefined),
  );
}

function functionOf(
  resolver: Resolver,
  policies: RolePolicies,
  stack: LoadedStack,
  logicalId: string,
  warn: (message: string) => void,
): FunctionSpec | undefined {
  const stackName = stack.name;
  const id = `${stackName}/${logicalId}`;
  const codeDir = codeDirOf(resolver, stack, logicalId, warn);
  if (codeDir === undefined) return undefined;
  if (resolver.property(stackName, logicalId, 'Layers') !== undefined) {
    warn(`${id} uses Lambda layers, which the local cloud does not provide: bundle what the function needs.`);
  }

  const resource = resolver.resource(stackName, logicalId);
  const environment: Record<string, string> = {};
  const rawEnvironment = resource.Properties?.['Environment'];
  const rawVariables = isRecord(rawEnvironment) ? rawEnvironment['Variables'] : undefined;
  const variables = isRecord(rawVariables)
    ? rawVariables
    : (() => {
        const resolved = resolver.property(stackName, logicalId, 'Environment');
        return isRecord(resolved) && isRecord(resolved['Variables']) ? resolved['Variables'] : {};
      })();
  const problems: ResolutionProblem[] = [];
  for (const [name, raw] of Object.entries(variables)) {
    const path = `${logicalId}.Properties.Environment.Variables.${name}`;
    try {
      const value = resolver.resolve(stackName, raw, path);
      if (value === undefined) continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        environment[name] = String(value);
      } else {
        problems.push({ stackName, path, reason: 'an environment variable must be a string' });
      }
    } catch (error) {
      if (!(error instanceof UnresolvableError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new UnresolvableError(problems);

  const roleArn = resolver.stringProperty(stackName, logicalId, 'Role') ?? '';
  const reservedConcurrency = resolver.numberProperty(stackName, logicalId, 'ReservedConcurrentExecutions');
  return {
    id,
    stackName,
    logicalId,
    functionName: resolver.physicalId(stackName, logicalId),
    arn: resolver.attribute(stackName, logicalId, 'Arn', logicalId) as string,
    handler: resolver.stringProperty(stackName, logicalId, 'Handler') ?? 'index.handler',
    codeDir,
    runtime: resolver.stringProperty(stackName, logicalId, 'Runtime') ?? 'nodejs24.x',
    timeoutSeconds: resolver.numberProperty(stackName, logicalId, 'Timeout') ?? 3,
    memoryMb: resolver.numberProperty(stackName, logicalId, 'MemorySize') ?? 128,
    environment,
    ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
    roleArn,
    policy: policies.statements(roleArn, id),
  };
}

function codeDirOf(
  resolver: Resolver,
  stack: LoadedStack,
  logicalId: string,
  warn: (message: string) => void,
): string | undefined {
  const id = `${stack.name}/${logicalId}`;
  const code = resolver.property(stack.name, logicalId, 'Code');
  if (!isRecord(code)) {
    throw new UnresolvableError({
      stackName: stack.name,
      path: `${logicalId}.Properties.Code`,
      reason: 'the function has no Code',
    });
  }
  if (typeof code['ZipFile'] === 'string') return inlineCodeDir(code['ZipFile']);
  if (code['ImageUri'] !== undefined) {
    warn(`${id} is a container image function, which the local cloud does not run.`);
    return undefined;
  }

  const metadata = resolver.resource(stack.name, logicalId).Metadata ?? {};
  const metadataPath =
    metadata['aws:asset:property'] === 'Code' && typeof metadata['aws:asset:path'] === 'string'
      ? join(stack.assemblyDir, metadata['aws:asset:path'])
      : undefined;
  const key = typeof code['S3Key'] === 'string' ? code['S3Key'] : '';
  const asset = stack.assets.get(key) ?? stack.assets.get(key.replace(/\.zip$/, ''));
  const path = metadataPath ?? (asset?.packaging === 'zip' ? asset.path : undefined);
  if (path === undefined) {
    throw new UnresolvableError({
      stackName: stack.name,
      path: `${logicalId}.Properties.Code`,
      reason:
        asset === undefined
          ? `no asset of the cloud assembly holds ${key || 'the code'}: the local cloud runs code synthesized as an asset folder or inline`
          : `the asset ${asset.path} is a ${asset.packaging} asset; the local cloud runs asset folders`,
    });
  }
  if (!existsSync(path)) {
    throw new UnresolvableError({
      stackName: stack.name,
      path: `${logicalId}.Properties.Code`,
      reason: `the asset folder ${path} is missing: synthesize the service again`,
    });
  }
  return path;
}

/** Lambda writes inline (`ZipFile`) code of a Node.js function to `index.js`; so does the local cloud. */
function inlineCodeDir(source: string): string {
  const dir = join(
    tmpdir(),
    'slice-local-cloud',
    'inline',
    createHash('sha256').update(source).digest('hex').slice(0, 16),
  );
  const file = join(dir, 'index.js');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, source);
  }
  return dir;
}

function tableOf(resolver: Resolver, stackName: string, logicalId: string): TableSpec {
  const resource = resolver.resource(stackName, logicalId);
  const tableName = resolver.physicalId(stackName, logicalId);
  const properties = Object.fromEntries(
    [
      'KeySchema',
      'AttributeDefinitions',
      'GlobalSecondaryIndexes',
      'LocalSecondaryIndexes',
      'StreamSpecification',
    ]
      .map((name) => [name, resolver.property(stackName, logicalId, name)] as const)
      .filter(([, value]) => value !== undefined),
  );
  let createTableInput: TableSpec['createTableInput'];
  try {
    createTableInput = tableInputFromTemplate(
      { Resources: { [logicalId]: { Type: resource.Type, Properties: properties } } },
      logicalId,
      tableName,
    );
  } catch (error) {
    throw new UnresolvableError({
      stackName,
      path: `${logicalId}.Properties`,
      reason: (error as Error).message,
    });
  }
  const ttl = resolver.property(stackName, logicalId, 'TimeToLiveSpecification');
  const ttlAttribute =
    isRecord(ttl) && ttl['Enabled'] !== false && typeof ttl['AttributeName'] === 'string'
      ? ttl['AttributeName']
      : undefined;
  const streamArn =
    properties['StreamSpecification'] === undefined
      ? undefined
      : (resolver.attribute(stackName, logicalId, 'StreamArn', logicalId) as string);
  return {
    id: `${stackName}/${logicalId}`,
    stackName,
    logicalId,
    tableName,
    arn: resolver.attribute(stackName, logicalId, 'Arn', logicalId) as string,
    ...(streamArn === undefined ? {} : { streamArn }),
    createTableInput,
    ...(ttlAttribute === undefined ? {} : { timeToLiveAttribute: ttlAttribute }),
  };
}

/** The front door's rules; mappings onto WebSocket APIs (`webSocketApiIds`) are theirs, not the front door's. */
function routingRulesOf(
  resolver: Resolver,
  stacks: readonly LoadedStack[],
  webSocketApiIds: ReadonlySet<string>,
): RoutingRuleSpec[] {
  const rules: RoutingRuleSpec[] = [];
  const mappings: RoutingRuleSpec[] = [];
  for (const stack of stacks) {
    for (const [logicalId] of resolver.resources(stack.name, 'AWS::ApiGatewayV2::RoutingRule')) {
      const where = { stackName: stack.name, path: `${logicalId}.Properties` };
      const conditions = resolver.property(stack.name, logicalId, 'Conditions');
      const actions = resolver.property(stack.name, logicalId, 'Actions');
      const invoke = Array.isArray(actions) && isRecord(actions[0]) ? actions[0]['InvokeApi'] : undefined;
      if (!isRecord(invoke) || typeof invoke['ApiId'] !== 'string' || typeof invoke['Stage'] !== 'string') {
        throw new UnresolvableError({
          ...where,
          reason: 'a routing rule needs an InvokeApi action with ApiId and Stage',
        });
      }
      let basePaths: string[] | undefined;
      const headers: { anyOf: { name: string; glob: string }[] }[] = [];
      for (const condition of Array.isArray(conditions) ? conditions : []) {
        if (!isRecord(condition)) continue;
        const paths = isRecord(condition['MatchBasePaths'])
          ? condition['MatchBasePaths']['AnyOf']
          : undefined;
        if (Array.isArray(paths)) basePaths = paths.map((path) => String(path).replace(/^\/+|\/+$/g, ''));
        const matches = isRecord(condition['MatchHeaders']) ? condition['MatchHeaders']['AnyOf'] : undefined;
        if (Array.isArray(matches)) {
          headers.push({
            anyOf: matches
              .filter(isRecord)
              .map((match) => ({ name: String(match['Header']), glob: String(match['ValueGlob']) })),
          });
        }
      }
      rules.push({
        priority: resolver.numberProperty(stack.name, logicalId, 'Priority') ?? 0,
        ...(basePaths === undefined ? {} : { basePaths }),
        ...(headers.length === 0 ? {} : { headers }),
        apiId: invoke['ApiId'],
        stage: invoke['Stage'],
        stripBasePath: invoke['StripBasePath'] === true || invoke['StripBasePath'] === 'true',
        source: `${stack.name}/${logicalId}`,
      });
    }
    const mappingTypes = [
      ['AWS::ApiGateway::BasePathMapping', 'BasePath', 'RestApiId'],
      ['AWS::ApiGateway::BasePathMappingV2', 'BasePath', 'RestApiId'],
      ['AWS::ApiGatewayV2::ApiMapping', 'ApiMappingKey', 'ApiId'],
    ] as const;
    for (const [type, pathProperty, apiProperty] of mappingTypes) {
      for (const [logicalId] of resolver.resources(stack.name, type)) {
        const basePath = (resolver.stringProperty(stack.name, logicalId, pathProperty) ?? '').replace(
          /^\/+|\/+$/g,
          '',
        );
        const apiId = resolver.stringProperty(stack.name, logicalId, apiProperty) ?? '';
        if (webSocketApiIds.has(apiId)) continue;
        const stage = resolver.stringProperty(stack.name, logicalId, 'Stage') ?? '';
        mappings.push({
          priority: 0,
          ...(basePath === '' || basePath === '(none)' ? {} : { basePaths: [basePath] }),
          apiId,
          stage,
          stripBasePath: true,
          source: `${stack.name}/${logicalId}`,
        });
      }
    }
  }
  // Mappings come after every rule (routing mode rules-then-mappings), the longest base path first.
  const depth = (rule: RoutingRuleSpec) => rule.basePaths?.[0]?.length ?? -1;
  const ordered = [...mappings].sort((left, right) => depth(right) - depth(left));
  return [
    ...[...rules].sort((left, right) => left.priority - right.priority),
    ...ordered.map((mapping, index) => ({ ...mapping, priority: mappingPriority + index })),
  ];
}
