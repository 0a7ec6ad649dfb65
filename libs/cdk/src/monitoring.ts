import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { handlerFileOf } from './route-functions';

/** Props of {@link ServiceMonitoring}. */
export interface ServiceMonitoringProps {
  /** The service's name, for alarm names and the dashboard's title. */
  readonly serviceName: string;
  /** The stage, for alarm names and the dashboard's title. */
  readonly stage: string;
}

/** What {@link ServiceMonitoring.addApi} shows of a REST API: its stage and the alarms it has. */
export interface MonitoredApi {
  readonly deploymentStage: apigateway.Stage;
  /** The API's own alarms (5xx rate, p99 latency, throttled requests), shown on the dashboard. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const minute = Duration.minutes(1);
const graph = (title: string, metrics: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
  new cloudwatch.GraphWidget({ title, left: metrics, right, width: 12, height: 6 });

/**
 * The service's CloudWatch dashboard and the alarms nobody should have to remember: every part of
 * a {@link ServiceStack} registers itself here as it is created (a `ServiceFunction`, a
 * `ServiceApi`, a dead-letter queue, a workflow), so a new service is watched from its first
 * deploy. It alarms on each function's throttles, each dead-letter queue holding a message, and
 * each workflow's failed, timed-out or aborted executions; the API's 5xx and latency alarms are
 * the API's own and appear on the dashboard next to its graphs.
 *
 * Alarms have no actions: where they notify (a pager, a chat channel) is the platform's choice;
 * `alarms` lists them for that.
 *
 * @example
 * ```ts
 * const stack = new ServiceStack(app, 'Orders', { stage: 'dev', service: ordersContract.service });
 * stack.monitoring.addDeadLetterQueue(deadLetters); // an alarm when a message is parked
 * ```
 */
export class ServiceMonitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm this construct created, in creation order. */
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly serviceName: string;
  private readonly stage: string;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    this.serviceName = props.serviceName;
    this.stage = props.stage;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# ${props.serviceName} (${props.stage})\nAPI, functions, queues and workflows of the service.`,
            width: 24,
            height: 2,
          }),
        ],
      ],
    });
  }

  /** Graphs a REST API stage (requests, 4xx/5xx, latency) and shows its alarms. */
  addApi(api: MonitoredApi): void {
    const stage = api.deploymentStage;
    this.dashboard.addWidgets(
      graph(
        'API requests and errors',
        [stage.metricCount({ period: minute })],
        [stage.metricClientError({ period: minute }), stage.metricServerError({ period: minute })],
      ),
      graph('API latency (p50, p99)', [
        stage.metricLatency({ statistic: 'p50', period: minute }),
        stage.metricLatency({ statistic: 'p99', period: minute }),
      ]),
    );
    if (api.alarms.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.AlarmStatusWidget({ title: 'API alarms', alarms: [...api.alarms], width: 24 }),
      );
    }
  }

  /** Graphs a function (invocations, errors, throttles, duration) and alarms on its throttles. */
  addFunction(fn: lambda.Function, name: string): void {
    this.dashboard.addWidgets(
      graph(
        `${name}: invocations, errors, throttles`,
        [fn.metricInvocations({ period: minute })],
        [fn.metricErrors({ period: minute }), fn.metricThrottles({ period: minute })],
      ),
      graph(`${name}: duration (p50, p99)`, [
        fn.metricDuration({ statistic: 'p50', period: minute }),
        fn.metricDuration({ statistic: 'p99', period: minute }),
      ]),
    );
    this.alarm(`${name}ThrottlesAlarm`, {
      alarmName: this.alarmName(`${kebab(name)}-throttles`),
      alarmDescription: `Invocations of ${name} throttled on ${this.stage}: concurrency is exhausted.`,
      metric: fn.metricThrottles({ statistic: 'Sum', period: minute }),
      threshold: 0,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
  }

  /** Graphs a queue a function consumes (visible messages, age of the oldest). */
  addQueue(queue: sqs.IQueue, name: string): void {
    this.dashboard.addWidgets(
      graph(
        `${name}: messages visible`,
        [queue.metricApproximateNumberOfMessagesVisible({ period: minute })],
        [queue.metricApproximateAgeOfOldestMessage({ period: minute })],
      ),
    );
  }

  /** Alarms as soon as a dead-letter queue holds a message: something failed for good. Answers the alarm. */
  addDeadLetterQueue(queue: sqs.IQueue, name: string): cloudwatch.Alarm {
    const metric = queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: minute });
    this.dashboard.addWidgets(graph(`${name}: dead letters`, [metric]));
    return this.alarm(`${name}DepthAlarm`, {
      alarmName: this.alarmName(kebab(name)),
      alarmDescription: `Messages parked in ${name} on ${this.stage}: each is work that failed for good.`,
      metric,
      threshold: 0,
      evaluationPeriods: 1,
    });
  }

  /** Graphs a state machine's executions and alarms on failed, timed-out or aborted ones. */
  addWorkflow(stateMachine: sfn.IStateMachine, name: string): void {
    const failed = new cloudwatch.MathExpression({
      expression: 'failed + timedOut + aborted',
      label: 'failed, timed out or aborted',
      period: minute,
      usingMetrics: {
        failed: stateMachine.metricFailed({ statistic: 'Sum', period: minute }),
        timedOut: stateMachine.metricTimedOut({ statistic: 'Sum', period: minute }),
        aborted: stateMachine.metricAborted({ statistic: 'Sum', period: minute }),
      },
    });
    this.dashboard.addWidgets(
      graph(`${name}: executions`, [stateMachine.metricStarted({ period: minute })], [failed]),
    );
    this.alarm(`${name}FailedExecutionsAlarm`, {
      alarmName: this.alarmName(`${kebab(name)}-failed-executions`),
      alarmDescription: `Executions of ${name} that failed, timed out or were aborted on ${this.stage}.`,
      metric: failed,
      threshold: 0,
      evaluationPeriods: 1,
    });
  }

  private alarmName(what: string): string {
    return `slice-${this.serviceName}-${this.stage}-${what}`;
  }

  private alarm(id: string, props: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData'>) {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
    return alarm;
  }
}

/** `PlaceOrder` → `place-order`, for alarm names. */
function kebab(name: string): string {
  return handlerFileOf(name.charAt(0).toLowerCase() + name.slice(1));
}
