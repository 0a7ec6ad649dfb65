import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AssetHashType, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';
import { ServiceBundler, serviceBundling, type ServiceBundlingOptions } from './service-bundler';
import { serviceContextOf } from './service-context';
import { ServiceStack } from './service-stack';

/**
 * The log levels of Powertools Logger.
 *
 * @example
 * ```ts
 * const logLevel: LogLevel = stack.isDevelopment ? 'DEBUG' : 'INFO';
 * ```
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Properties of a {@link ServiceFunction}: those of `NodejsFunction`, less what every Slice function
 * has in common (runtime, architecture, tracing, bundling, logging).
 *
 * @example
 * ```ts
 * const props: ServiceFunctionProps = { entry: join(__dirname, '../src/handlers/get-order.ts'), timeout: Duration.seconds(5) };
 * ```
 */
export interface ServiceFunctionProps extends Omit<
  NodejsFunctionProps,
  | 'entry'
  | 'runtime'
  | 'architecture'
  | 'tracing'
  | 'timeout'
  | 'memorySize'
  | 'code'
  | 'bundling'
  | 'depsLockFilePath'
  | 'handler'
  | 'projectRoot'
  | 'logGroup'
  | 'logRetention'
  | 'logRetentionRetryOptions'
  | 'logRetentionRole'
  | 'logFormat'
  | 'loggingFormat'
  | 'applicationLogLevel'
  | 'applicationLogLevelV2'
  | 'systemLogLevel'
  | 'systemLogLevelV2'
> {
  /** The handler file, TypeScript or JavaScript: `join(__dirname, '../src/handlers/place-order.ts')`. */
  readonly entry: string;

  /**
   * How long an invocation may run. Functions behind the API should stay well under the 29 s
   * integration timeout.
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * Memory in MB; CPU scales with it.
   *
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * How long the function's log group keeps its logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The Powertools log level (`POWERTOOLS_LOG_LEVEL`).
   *
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;

  /**
   * Bundling options, merged over {@link serviceBundling}. Functions of a stack with the same
   * options share one esbuild run.
   *
   * @default serviceBundling
   */
  readonly bundling?: ServiceBundlingOptions;

  /**
   * The lock file of the repository, whose directory is the root esbuild runs in.
   *
   * @default the first `package-lock.json` found walking up from the entry
   */
  readonly depsLockFilePath?: string;

  /**
   * The stage (`SLICE_STAGE`).
   *
   * @default the stage of the enclosing ServiceStack
   */
  readonly stage?: string;

  /**
   * The service name (`POWERTOOLS_SERVICE_NAME`).
   *
   * @default the service of the enclosing ServiceStack
   */
  readonly serviceName?: string;
}

/**
 * A Slice Lambda function: Node.js 24 on arm64, bundled with esbuild as ESM (one esbuild run for
 * the stack's handler folder, see {@link ServiceBundler}), with an explicit
 * timeout and memory size, Lambda active tracing (no tracing SDK in the bundle), its own log group with a retention, and the
 * environment the shared middleware reads (`POWERTOOLS_SERVICE_NAME`,
 * `POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_LOG_LEVEL`, `SLICE_STAGE`, source maps on).
 *
 * It is a `NodejsFunction`, so it is also an `IFunction` and an `IGrantable`: pass it to
 * `ServiceApi` handlers and to `grant*` methods, add aliases or event sources to it.
 *
 * @example
 * ```ts
 * const placeOrder = new ServiceFunction(this, 'PlaceOrder', {
 *   entry: join(__dirname, '../src/handlers/place-order.ts'),
 *   timeout: Duration.seconds(6),
 *   environment: { TABLE_NAME: table.tableName },
 * });
 * table.grantReadWriteData(placeOrder);
 * ```
 */
export class ServiceFunction extends NodejsFunction {
  /**
   * The first `package-lock.json` found in `from` or a directory above it.
   *
   * @example
   * ```ts
   * ServiceFunction.findLockFile(join(__dirname, '../src/handlers')); // '/repo/package-lock.json'
   * ```
   */
  static findLockFile(from: string): string {
    let directory = resolve(from);
    for (;;) {
      const candidate = join(directory, 'package-lock.json');
      if (existsSync(candidate)) return candidate;
      const parent = dirname(directory);
      if (parent === directory) throw new Error(`No package-lock.json in ${from} or any directory above it.`);
      directory = parent;
    }
  }

  /** The stage the function runs on. */
  readonly stage: string;

  /** The function's log group, created with the function and kept for `logRetention`. */
  private readonly serviceLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const { stage, serviceName, isDevelopment } = serviceContextOf(scope, props);
    const entry = resolve(props.entry);
    if (!existsSync(entry)) throw new Error(`ServiceFunction ${id}: entry ${entry} does not exist.`);
    const {
      logRetention,
      logLevel,
      environment,
      stage: _stage,
      serviceName: _serviceName,
      bundling,
      depsLockFilePath,
      ...functionProps
    } = props;
    const root = dirname(depsLockFilePath ?? ServiceFunction.findLockFile(dirname(entry)));
    const runtime = lambda.Runtime.NODEJS_24_X;

    super(scope, id, {
      ...functionProps,
      runtime,
      code: lambda.Code.fromAsset(dirname(entry), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: the local bundling below always bundles or throws esbuild's error.
          image: runtime.bundlingImage,
          local: ServiceBundler.of(scope).localBundling(entry, { ...serviceBundling, ...bundling }, root),
        },
      }),
      handler: 'index.handler',
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 512,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'Slice',
        POWERTOOLS_LOG_LEVEL: logLevel ?? 'INFO',
        SLICE_STAGE: stage,
        ...environment,
      },
    });
    this.stage = stage;

    this.serviceLogGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: isDevelopment ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const cfnFunction = this.node.defaultChild as lambda.CfnFunction;
    cfnFunction.loggingConfig = { logGroup: this.serviceLogGroup.logGroupName };

    // On the role, so the audit trail sits on the role and its policy, not on every child.
    const role = this.role ?? this;
    if (!props.role) {
      acknowledge(
        role,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'The AWS managed basic execution role only lets the function write CloudWatch Logs; its logs go to its own log group with a retention.',
      );
    }
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) does not support resource-level permissions.',
    );
    ServiceStack.find(scope)?.monitoring.addFunction(this, id);
  }

  /** The function's own log group (never the implicit `/aws/lambda/<name>` one). */
  override get logGroup(): logs.ILogGroup {
    return this.serviceLogGroup;
  }
}
