/**
 * The local SNS as a service of the local AWS endpoint: the templates' topics and subscriptions,
 * the SNS API in the query protocol the SDKs speak, each call checked against the caller's role,
 * and the deliveries: to a queue only when its policy lets `sns.amazonaws.com` send from the
 * topic, to a function only when an `AWS::Lambda::Permission` lets SNS invoke it, as AWS does.
 */
import type { Clock } from '../../clock';
import { AwsError } from '../../endpoint/errors';
import { evaluatePolicy, resourceMatches } from '../../endpoint/iam';
import { awsQueryProtocol, queryResult } from '../../endpoint/query-protocol';
import type { FunctionSpec, LocalModel, ResourceStatement } from '../../model';
import type { AsyncInvokeRequest } from '../events/rules';
import { type AwsService, jsonAnswer, type ServiceCall } from '../service';
import type { QueueStore } from '../sqs/sqs';
import { SnsError } from './errors';
import { OPERATIONS, planOperation } from './operations';
import { resourcePolicyAllows } from './permissions';
import type { SubscriptionConfig } from './resources';
import { DeliveryFailure, Sns, type SnsTargets } from './sns';

/** What {@link createSnsService} delivers with. */
export interface SnsServiceOptions {
  readonly accountId: string;
  readonly clock: Clock;
  /** The model served now: its topics, subscriptions, queue policies and Lambda permissions. */
  readonly model: () => LocalModel;
  readonly queues: QueueStore;
  /** Lambda's asynchronous invocation, as SNS invokes a subscribed function. */
  readonly invokeAsync: (request: AsyncInvokeRequest) => void;
  readonly log: (text: string) => void;
}

/** The local SNS service, with its topics and what it captured. */
export interface SnsService extends AwsService {
  readonly sns: Sns;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

const protocol = awsQueryProtocol({
  xmlns: XMLNS,
  commonErrors: {
    AccessDeniedException: 'AuthorizationError',
    ThrottlingException: 'Throttled',
    InternalFailure: 'InternalError',
  },
  errorStatus: { AuthorizationError: 403, NotFound: 404, InternalError: 500 },
});

const asAwsError = (error: unknown): unknown =>
  error instanceof SnsError ? new AwsError(error.statusCode, error.code, error.message) : error;

/** Runs `compute`, turning SNS's errors into the endpoint's. */
function snsErrors<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    throw asAwsError(error);
  }
}

const subscriptionConfig = (spec: NonNullable<LocalModel['subscriptions']>[number]): SubscriptionConfig => ({
  arn: spec.arn,
  topicArn: spec.topicArn,
  protocol: spec.protocol as SubscriptionConfig['protocol'],
  endpoint: spec.endpoint,
  ...(spec.filterPolicy ? { filterPolicy: spec.filterPolicy } : {}),
  filterPolicyScope: spec.filterPolicyScope,
  rawMessageDelivery: spec.rawMessageDelivery,
  ...(spec.deadLetterTargetArn === undefined ? {} : { deadLetterTargetArn: spec.deadLetterTargetArn }),
});

/** The statements of every policy of a queue or topic. */
const policyOf = (model: LocalModel, kind: 'queue' | 'topic', arn: string): ResourceStatement[] =>
  (model.resourcePolicies ?? [])
    .filter((policy) => policy.kind === kind && policy.resourceArn === arn)
    .flatMap((policy) => policy.statements);

/** The function a Lambda subscription names (an ARN, maybe qualified). */
const functionOf = (model: LocalModel, arn: string): FunctionSpec | undefined =>
  model.functions.find((fn) => fn.arn === arn.split(':').slice(0, 7).join(':'));

