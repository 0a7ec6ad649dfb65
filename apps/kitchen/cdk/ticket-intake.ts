import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '@slice/cdk';
import { OrderCancelled, OrderPlaced } from '@slice/contracts-orders';

/** Props of {@link TicketIntake}. */
export interface TicketIntakeProps {
  /** The platform bus Orders publishes on. */
  readonly eventBus: events.IEventBus;
  /** The function (or its `live` alias) that reads the queue with partial batch responses. */
  readonly consumer: lambda.IFunction;
  /** The consumer's timeout: the queue's visibility timeout is six times it, as AWS recommends. */
  readonly consumerTimeout: Duration;
  /**
   * Receives of a message before it is parked in the dead-letter queue.
   * @default 3
   */
  readonly maxReceiveCount?: number;
}

/**
 * How orders reach the kitchen: an EventBridge rule sends Orders' `OrderPlaced` and
 * `OrderCancelled` to the Kitchen queue, which a function reads in batches with partial batch
 * responses; a message that keeps failing ends in the dead-letter queue (so does an event the
 * rule could not deliver), and {@link deadLetterAlarm} goes off on the first one.
 *
 * @example
 * ```ts
 * new TicketIntake(this, 'Intake', { eventBus: this.eventBus, consumer: takeOrderEvents, consumerTimeout: Duration.seconds(10) });
 * ```
 */
export class TicketIntake extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;
  /** Any message in the dead-letter queue. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Orders waiting in the queue for more than a minute: the consumer is not keeping up. */
  readonly backlogAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TicketIntakeProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the Kitchen queue and rule.',
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });
    this.rule = new events.Rule(this, 'OrderEvents', {
      eventBus: props.eventBus,
      description: "Orders' OrderPlaced and OrderCancelled to the Kitchen queue.",
      eventPattern: {
        source: [OrderPlaced.source],
        detailType: [OrderPlaced.detailType, OrderCancelled.detailType],
      },
      targets: [
        new targets.SqsQueue(this.queue, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    props.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        // No batching window: a placed order reaches the kitchen at once.
        maxBatchingWindow: Duration.seconds(0),
        reportBatchItemFailures: true,
      }),
    );
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'An order event the kitchen could not take is in the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.backlogAlarm = new cloudwatch.Alarm(this, 'BacklogAlarm', {
      alarmDescription: 'Orders have waited over a minute in the Kitchen queue.',
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 60,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
