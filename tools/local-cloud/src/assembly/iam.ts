import type { PolicyStatement } from '../model';
import { type Resolver, UnresolvableError } from './resolve';
import { isRecord } from '../json';

const logs: PolicyStatement = {
  Effect: 'Allow',
  Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: '*',
};

/**
 * The AWS managed policies the local cloud knows, by the part of their ARN after `:policy/`.
 * Their statements are AWS's own (AWS may add to them; only what Lambda functions use matters here).
 *
 * @example
 * ```ts
 * awsManagedPolicies['service-role/AWSLambdaBasicExecutionRole']; // [{ Effect: 'Allow', Action: ['logs:…'], Resource: '*' }]
 * ```
 */
export const awsManagedPolicies: Readonly<Record<string, readonly PolicyStatement[]>> = {
  'service-role/AWSLambdaBasicExecutionRole': [logs],
  'service-role/AWSLambdaDynamoDBExecutionRole': [
    {
      Effect: 'Allow',
      Action: [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
      ],
      Resource: '*',
    },
    logs,
  ],
  'service-role/AWSLambdaSQSQueueExecutionRole': [
    {
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: '*',
    },
    logs,
  ],
  'service-role/AWSLambdaVPCAccessExecutionRole': [
    {
      Effect: 'Allow',
      Action: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: '*',
    },
    logs,
  ],
  AWSXRayDaemonWriteAccess: [
    {
      Effect: 'Allow',
      Action: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:GetSamplingStatisticSummaries',
      ],
      Resource: '*',
    },
  ],
};

const stringOrList = (value: unknown): value is string | readonly string[] =>
  typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));

/**
 * The statements of a resolved policy document, keeping what IAM evaluation needs (`Sid` and
 * `Principal` are dropped). Throws an {@link UnresolvableError} naming a malformed statement.
 *
 * @example
 * ```ts
 * statementsOf({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } }, 'Stack', 'Policy');
 * // [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]
 * ```
 */
export function statementsOf(document: unknown, stackName: string, path: string): PolicyStatement[] {
  const statement = isRecord(document) ? document['Statement'] : undefined;
  const list: unknown[] = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  return list.map((item, index) => {
    const where = `${path}.Statement[${index}]`;
    if (!isRecord(item) || (item['Effect'] !== 'Allow' && item['Effect'] !== 'Deny')) {
      throw new UnresolvableError({
        stackName,
        path: where,
        reason: 'a statement needs Effect Allow or Deny',
      });
    }
    const result: {
      -readonly [K in keyof PolicyStatement]: PolicyStatement[K];
    } = { Effect: item['Effect'] };
    for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      const value = item[key];
      if (value === undefined) continue;
      if (!stringOrList(value)) {
        throw new UnresolvableError({
          stackName,
          path: `${where}.${key}`,
          reason: 'expected a string or a list of strings',
        });
      }
      result[key] = value;
    }
    if (isRecord(item['Condition'])) result.Condition = item['Condition'];
    return result;
  });
}

interface RoleRef {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
}

/**
 * Collects the policies of execution roles across the loaded stacks: a role's inline `Policies`,
 * every `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` whose `Roles` name it, and its
 * `ManagedPolicyArns` (customer managed policies of the stacks, or the AWS managed policies in
 * {@link awsManagedPolicies}). Roles no loaded stack defines, and managed policies it does not
 * know, grant nothing; each is reported once through `warn`.
 *
 * @example
 * ```ts
 * const policies = new RolePolicies(resolver, ['SliceOrders-dev'], console.warn);
 * policies.statements(roleArn, 'SliceOrders-dev/PlaceOrder'); // [{ Effect: 'Allow', Action: ['dynamodb:PutItem', …], … }, …]
 * ```
 */
export class RolePolicies {
  private roles?: Map<string, RoleRef>;
  private attached?: { stackName: string; logicalId: string; roles: string[] }[];

  constructor(
    private readonly resolver: Resolver,
    private readonly stackNames: readonly string[],
    private readonly warn: (message: string) => void,
  ) {}

  /** Every statement that applies to the role with this ARN; empty for a role no loaded stack defines. */
  statements(roleArn: string, usedBy: string): PolicyStatement[] {
    const role = this.roleIndex().get(roleArn);
    if (!role) {
      this.warn(
        `${usedBy} runs with ${roleArn}, which no loaded stack defines: it is granted nothing locally.`,
      );
      return [];
    }
    const { stackName, logicalId } = role;
    const statements: PolicyStatement[] = [];

    const inline = this.resolver.property(stackName, logicalId, 'Policies');
    (Array.isArray(inline) ? inline : []).forEach((policy, index) => {
      const document = isRecord(policy) ? policy['PolicyDocument'] : undefined;
      statements.push(
        ...statementsOf(document, stackName, `${logicalId}.Properties.Policies[${index}].PolicyDocument`),
      );
    });

    for (const policy of this.attachedPolicies()) {
      if (!policy.roles.includes(role.name)) continue;
      const document = this.resolver.property(policy.stackName, policy.logicalId, 'PolicyDocument');
      statements.push(
        ...statementsOf(document, policy.stackName, `${policy.logicalId}.Properties.PolicyDocument`),
      );
    }

    const managed = this.resolver.property(stackName, logicalId, 'ManagedPolicyArns');
    for (const arn of Array.isArray(managed) ? managed : []) {
      if (typeof arn !== 'string') continue;
      statements.push(...this.managedPolicy(arn, `${stackName}/${logicalId}`));
    }
    return statements;
  }

  private managedPolicy(arn: string, roleId: string): PolicyStatement[] {
    const awsManaged = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
    if (awsManaged !== undefined) {
      const known = awsManagedPolicies[awsManaged];
      if (known) return [...known];
      this.warn(
        `${roleId} attaches the AWS managed policy ${awsManaged}, which the local cloud does not know: it grants nothing locally.`,
      );
      return [];
    }
    for (const stackName of this.stackNames) {
      for (const [logicalId] of this.resolver.resources(stackName, 'AWS::IAM::ManagedPolicy')) {
        if (this.resolver.physicalId(stackName, logicalId) !== arn) continue;
        return statementsOf(
          this.resolver.property(stackName, logicalId, 'PolicyDocument'),
          stackName,
          `${logicalId}.Properties.PolicyDocument`,
        );
      }
    }
    this.warn(
      `${roleId} attaches the managed policy ${arn}, which no loaded stack defines: it grants nothing locally.`,
    );
    return [];
  }

  private roleIndex(): Map<string, RoleRef> {
    if (!this.roles) {
      this.roles = new Map();
      for (const stackName of this.stackNames) {
        for (const [logicalId] of this.resolver.resources(stackName, 'AWS::IAM::Role')) {
          const arn = this.resolver.attribute(stackName, logicalId, 'Arn', `${logicalId}.Arn`) as string;
          this.roles.set(arn, { stackName, logicalId, name: this.resolver.physicalId(stackName, logicalId) });
        }
      }
    }
    return this.roles;
  }

  private attachedPolicies() {
    this.attached ??= this.stackNames.flatMap((stackName) =>
      [
        ...this.resolver.resources(stackName, 'AWS::IAM::Policy'),
        ...this.resolver.resources(stackName, 'AWS::IAM::ManagedPolicy'),
      ].map(([logicalId]) => {
        const roles = this.resolver.property(stackName, logicalId, 'Roles');
        return {
          stackName,
          logicalId,
          roles: Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [],
        };
      }),
    );
    return this.attached;
  }
}