/** The deliveries, checked against the endpoints' resource policies as SNS is. */
function targets(options: SnsServiceOptions): SnsTargets {
  return {
    sqs(delivery) {
      const model = options.model();
      const queue = options.queues.byArn(delivery.queueArn);
      if (!queue) throw new DeliveryFailure(`The queue ${delivery.queueArn} does not exist`, 'client');
      const permission = {
        principal: 'sns.amazonaws.com',
        action: 'sqs:SendMessage',
        resource: delivery.queueArn,
        sourceArn: delivery.sourceArn,
      };
      if (!resourcePolicyAllows(policyOf(model, 'queue', delivery.queueArn), permission))
        throw new DeliveryFailure(
          `The policy of ${delivery.queueArn} does not let sns.amazonaws.com send messages from ${delivery.sourceArn}`,
          'client',
        );
      queue.send({
        body: delivery.body,
        senderId: 'sns.amazonaws.com',
        messageAttributes: delivery.messageAttributes,
      });
      return Promise.resolve();
    },
    lambda(delivery) {
      const model = options.model();
      const fn = functionOf(model, delivery.functionArn);
      if (!fn) throw new DeliveryFailure(`The function ${delivery.functionArn} does not exist`, 'client');
      const allowed = model.permissions.some(
        (permission) =>
          permission.functionId === fn.id &&
          permission.principal === 'sns.amazonaws.com' &&
          /^lambda:invokefunction$|^lambda:\*$/i.test(permission.action) &&
          (permission.sourceArn === undefined || resourceMatches(permission.sourceArn, delivery.sourceArn)),
      );
      if (!allowed)
        throw new DeliveryFailure(
          `No AWS::Lambda::Permission lets sns.amazonaws.com invoke ${fn.functionName} from ${delivery.sourceArn}`,
          'client',
        );
      // SNS invokes a function asynchronously: accepted now, Lambda retries what fails.
      options.invokeAsync({
        functionId: fn.id,
        functionArn: fn.arn,
        payload: delivery.event,
        sourceId: delivery.event.Records[0]?.EventSubscriptionArn ?? delivery.sourceArn,
        sourceArn: delivery.sourceArn,
        eventId: delivery.event.Records[0]?.Sns.MessageId ?? '',
      });
      return Promise.resolve();
    },
  };
}

/**
 * Whether the topic policy explicitly denies `action` to the caller (a statement naming `*`, the
 * caller's role or its account): a deny there wins over the role's allow. Its conditions are not
 * evaluated, as for identity policies.
 */
function deniedByTopicPolicy(
  model: LocalModel,
  topicArn: string,
  action: string,
  caller: FunctionSpec,
): boolean {
  const account = topicArn.split(':')[4] ?? '';
  const callers = new Set(['*', caller.roleArn, account, `arn:aws:iam::${account}:root`]);
  return policyOf(model, 'topic', topicArn).some((statement) => {
    if (statement.Effect !== 'Deny') return false;
    const { Principal: principal, Condition: _condition, ...rest } = statement;
    const named = principal === '*' || [principal?.['AWS'] ?? []].flat().some((each) => callers.has(each));
    return named && evaluatePolicy([{ ...rest, Effect: 'Allow' }], action, topicArn).allowed;
  });
}

type Input = Readonly<Record<string, unknown>>;

/** The read calls SDKs and tools make besides publishing. */
const READS: Record<string, (sns: Sns, input: Input, accountId: string) => ServiceCall> = {
  ListTopics: (sns) => ({
    permissions: [{ action: 'sns:ListTopics', resources: ['*'] }],
    answer: () =>
      jsonAnswer(
        queryResult('ListTopics', { Topics: sns.describe().map((topic) => ({ TopicArn: topic.arn })) }),
      ),
  }),
  GetTopicAttributes: (sns, input, accountId) => {
    const topicArn = sns.topicOf({
      TopicArn: typeof input['TopicArn'] === 'string' ? input['TopicArn'] : '',
    });
    return {
      permissions: [{ action: 'sns:GetTopicAttributes', resources: [topicArn] }],
      answer: () => {
        const topic = sns.describe().find((each) => each.arn === topicArn);
        const attributes = new Map([
          ['TopicArn', topicArn],
          ['Owner', accountId],
          ['DisplayName', ''],
          ['SubscriptionsConfirmed', String(topic?.subscriptions.length ?? 0)],
          ['SubscriptionsPending', '0'],
          ['SubscriptionsDeleted', '0'],
        ]);
        return jsonAnswer(queryResult('GetTopicAttributes', { Attributes: attributes }));
      },
    };
  },
  ListSubscriptionsByTopic: (sns, input, accountId) => {
    const topicArn = sns.topicOf({
      TopicArn: typeof input['TopicArn'] === 'string' ? input['TopicArn'] : '',
    });
    return {
      permissions: [{ action: 'sns:ListSubscriptionsByTopic', resources: [topicArn] }],
      answer: () => {
        const topic = sns.describe().find((each) => each.arn === topicArn);
        const Subscriptions = (topic?.subscriptions ?? []).map((subscription) => ({
          SubscriptionArn: subscription.arn,
          Owner: accountId,
          Protocol: subscription.protocol,
          Endpoint: subscription.endpoint,
          TopicArn: topicArn,
        }));
        return jsonAnswer(queryResult('ListSubscriptionsByTopic', { Subscriptions }));
      },
    };
  },
};

