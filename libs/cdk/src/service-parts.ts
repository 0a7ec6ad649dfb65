import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { ServiceStack } from './service-stack';
import type { ServiceTable } from './service-table';

/** Props of {@link CursorSigningKey}. */
export interface CursorSigningKeyProps {
  /** What the key signs, for the secret's description: `the Orders API pagination cursors`. */
  readonly purpose: string;
}

/**
 * The secret that signs a service's pagination cursors, generated at deploy time. A function gets
 * the secret's ARN, never its value ({@link grantRead}: `CURSOR_SIGNING_KEY_SECRET_ARN` and
 * `secretsmanager:GetSecretValue` on this secret only), and reads the key at cold start
 * (`secretCursorCodec` of `@slice/dynamodb`), so whoever may read a function's configuration does
 * not see it.
 *
 * @example
 * ```ts
 * const cursors = new CursorSigningKey(this, 'CursorSigningKey', { purpose: 'the Orders API pagination cursors' });
 * cursors.grantRead(listOrders); // CURSOR_SIGNING_KEY_SECRET_ARN, and the grant to read it
 * ```
 */
export class CursorSigningKey extends Construct {
  /** The environment variable that names the secret. */
  static readonly environmentVariable = 'CURSOR_SIGNING_KEY_SECRET_ARN';
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CursorSigningKeyProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `Signs ${props.purpose}.`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      'Signs pagination cursors only; rotating it merely invalidates open cursors, so it is rotated by redeploying.',
    );
  }

  /** Lets a function read the key: the secret's ARN in its environment, and read access to this secret alone. */
  grantRead(fn: lambda.Function): void {
    fn.addEnvironment(CursorSigningKey.environmentVariable, this.secret.secretArn);
    this.secret.grantRead(fn);
  }
}

/** Props of {@link TableStreamSubscription}. */
export interface TableStreamSubscriptionProps {
  /** The table whose stream feeds the function. */
  readonly table: ServiceTable;
  /** The function (or its `live` alias) that handles the changes with partial batch failures. */
  readonly handler: lambda.IFunction;
  /**
   * Records per batch.
   * @default 25
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before it invokes the function. A window delays every change
   * by up to its length when traffic is light (one order waits the whole window for company), so
   * the outbox takes none, as the streams' default: Lambda invokes with what it read.
   * @default Duration.seconds(0)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch (bisected on each error) before it is parked in the DLQ.
   * @default 10
   */
  readonly retryAttempts?: number;
}

/**
 * A table stream feeding a function the way an outbox needs it: from the start of the stream,
 * partial batch failures (`ReportBatchItemFailures`), bisect on error, bounded retries, and a DLQ
 * for what still fails, so no change is skipped silently.
 *
 * @example
 * ```ts
 * new TableStreamSubscription(this, 'Outbox', { table, handler: publishOrderEvents });
 * ```
 */
export class TableStreamSubscription extends Construct {
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: TableStreamSubscriptionProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the stream event source.',
    );
    props.handler.addEventSource(
      new DynamoEventSource(props.table.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 25,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(0),
        bisectBatchOnError: true,
        retryAttempts: props.retryAttempts ?? 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
    ServiceStack.find(this)?.monitoring.addDeadLetterQueue(this.deadLetterQueue, `${id}DeadLetters`);
  }
}
