import { RemovalPolicy, Stack, type CfnResource } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge } from './nag';
import { stageContextOf } from './service-context';

/**
 * Properties of a {@link ServiceTable}; all optional.
 *
 * @example
 * ```ts
 * const props: ServiceTableProps = { stream: StreamViewType.NEW_AND_OLD_IMAGES, timeToLiveAttribute: 'expiresAt' };
 * ```
 */
export interface ServiceTableProps {
  /**
   * The partition key.
   *
   * @default { name: 'pk', type: AttributeType.STRING }
   */
  readonly partitionKey?: dynamodb.Attribute;

  /**
   * The sort key; `false` for a table keyed by its partition key alone.
   *
   * @default { name: 'sk', type: AttributeType.STRING }
   */
  readonly sortKey?: dynamodb.Attribute | false;

  /**
   * Global secondary indexes, each named after the access pattern it serves.
   *
   * @default - no global secondary indexes
   */
  readonly globalSecondaryIndexes?: dynamodb.GlobalSecondaryIndexPropsV2[];

  /**
   * What the table's stream carries. Set it to publish domain events from the table (outbox).
   *
   * @default - no stream
   */
  readonly stream?: dynamodb.StreamViewType;

  /**
   * The attribute holding each item's expiry time in epoch seconds.
   *
   * @default - no time to live
   */
  readonly timeToLiveAttribute?: string;

  /**
   * What happens to the table when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY on development stages (`dev`, `local`), RemovalPolicy.RETAIN otherwise
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the table refuses to be deleted.
   *
   * @default false on development stages (`dev`, `local`), true otherwise
   */
  readonly deletionProtection?: boolean;

  /**
   * The stage, which sets the defaults above.
   *
   * @default the stage of the enclosing ServiceStack
   */
  readonly stage?: string;
}

/**
 * The DynamoDB table of a Slice service: on-demand, keys `pk`/`sk` (strings) by default,
 * point-in-time recovery on, encrypted with the AWS managed key, protected from deletion and
 * retained outside development stages.
 *
 * Grant access with its `grant*` methods: they also acknowledge, with the reason, the cdk-nag
 * finding on the `<table>/index/*` wildcard that every grant covering the indexes carries.
 *
 * @example
 * ```ts
 * const table = new ServiceTable(this, 'Table', {
 *   globalSecondaryIndexes: [{ indexName: 'byCustomer', partitionKey: { name: 'customerId', type: AttributeType.STRING } }],
 *   stream: StreamViewType.NEW_AND_OLD_IMAGES,
 * });
 * table.grantReadWriteData(placeOrder);
 * placeOrder.addEnvironment('TABLE_NAME', table.tableName);
 * ```
 */
export class ServiceTable extends Construct {
  /** The table. */
  readonly table: dynamodb.ITableV2;

  /** The table's name. */
  readonly tableName: string;

  /** The table's ARN. */
  readonly tableArn: string;

  /** The ARN of the table's stream, when it has one. */
  readonly tableStreamArn: string | undefined;

  private readonly hasIndexes: boolean;