/** A `Publish` or `PublishBatch`: the role needs `sns:Publish` on the topic, and the topic policy must not deny it. */
function publishCall(
  options: SnsServiceOptions,
  sns: Sns,
  operation: string,
  input: Input,
  caller: FunctionSpec,
): ServiceCall {
  const plan = snsErrors(() => planOperation(sns, operation, input));
  const { action, resource } = plan.permission;
  return {
    permissions: [{ action, resources: [resource] }],
    async answer() {
      if (deniedByTopicPolicy(options.model(), resource, action, caller))
        throw new AwsError(
          403,
          'AuthorizationError',
          `User: ${caller.roleArn} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in a resource-based policy`,
        );
      try {
        return jsonAnswer(queryResult(operation, await plan.run()));
      } catch (error) {
        throw asAwsError(error);
      }
    },
  };
}

/** Puts the model's topics and subscriptions into `sns`, dropping those it no longer has. */
function load(sns: Sns, model: LocalModel): void {
  const topics = new Set((model.topics ?? []).map((topic) => topic.arn));
  const subscriptions = new Set((model.subscriptions ?? []).map((subscription) => subscription.arn));
  for (const topic of sns.describe()) {
    if (!topics.has(topic.arn)) sns.removeTopic(topic.arn);
    for (const subscription of topic.subscriptions)
      if (!subscriptions.has(subscription.arn)) sns.removeSubscription(subscription.arn);
  }
  for (const topic of model.topics ?? []) sns.putTopic({ arn: topic.arn, name: topic.name });
  for (const subscription of model.subscriptions ?? []) sns.putSubscription(subscriptionConfig(subscription));
}

/**
 * The local SNS (`sns` signing name, query protocol): `Publish` and `PublishBatch` (as
 * `sns:Publish` on the topic), `ListTopics`, `GetTopicAttributes` and `ListSubscriptionsByTopic`.
 * A redeploy brings the new model's topics and subscriptions.
 *
 * @example
 * ```ts
 * const sns = createSnsService({ accountId, clock, model: () => served.current, queues, invokeAsync, log });
 * endpoint.services.register(sns);
 * sns.sns.notifications(); // the email, SMS and HTTP/S messages captured
 * ```
 */
export function createSnsService(options: SnsServiceOptions): SnsService {
  const sns = new Sns({ clock: options.clock, targets: targets(options) });
  load(sns, options.model());
  return {
    signingName: 'sns',
    protocol,
    describe: 'SNS Publish, PublishBatch, ListTopics, GetTopicAttributes, ListSubscriptionsByTopic',
    sns,
    call(request, caller) {
      const read = READS[request.operation];
      if (read) return snsErrors(() => read(sns, request.input, options.accountId));
      if (!OPERATIONS.includes(request.operation))
        throw new AwsError(
          400,
          'InvalidAction',
          `The local SNS serves ${[...OPERATIONS, ...Object.keys(READS)].join(', ')}; not ${request.operation}.`,
        );
      return publishCall(options, sns, request.operation, request.input, caller);
    },
    update({ next }) {
      load(sns, next);
      return Promise.resolve({});
    },
    stop: () => Promise.resolve(),
  };
}
