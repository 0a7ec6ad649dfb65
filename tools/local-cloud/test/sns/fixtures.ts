import { TestClock } from '../../src/clock';
import {
  readSubscription,
  readTopic,
  Sns,
  type DeliveryFailure,
  type ResourceSite,
  type SnsLambdaEvent,
  type SqsDelivery,
} from '../../src/services/sns';

export const site = (logicalId: string): ResourceSite => ({
  id: `Orders/${logicalId}`,
  stackName: 'Orders',
  logicalId,
  region: 'eu-west-1',
  accountId: '123456789012',
});

export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:orders';
export const queueArn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
export const functionArn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;

/** An SNS with one `orders` topic, recording what reaches each queue and function. */
export function harness(options: { failing?: Record<string, DeliveryFailure | Error> } = {}) {
  const clock = new TestClock(new Date('2026-12-01T09:00:00.000Z'));
  const queues: SqsDelivery[] = [];
  const invocations: Array<{ functionArn: string; event: SnsLambdaEvent }> = [];
  const attempts = new Map<string, number>();
  const fail = (endpoint: string) => {
    attempts.set(endpoint, (attempts.get(endpoint) ?? 0) + 1);
    const failure = options.failing?.[endpoint];
    if (failure) throw failure;
  };
  let ids = 0;
  const sns = new Sns({
    clock,
    newId: () => `message-${++ids}`,
    targets: {
      sqs: (delivery) => {
        fail(delivery.queueArn);
        queues.push(delivery);
        return Promise.resolve();
      },
      lambda: (delivery) => {
        fail(delivery.functionArn);
        invocations.push(delivery);
        return Promise.resolve();
      },
    },
  });
  sns.putTopic(readTopic({ TopicName: 'orders' }, site('Topic')));
  const subscribe = (logicalId: string, properties: Record<string, unknown>) =>
    sns.putSubscription(readSubscription({ TopicArn: TOPIC_ARN, ...properties }, site(logicalId)));
  const bodiesOf = (queue: string) => queues.filter((d) => d.queueArn === queueArn(queue)).map((d) => d.body);
  return { sns, clock, queues, invocations, attempts, subscribe, bodiesOf };
}
