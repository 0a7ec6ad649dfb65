import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StreamViewType } from '../src/endpoint';
import type { FunctionCredentials } from '../src/services/lambda/environment';
import type { FunctionSpec, PolicyStatement, TableSpec } from '../src/model';

/**
 * Tables and functions for tests of the local AWS endpoint, in the shapes the assembly loader
 * builds from a template, so each spec declares only what it is about.
 */
export const region = 'eu-west-1';
export const accountId = '123456789012';

/** Where a test resource lives. */
export interface TestResourceOptions {
  /** @default 'SliceTest-dev' */
  readonly stack?: string;
  /** @default {@link accountId} */
  readonly accountId?: string;
}

/** What a test table has besides its `pk` partition key. */
export interface TestTableOptions extends TestResourceOptions {
  /** An `sk` sort key. @default false */
  readonly sortKey?: boolean;
  /** A stream with this view type. @default no stream */
  readonly viewType?: StreamViewType;
  /** The TTL attribute of the template. @default no TTL */
  readonly ttlAttribute?: string;
}

/**
 * A pay-per-request table named `<stack>-<name>`, keyed on `pk` (and `sk`).
 *
 * @example
 * ```ts
 * const orders = testTable('Orders', { sortKey: true, viewType: 'NEW_AND_OLD_IMAGES' });
 * ```
 */
export function testTable(name: string, options: TestTableOptions = {}): TableSpec {
  const { stack = 'SliceTest-dev', sortKey = false, viewType, ttlAttribute } = options;
  const tableName = `${stack}-${name}`;
  const arn = `arn:aws:dynamodb:${region}:${options.accountId ?? accountId}:table/${tableName}`;
  const keys = sortKey ? ['pk', 'sk'] : ['pk'];
  return {
    id: `${stack}/${name}`,
    stackName: stack,
    logicalId: name,
    tableName,
    arn,
    ...(viewType ? { streamArn: `${arn}/stream/2026-01-01T00:00:00.000` } : {}),
    createTableInput: {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keys.map((key) => ({ AttributeName: key, AttributeType: 'S' })),
      KeySchema: keys.map((key, index) => ({ AttributeName: key, KeyType: index === 0 ? 'HASH' : 'RANGE' })),
      ...(viewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } } : {}),
    },
    ...(ttlAttribute === undefined ? {} : { timeToLiveAttribute: ttlAttribute }),
  };
}

/**
 * A function `<stack>-<name>` whose role has `policy`.
 *
 * @example
 * ```ts
 * const writer = testFunction('Writer', [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: orders.arn }]);
 * ```
 */
export function testFunction(
  name: string,
  policy: PolicyStatement[],
  options: TestResourceOptions = {},
): FunctionSpec {
  const stack = options.stack ?? 'SliceTest-dev';
  const account = options.accountId ?? accountId;
  return {
    id: `${stack}/${name}`,
    stackName: stack,
    logicalId: name,
    functionName: `${stack}-${name}`,
    arn: `arn:aws:lambda:${region}:${account}:function:${stack}-${name}`,
    handler: 'index.handler',
    codeDir: '/nowhere',
    runtime: 'nodejs24.x',
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
    roleArn: `arn:aws:iam::${account}:role/${stack}-${name}Role`,
    policy,
  };
}

/** A DynamoDB client of the endpoint at `url`, signing as `credentials`, without retries. */
export const dynamoDbClient = (url: string, credentials: FunctionCredentials): DynamoDBClient =>
  new DynamoDBClient({ endpoint: url, region, credentials, maxAttempts: 1 });