  constructor(scope: Construct, id: string, props: ServiceTableProps = {}) {
    super(scope, id);
    const { isDevelopment } = stageContextOf(this, props.stage);
    const sortKey = props.sortKey ?? { name: 'sk', type: dynamodb.AttributeType.STRING };

    const table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: props.partitionKey ?? { name: 'pk', type: dynamodb.AttributeType.STRING },
      ...(sortKey ? { sortKey } : {}),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.deletionProtection ?? !isDevelopment,
      removalPolicy: props.removalPolicy ?? (isDevelopment ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN),
      globalSecondaryIndexes: props.globalSecondaryIndexes,
      dynamoStream: props.stream,
      timeToLiveAttribute: props.timeToLiveAttribute,
    });
    this.table = table;
    this.tableName = table.tableName;
    this.tableArn = table.tableArn;
    // TableV2 hands out a stream ARN token even without a stream; it would fail at deploy time.
    this.tableStreamArn = props.stream ? table.tableStreamArn : undefined;
    this.hasIndexes = (props.globalSecondaryIndexes?.length ?? 0) > 0;
  }

  /**
   * Lets `grantee` read items (get, batch get, query, scan, describe) from the table and its indexes.
   *
   * @example
   * ```ts
   * table.grantReadData(getOrder);
   * ```
   */
  grantReadData(grantee: iam.IGrantable): iam.Grant {
    const grant = this.table.grantReadData(grantee);
    this.acknowledgeIndexWildcard(grantee);
    return grant;
  }

  /**
   * Lets `grantee` write items (put, update, delete, batch write) to the table.
   *
   * @example
   * ```ts
   * table.grantWriteData(importItems);
   * ```
   */
  grantWriteData(grantee: iam.IGrantable): iam.Grant {
    const grant = this.table.grantWriteData(grantee);
    this.acknowledgeIndexWildcard(grantee);
    return grant;
  }

  /**
   * Lets `grantee` read and write items of the table and read its indexes.
   *
   * @example
   * ```ts
   * table.grantReadWriteData(placeOrder);
   * ```
   */
  grantReadWriteData(grantee: iam.IGrantable): iam.Grant {
    const grant = this.table.grantReadWriteData(grantee);
    this.acknowledgeIndexWildcard(grantee);
    return grant;
  }

  /**
   * Lets `grantee` call the given DynamoDB actions on the table (and its indexes).
   *
   * @example
   * ```ts
   * table.grant(reserveStock, 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem');
   * ```
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    const grant = this.table.grant(grantee, ...actions);
    this.acknowledgeIndexWildcard(grantee);
    return grant;
  }

  /**
   * Lets `grantee` read the table's stream, for a stream event source (the outbox publisher).
   * Throws when the table has no stream.
   *
   * @example
   * ```ts
   * table.grantStreamRead(publishEvents);
   * ```
   */
  grantStreamRead(grantee: iam.IGrantable): iam.Grant {
    if (this.tableStreamArn === undefined) {
      throw new Error(`${this.node.path} has no stream; set the stream prop to read it.`);
    }
    const grant = this.table.grantStreamRead(grantee);
    acknowledge(
      policyHolderOf(grantee),
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams has no resource-level permissions; reading the stream itself is scoped to its ARN.',
    );
    return grant;
  }

  /** Grants on a table with indexes cover `<table>/index/*`, which cdk-nag reports as a wildcard. */
  private acknowledgeIndexWildcard(grantee: iam.IGrantable): void {
    if (!this.hasIndexes) return;
    const stack = Stack.of(this);
    const cfnTable = this.table.node.defaultChild as CfnResource;
    const logicalId = stack.resolve(cfnTable.logicalId) as string;
    acknowledge(
      policyHolderOf(grantee),
      `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
      `Access to ${this.node.path} covers its indexes; index names are part of the table design, not a widening of access.`,
    );
  }
}

/** The construct whose subtree holds the IAM policy a grant writes to. */
function policyHolderOf(grantee: iam.IGrantable): IConstruct {
  const principal: unknown = grantee.grantPrincipal;
  if (Construct.isConstruct(principal)) return principal;
  if (Construct.isConstruct(grantee)) return grantee;
  throw new Error('The grantee must be a construct of this app (a function or a role).');
}

/**
 * Properties of an {@link IdempotencyTable}; its keys and time to live are fixed.
 *
 * @example
 * ```ts
 * new IdempotencyTable(this, 'Idempotency', { removalPolicy: RemovalPolicy.DESTROY });
 * ```
 */
export interface IdempotencyTableProps {
  /**
   * What happens to the table when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY on development stages (`dev`, `local`), RemovalPolicy.RETAIN otherwise
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the table refuses to be deleted.
   *
   * @default false on development stages (`dev`, `local`), true otherwise
   */
  readonly deletionProtection?: boolean;

  /**
   * The stage, which sets the defaults above.
   *
   * @default the stage of the enclosing ServiceStack
   */
  readonly stage?: string;
}

/**
 * The table Powertools idempotency keeps its records in: partition key `id`, no sort key, records
 * expire through the `expiration` attribute. One per service; every idempotent handler of the
 * service shares it (records are keyed by function and payload hash).
 *
 * @example
 * ```ts
 * const idempotency = new IdempotencyTable(this, 'Idempotency');
 * idempotency.grantIdempotency(placeOrder); // permissions + IDEMPOTENCY_TABLE_NAME
 * ```
 */
export class IdempotencyTable extends ServiceTable {
  /** The actions Powertools idempotency uses on its table. */
  static readonly actions: readonly string[] = [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ];

  constructor(scope: Construct, id: string, props: IdempotencyTableProps = {}) {
    super(scope, id, {
      ...props,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      sortKey: false,
      timeToLiveAttribute: 'expiration',
    });
  }

  /**
   * Lets `grantee` keep idempotency records (get, put, update, delete items) and, when it is a
   * Lambda function, sets its `IDEMPOTENCY_TABLE_NAME`.
   *
   * @example
   * ```ts
   * idempotency.grantIdempotency(placeOrder);
   * ```
   */
  grantIdempotency(grantee: iam.IGrantable): iam.Grant {
    if (grantee instanceof lambda.Function) grantee.addEnvironment('IDEMPOTENCY_TABLE_NAME', this.tableName);
    return this.table.grant(grantee, ...IdempotencyTable.actions);
  }
}
