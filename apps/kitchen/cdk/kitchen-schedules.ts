import { Duration, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { ServiceSchedule } from '@slice/cdk';

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
 * Kitchen's EventBridge Scheduler schedules, each a {@link ServiceSchedule} (its retries, its
 * dead-letter queue and that queue's alarm): the overdue sweep every 5 minutes (its
 * `OverdueTickets` metric and {@link overdueAlarm}) and the daily summary at the store's local
 * closing time (daylight saving followed).
 *
 * @example
 * ```ts
 * new KitchenSchedules(this, 'Schedules', { sweepOverdue, writeDailySummary, timeZone: 'Europe/Amsterdam' });
 * ```
 */
export class KitchenSchedules extends Construct {
  readonly overdueSweep: ServiceSchedule;
  readonly dailySummary: ServiceSchedule;
  /** Tickets waiting too long for a cook, two sweeps in a row. */
  readonly overdueAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: KitchenSchedulesProps) {
    super(scope, id);
    this.overdueSweep = new ServiceSchedule(this, 'OverdueSweep', {
      target: props.sweepOverdue,
      description: 'Every 5 minutes: tickets waiting too long for a cook (TicketOverdue, OverdueTickets).',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
      // A sweep older than the next one is worth nothing.
      maxEventAge: Duration.minutes(5),
    });
    const [hour, minute] = (props.closingTime ?? '23:30').split(':');
    this.dailySummary = new ServiceSchedule(this, 'DailySummary', {
      target: props.writeDailySummary,
      description: "The kitchen's day, at the store's local closing time.",
      schedule: scheduler.ScheduleExpression.cron({ hour, minute, timeZone: TimeZone.of(props.timeZone) }),
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
  }
}
