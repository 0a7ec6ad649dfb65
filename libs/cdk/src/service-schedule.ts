import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, invokeWildcardFinding } from './nag';
import { ServiceStack } from './service-stack';

/** Props of {@link ServiceSchedule}. */
export interface ServiceScheduleProps {
  /** The function (or its `live` alias) the schedule invokes. */
  readonly target: lambda.IFunction;
  /** When it runs: `scheduler.ScheduleExpression.rate(Duration.minutes(5))` or a cron expression. */
  readonly schedule: scheduler.ScheduleExpression;
  /** What the schedule is for, as its description. */
  readonly description: string;
  /**
   * How long a run is retried before it goes to the dead-letter queue: a run worth nothing once
   * the next one is due takes the schedule's period.
   * @default 1 hour
   */
  readonly maxEventAge?: Duration;
}

/**
 * An EventBridge Scheduler schedule invoking a function, with what AWS leaves to the caller: a
 * bounded retry policy (3 attempts within `maxEventAge`, an hour by default), a dead-letter queue for invocations that
 * still fail, and that queue on the service's dashboard with an alarm.
 *
 * @example
 * ```ts
 * new ServiceSchedule(this, 'Sweep', {
 *   target: this.handlerFunction('sweepTickets', functions),
 *   schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
 *   description: 'Marks tickets nobody cooked within the hour as overdue',
 * });
 * ```
 */
export class ServiceSchedule extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly deadLetterQueue: sqs.Queue;
  /** The alarm on a run in the dead-letter queue; none outside a {@link ServiceStack}. */
  readonly deadLetterAlarm: cloudwatch.Alarm | undefined;

  constructor(scope: Construct, id: string, props: ServiceScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', `This queue is the dead-letter queue of ${id}.`);
    // The schedule's own role, so its grant and the reason for it sit in this construct.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
    });
    acknowledge(
      role,
      invokeWildcardFinding(props.target),
      'Invoking a function version or alias needs the qualified ARN: the grant is for this target only.',
    );
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: props.schedule,
      description: props.description,
      target: new targets.LambdaInvoke(props.target, {
        role,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: props.maxEventAge ?? Duration.hours(1),
      }),
    });
    this.deadLetterAlarm = ServiceStack.find(this)?.monitoring.addDeadLetterQueue(
      this.deadLetterQueue,
      `${id}DeadLetters`,
    );
  }
}
