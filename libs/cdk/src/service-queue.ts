import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { ServiceStack } from './service-stack';

/** Props of {@link ServiceQueue}. */
export interface ServiceQueueProps {
  /** The function (or its `live` alias) that consumes the queue with partial batch responses. */
  readonly consumer: lambda.IFunction;
  /**
   * How long a received message stays invisible; AWS recommends six times the consumer's timeout.
   * @default 60 seconds
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives before a message is parked in the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Messages per batch.
   * @default 10
   */
  readonly batchSize?: number;
}

/**
 * A queue, its dead-letter queue and its consumer, the way Slice consumes messages: encrypted,
 * TLS only, partial batch responses (`ReportBatchItemFailures`, which `sqs()` of
 * `@slice/middleware` answers through Powertools batch), a message that keeps failing parked in
 * the DLQ after `maxReceiveCount` receives, and both queues on the service's dashboard (an alarm
 * as soon as the DLQ holds a message).
 *
 * @example
 * ```ts
 * const tickets = new ServiceQueue(this, 'Tickets', { consumer: this.handlerFunction('acceptTicket', functions) });
 * tickets.queue.grantSendMessages(placeOrder);
 * ```
 */
export class ServiceQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** The alarm on a message in the dead-letter queue (for a rollout to watch); none outside a {@link ServiceStack}. */
  readonly deadLetterAlarm: cloudwatch.Alarm | undefined;

  constructor(scope: Construct, id: string, props: ServiceQueueProps) {
    super(scope, id);
    const secure = { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      ...secure,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', `This queue is the dead-letter queue of ${id}.`);
    this.queue = new sqs.Queue(this, 'Queue', {
      ...secure,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(60),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    props.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        reportBatchItemFailures: true,
      }),
    );
    const monitoring = ServiceStack.find(this)?.monitoring;
    monitoring?.addQueue(this.queue, id);
    this.deadLetterAlarm = monitoring?.addDeadLetterQueue(this.deadLetterQueue, `${id}DeadLetters`);
  }
}
