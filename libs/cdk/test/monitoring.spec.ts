import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ServiceQueue, ServiceSchedule, ServiceWorkflow } from '../src';
import { buildPizzasService, fixtureEntry, pizzasStack } from './support';
import { ServiceFunction } from '../src';

const alarmsOf = (template: Template) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as { AlarmName: string; Threshold: number; MetricName?: string },
  );

describe('ServiceMonitoring', () => {
  it('gives a service one dashboard with its API and every function on it', () => {
    const { stack } = buildPizzasService('dev');

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]);
    for (const title of [
      'API requests and errors',
      'API latency',
      'GetPizza: invocations',
      'AddPizza: duration',
    ]) {
      expect(body).toContain(title);
    }
  });

  it('alarms on each function throttling', () => {
    const { stack } = buildPizzasService('dev');

    const throttles = alarmsOf(Template.fromStack(stack)).filter((alarm) => alarm.MetricName === 'Throttles');
    expect(throttles.map((alarm) => alarm.AlarmName).sort()).toEqual([
      'slice-pizzas-dev-add-pizza-throttles',
      'slice-pizzas-dev-get-pizza-throttles',
      'slice-pizzas-dev-retire-pizza-throttles',
    ]);
  });

  it('alarms as soon as a dead-letter queue of a queue or a schedule holds a message', () => {
    const { stack } = pizzasStack('dev');
    const consumer = new ServiceFunction(stack, 'Consume', { entry: fixtureEntry });
    new ServiceQueue(stack, 'Orders', { consumer });
    new ServiceSchedule(stack, 'Sweep', {
      target: consumer,
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      description: 'A sweep',
    });

    const depth = alarmsOf(Template.fromStack(stack)).filter(
      (alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(depth.map((alarm) => [alarm.AlarmName, alarm.Threshold])).toEqual([
      ['slice-pizzas-dev-orders-dead-letters', 0],
      ['slice-pizzas-dev-sweep-dead-letters', 0],
    ]);
  });

  it('hands each dead-letter alarm to its queue and schedule, for a rollout to watch, and retries a run for its maxEventAge', () => {
    const { stack } = pizzasStack('dev');
    const consumer = new ServiceFunction(stack, 'Consume', { entry: fixtureEntry });
    const queue = new ServiceQueue(stack, 'Orders', { consumer });
    const sweep = new ServiceSchedule(stack, 'Sweep', {
      target: consumer,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
      description: 'A sweep',
      maxEventAge: Duration.minutes(5),
    });

    const template = Template.fromStack(stack);
    expect([queue.deadLetterAlarm, sweep.deadLetterAlarm].map((alarm) => alarm?.node.id)).toEqual([
      'OrdersDeadLettersDepthAlarm',
      'SweepDeadLettersDepthAlarm',
    ]);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 3 } }),
    });
  });

  it('alarms on failed, timed-out or aborted workflow executions', () => {
    const { stack } = pizzasStack('dev');
    new ServiceWorkflow(stack, 'Bake', { task: new ServiceFunction(stack, 'Step', { entry: fixtureEntry }) });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slice-pizzas-dev-bake-failed-executions',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'failed + timedOut + aborted' }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed' }) }),
        }),
      ]),
    });
  });
});
