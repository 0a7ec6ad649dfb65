import { AwsError } from './errors';

/** One permission a request needs: an action on resources. */
export interface RequiredPermission {
  readonly action: string;
  readonly resources: readonly string[];
}

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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
