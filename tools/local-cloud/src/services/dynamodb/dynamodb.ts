import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsError } from '../../endpoint/errors';
import type { RequiredPermission } from '../service';
import { isRecord } from '../../json';
import { type DynaliteListener, callDynalite } from './forward';

/** The operations dynalite implements; the local endpoint forwards only these. */
export const DYNALITE_OPERATIONS: ReadonlySet<string> = new Set([
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
]);

/** The operations the local endpoint implements itself, on top of dynalite. */
export const LOCAL_DYNAMODB_OPERATIONS: ReadonlySet<string> = new Set([
  'TransactWriteItems',
  'TransactGetItems',
  'DescribeTimeToLive',
  'UpdateTimeToLive',
]);

/** Operations without resource-level permissions: IAM checks them against `*`. */
const accountLevel = new Set([
  'ListTables',
  'DescribeLimits',
  'DescribeEndpoints',
  'ListBackups',
  'ListGlobalTables',
]);

/** The IAM action of each item kind of a transaction. */
const transactActions: Readonly<Record<string, string>> = {
  Get: 'dynamodb:GetItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/**
 * The IAM permissions a DynamoDB request needs, as DynamoDB authorizes it: `dynamodb:<Operation>`
 * on the table named in the request (the index ARN for a `Query` or `Scan` with `IndexName`); for
 * batch operations on every table of `RequestItems`; for transactions the item action
 * (`dynamodb:PutItem`, `dynamodb:ConditionCheckItem`...) on each item's table; account-level
 * operations (`ListTables`) on `*`. `tableArn` maps a table name (or ARN) to its ARN.
 *
 * @example
 * ```ts
 * dynamoDbPermissions('Query', { TableName: 'orders', IndexName: 'gsi1' }, arnOf);
 * // [{ action: 'dynamodb:Query', resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/gsi1'] }]
 * ```
 */
export function dynamoDbPermissions(
  operation: string,
  request: Record<string, unknown>,
  tableArn: (tableName: string) => string,
): RequiredPermission[] {
  const action = `dynamodb:${operation}`;
  const table = (name: unknown, field: string): string => {
    if (typeof name !== 'string' || name.length === 0) {
      throw new AwsError(
        400,
        'com.amazon.coral.validate#ValidationException',
        `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return tableArn(name);
  };
  if (accountLevel.has(operation)) return [{ action, resources: ['*'] }];
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const items = isRecord(request.RequestItems) ? Object.keys(request.RequestItems) : [];
    return [{ action, resources: items.map((name) => table(name, 'requestItems')) }];
  }
  if (operation === 'TransactGetItems' || operation === 'TransactWriteItems') {
    const items = Array.isArray(request.TransactItems) ? (request.TransactItems as unknown[]) : [];
    return items.flatMap((item) => {
      if (!isRecord(item)) return [];
      return Object.entries(item).flatMap(([kind, detail]) => {
        const itemAction = transactActions[kind];
        if (!itemAction || !isRecord(detail)) return [];
        return [{ action: itemAction, resources: [table(detail.TableName, 'transactItems.tableName')] }];
      });
    });
  }
  if (operation === 'TagResource' || operation === 'UntagResource' || operation === 'ListTagsOfResource') {
    return [{ action, resources: [table(request.ResourceArn, 'resourceArn')] }];
  }
  const arn = table(request.TableName, 'tableName');
  if ((operation === 'Query' || operation === 'Scan') && typeof request.IndexName === 'string') {
    return [{ action, resources: [`${arn}/index/${request.IndexName}`] }];
  }
  return [{ action, resources: [arn] }];
}

/** What dynalite answered to one internal call. */
export type DynamoDbAnswer =
  | { readonly ok: true; readonly output: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly status: number;
      /** The `__type` as dynalite wrote it (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`). */
      readonly type: string;
      /** The error's name: the part of `type` after `#`. */
      readonly name: string;
      readonly message: string;
    };

/** One call to the DynamoDB behind the endpoint, as the endpoint itself (not a function) makes it. */
export type DynamoDbCall = (operation: string, input: Record<string, unknown>) => Promise<DynamoDbAnswer>;

/** dynalite's answer to one internal call, as a value: its output, or its error. */
function answerOf(operation: string, status: number, bytes: Buffer): DynamoDbAnswer {
  let parsed: unknown;
  try {
    parsed = bytes.length === 0 ? {} : JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`DynamoDB ${operation} answered ${status} with no JSON`);
  }
  const output = isRecord(parsed) ? parsed : {};
  if (status === 200) return { ok: true, output };
  const type = typeof output.__type === 'string' ? output.__type : 'InternalFailure';
  const message = output.message ?? output.Message;
  return {
    ok: false,
    status,
    type,
    name: type.slice(type.lastIndexOf('#') + 1),
    message: typeof message === 'string' ? message : '',
  };
}

/**
 * Creates the endpoint's own client of the dynalite behind it: requests handed to dynalite's
 * listener in process, with the headers dynalite checks for (it does not verify signatures),
 * answers parsed, errors as values. Transactions, TTL and stream images use it for the reads and
 * writes they make on the caller's behalf, after the caller's IAM check.
 *
 * @example
 * ```ts
 * const call = createDynamoDbCaller({ listener: dynalite.handle, region: 'eu-west-1' });
 * const answer = await call('GetItem', { TableName: 'orders', Key: { pk: { S: 'ORDER#1' } }, ConsistentRead: true });
 * if (answer.ok) answer.output.Item;
 * ```
 */
export function createDynamoDbCaller(options: {
  readonly listener: DynaliteListener;
  readonly region: string;
}): DynamoDbCall {
  const date = '20260101T000000Z';
  const authorization = `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/${options.region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=local`;
  return async (operation, input) => {
    const headers = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': date,
      authorization,
    };
    const answer = await callDynalite(options.listener, headers, Buffer.from(JSON.stringify(input)));
    return answerOf(operation, answer.status, answer.body);
  };
}

/**
 * A data directory already used by a running local cloud (see {@link claimDataDir}).
 *
 * @example
 * ```ts
 * try {
 *   claimDataDir(dir);
 * } catch (error) {
 *   if (error instanceof DataDirInUseError) console.error(error.message); // names the directory and the process
 * }
 * ```
 */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';

  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another local cloud (process ${pid}). Stop it, or start with another --data-dir.`,
    );
  }
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Claims a DynamoDB data directory for this process (creating it when missing), so that a second
 * local cloud on the same directory fails with a clear {@link DataDirInUseError} instead of a
 * LevelDB lock error deep inside dynalite. A claim left by a process that no longer runs is taken
 * over. Answers the function that gives the claim back.
 *
 * @example
 * ```ts
 * const release = claimDataDir('/home/me/slice-data');
 * // ... dynalite on /home/me/slice-data ...
 * release();
 * ```
 */
export function claimDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'slice-local-cloud.pid');
  const claim = () => writeFileSync(file, String(process.pid), { flag: 'wx' });
  try {
    claim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder))
      throw new DataDirInUseError(dataDir, holder);
    rmSync(file, { force: true });
    claim();
  }
  return () => rmSync(file, { force: true });
}
