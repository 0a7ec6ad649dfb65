/**
 * The shared model of the local cloud: what the assembly loader produces from the synthesized
 * templates and what the Lambda runtime, the local AWS endpoint and the gateway consume.
 * Every value here is already resolved (no intrinsic functions left).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** An IAM policy statement, as in a template, resolved. */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

/** A Lambda function from a template, ready to run. */
export interface FunctionSpec {
  /** `<stackName>/<logicalId>`, unique across the local cloud. */
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** The function name (the template's `FunctionName`, or `<stackName>-<logicalId>`). */
  readonly functionName: string;
  readonly arn: string;
  /** `index.handler`: file (without extension) and export. */
  readonly handler: string;
  /** Absolute path of the function's code: the asset folder of the cloud assembly. */
  readonly codeDir: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The function's environment variables from the template, resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
  readonly roleArn: string;
  /** Every statement of every policy attached to the function's role (inline, `AWS::IAM::Policy`, managed). */
  readonly policy: readonly PolicyStatement[];
}

/** A DynamoDB table from a template. */
export interface TableSpec {
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly tableName: string;
  readonly arn: string;
  readonly streamArn?: string;
  readonly createTableInput: CreateTableCommandInput;
  readonly timeToLiveAttribute?: string;
}

/** What an invocation gave back. */
export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown; readonly durationMs: number; readonly coldStart: boolean }
  | {
      readonly ok: false;
      /** `Timeout`: killed at its timeout; `Crash`: the process died; `Error`: the handler threw; `Throttled`: reserved concurrency reached. */
      readonly errorType: 'Timeout' | 'Crash' | 'Error' | 'Throttled';
      readonly errorMessage: string;
      readonly durationMs: number;
    };

/** Runs functions: one execution environment (child process) per concurrent invocation. */
export interface LambdaRuntime {
  /** Adds or replaces a function; replacing drains its environments and the next call cold-starts. */
  register(fn: FunctionSpec): void;
  invoke(functionId: string, event: unknown): Promise<InvokeResult>;
  /** Stops every environment and child process. */
  stop(): Promise<void>;
}
