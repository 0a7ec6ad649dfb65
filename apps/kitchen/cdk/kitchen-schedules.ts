import { Duration, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '@slice/cdk';

/** Props of {@link KitchenSchedules}. */
export interface KitchenSchedulesProps {
  /** Announces and counts the tickets waiting too long. */
  readonly sweepOverdue: lambda.IFunction;
  /** Writes the day's summary. */
  readonly writeDailySummary: lambda.IFunction;
  /** The store's IANA time zone: the daily summary runs at its local closing time. */
  readonly timeZone: string;
  /**
   * The store's closing time, local, as `HH:MM`.
   * @default '23:30'
   */
  readonly closingTime?: string;
}

/**
 * Kitchen's EventBridge Scheduler schedules: the overdue sweep every 5 minutes (its
 * `OverdueTickets` metric and {@link overdueAlarm}) and the daily summary at the store's local
 * closing time (daylight saving followed). Runs that fail after their retries go to a dead-letter
 * queue, which alarms.
 *
 * @example
 * ```ts
 * new KitchenSchedules(this, 'Schedules', { sweepOverdue, writeDailySummary, timeZone: 'Europe/Amsterdam' });
 * ```
 */
export class KitchenSchedules extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly overdueSweep: scheduler.Schedule;
  readonly dailySummary: scheduler.Schedule;
  /** Tickets waiting too long for a cook, two sweeps in a row. */
  readonly overdueAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: KitchenSchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      "This queue is the dead-letter queue of Kitchen's schedules.",
    );
    const target = (fn: lambda.IFunction, maxEventAge: Duration) =>
      new targets.LambdaInvoke(fn, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 3, maxEventAge });

    this.overdueSweep = new scheduler.Schedule(this, 'OverdueSweep', {
      description: 'Every 5 minutes: tickets waiting too long for a cook (TicketOverdue, OverdueTickets).',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
      // A sweep older than the next one is worth nothing.
      target: target(props.sweepOverdue, Duration.minutes(5)),
    });
    const [hour, minute] = (props.closingTime ?? '23:30').split(':');
    this.dailySummary = new scheduler.Schedule(this, 'DailySummary', {
      description: "The kitchen's day, at the store's local closing time.",
      schedule: scheduler.ScheduleExpression.cron({ hour, minute, timeZone: TimeZone.of(props.timeZone) }),
      target: target(props.writeDailySummary, Duration.hours(1)),
    });

    this.overdueAlarm = new cloudwatch.Alarm(this, 'OverdueAlarm', {
      alarmDescription: 'Tickets have waited too long for a cook for two sweeps in a row.',
      metric: new cloudwatch.Metric({
        namespace: 'Slice',
        metricName: 'OverdueTickets',
        dimensionsMap: { service: 'kitchen' },
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'A Kitchen schedule run failed after its retries.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
