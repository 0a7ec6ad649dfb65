import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ServiceQueue } from '@slice/cdk';
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
 * `OrderCancelled` to the Kitchen queue (a {@link ServiceQueue}: its consumer reads batches of 10
 * with partial batch responses and no batching window, a message that keeps failing is parked in
 * the dead-letter queue, which alarms on the first). An event the rule could not deliver goes to
 * the same dead-letter queue; {@link backlogAlarm} goes off when orders wait in the queue.
 *
 * @example
 * ```ts
 * new TicketIntake(this, 'Intake', { eventBus: this.eventBus, consumer: takeOrderEvents, consumerTimeout: Duration.seconds(10) });
 * ```
 */
export class TicketIntake extends Construct {
  readonly orderEvents: ServiceQueue;
  readonly rule: events.Rule;
  /** Orders waiting in the queue for more than a minute: the consumer is not keeping up. */
  readonly backlogAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TicketIntakeProps) {
    super(scope, id);
    this.orderEvents = new ServiceQueue(this, 'OrderEvents', {
      consumer: props.consumer,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      maxReceiveCount: props.maxReceiveCount ?? 3,
    });
    const { queue, deadLetterQueue } = this.orderEvents;
    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.eventBus,
      description: "Orders' OrderPlaced and OrderCancelled to the Kitchen queue.",
      eventPattern: {
        source: [OrderPlaced.source],
        detailType: [OrderPlaced.detailType, OrderCancelled.detailType],
      },
      targets: [
        new targets.SqsQueue(queue, { deadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24) }),
      ],
    });
    this.backlogAlarm = new cloudwatch.Alarm(this, 'BacklogAlarm', {
      alarmDescription: 'Orders have waited over a minute in the Kitchen queue.',
      metric: queue.metricApproximateAgeOfOldestMessage({
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
