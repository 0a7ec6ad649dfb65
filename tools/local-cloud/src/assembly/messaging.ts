/**
 * The SNS and Scheduler resources of the templates, for the model: topics, subscriptions, the
 * queues' and topics' resource policies, schedules (with the policy of each target's role) and
 * schedule groups. Each is checked as the service checks it when CloudFormation creates it; a
 * resource the local cloud cannot serve (a FIFO topic, an unreadable filter policy or schedule
 * expression) fails the load, naming its stack and resource.
 */
import type {
  ResourcePolicySpec,
  ResourceStatement,
  ScheduleGroupSpec,
  ScheduleSpec,
  SubscriptionSpec,
  TopicSpec,
} from '../model';
import { isRecord } from '../json';
import { readSchedule, ScheduleTemplateError } from '../services/scheduler/resources';
import { readSubscription, readTopic } from '../services/sns/resources';
import { SnsTemplateError } from '../services/sns/errors';
import { type RolePolicies, statementsOf } from './iam';
import { type Resolver, UnresolvableError } from './resolve';

/** What the readers of this module need of the loader. */
export interface MessagingContext {
  readonly resolver: Resolver;
  readonly policies: RolePolicies;
  readonly accountId: string;
  readonly regionOf: (stackName: string) => string;
  /** Runs `build` for every resource of `type`, gathering the resolution problems. */
  each<T>(type: string, build: (stackName: string, logicalId: string) => T | undefined): T[];
}

function propertiesOf(resolver: Resolver, stackName: string, logicalId: string): Record<string, unknown> {
  const properties = resolver.resource(stackName, logicalId).Properties ?? {};
  return Object.fromEntries(
    Object.keys(properties)
      .map((name) => [name, resolver.property(stackName, logicalId, name)] as const)
      .filter(([, value]) => value !== undefined),
  );
}

/** Runs a reader of a service module; its template error becomes a load problem naming the resource. */
function checked<T>(stackName: string, logicalId: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SnsTemplateError || error instanceof ScheduleTemplateError)
      throw new UnresolvableError({ stackName, path: `${logicalId}.Properties`, reason: error.message });
    throw error;
  }
}

const site = (context: MessagingContext, stackName: string, logicalId: string) => ({
  id: `${stackName}/${logicalId}`,
  stackName,
  logicalId,
  region: context.regionOf(stackName),
  accountId: context.accountId,
});

function topicOf(context: MessagingContext, stackName: string, logicalId: string): TopicSpec {
  const { resolver } = context;
  const properties = propertiesOf(resolver, stackName, logicalId);
  // The module's checks (FIFO refused); the name and ARN are the resolver's, as `Ref` gives them.
  checked(stackName, logicalId, () => readTopic(properties, site(context, stackName, logicalId)));
  return {
    id: `${stackName}/${logicalId}`,
    stackName,
    logicalId,
    name: resolver.attribute(stackName, logicalId, 'TopicName', logicalId) as string,
    arn: resolver.physicalId(stackName, logicalId),
  };
}

function subscriptionOf(context: MessagingContext, stackName: string, logicalId: string): SubscriptionSpec {
  const { resolver } = context;
  const properties = propertiesOf(resolver, stackName, logicalId);
  const read = checked(stackName, logicalId, () =>
    readSubscription(properties, site(context, stackName, logicalId)),
  );
  return {
    id: `${stackName}/${logicalId}`,
    stackName,
    logicalId,
    arn: resolver.physicalId(stackName, logicalId),
    topicArn: read.topicArn,
    protocol: read.protocol,
    endpoint: read.endpoint,
    ...(read.filterPolicy ? { filterPolicy: read.filterPolicy } : {}),
    filterPolicyScope: read.filterPolicyScope,
    rawMessageDelivery: read.rawMessageDelivery,
    ...(read.deadLetterTargetArn === undefined ? {} : { deadLetterTargetArn: read.deadLetterTargetArn }),
  };
}

/** The statements of a resource policy document, with their `Principal`. */
function resourceStatements(document: unknown, stackName: string, path: string): ResourceStatement[] {
  const statements = statementsOf(document, stackName, path);
  const raw = isRecord(document) ? document['Statement'] : undefined;
  const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return statements.map((statement, index) => {
    const principal = isRecord(list[index]) ? list[index]['Principal'] : undefined;
    return principal === '*' || isRecord(principal)
      ? { ...statement, Principal: principal as ResourceStatement['Principal'] }
      : statement;
  });
}

/**
 * `AWS::SQS::QueuePolicy` (`Queues`: queue URLs) and `AWS::SNS::TopicPolicy` (`Topics`: ARNs),
 * one spec per queue or topic they name. `queueArnOf` turns a queue URL into its ARN.
 */
function resourcePoliciesOf(
  context: MessagingContext,
  queueArnOf: (url: string) => string | undefined,
): ResourcePolicySpec[] {
  const read = (type: string, kind: 'queue' | 'topic', listProperty: string) =>
    context
      .each(type, (stackName, logicalId) => {
        const properties = propertiesOf(context.resolver, stackName, logicalId);
        const statements = resourceStatements(
          properties['PolicyDocument'],
          stackName,
          `${logicalId}.Properties.PolicyDocument`,
        );
        const names = Array.isArray(properties[listProperty]) ? properties[listProperty] : [];
        return names
          .filter((name): name is string => typeof name === 'string')
          .map((name) => (kind === 'queue' ? (queueArnOf(name) ?? name) : name))
          .map((resourceArn) => ({ id: `${stackName}/${logicalId}`, kind, resourceArn, statements }));
      })
      .flat();
  return [
    ...read('AWS::SQS::QueuePolicy', 'queue', 'Queues'),
    ...read('AWS::SNS::TopicPolicy', 'topic', 'Topics'),
  ];
}

function scheduleOf(context: MessagingContext, stackName: string, logicalId: string): ScheduleSpec {
  const { resolver } = context;
  const id = `${stackName}/${logicalId}`;
  const properties: Record<string, unknown> = {
    ...propertiesOf(resolver, stackName, logicalId),
    Name: resolver.physicalId(stackName, logicalId),
  };
  // Checked here (expression, time zone, window, retry policy, target) so a bad one fails the load.
  checked(stackName, logicalId, () => readSchedule(properties, site(context, stackName, logicalId)));
  const target = isRecord(properties['Target']) ? properties['Target'] : {};
  const roleArn = typeof target['RoleArn'] === 'string' ? target['RoleArn'] : undefined;
  return {
    id,
    stackName,
    logicalId,
    properties,
    rolePolicy: roleArn === undefined ? [] : context.policies.statements(roleArn, id),
  };
}

function scheduleGroupOf(context: MessagingContext, stackName: string, logicalId: string): ScheduleGroupSpec {
  return {
    id: `${stackName}/${logicalId}`,
    name: context.resolver.physicalId(stackName, logicalId),
    arn: context.resolver.attribute(stackName, logicalId, 'Arn', logicalId) as string,
  };
}

/**
 * The SNS and Scheduler part of the model.
 *
 * @example
 * ```ts
 * const messaging = messagingOf(context, (url) => queues.find((queue) => queue.url === url)?.arn);
 * messaging.topics; // [{ name: 'slice-dev-notifications', arn: 'arn:aws:sns:…', … }]
 * ```
 */
export function messagingOf(context: MessagingContext, queueArnOf: (url: string) => string | undefined) {
  return {
    topics: context.each('AWS::SNS::Topic', (stackName, logicalId) => topicOf(context, stackName, logicalId)),
    subscriptions: context.each('AWS::SNS::Subscription', (stackName, logicalId) =>
      subscriptionOf(context, stackName, logicalId),
    ),
    resourcePolicies: resourcePoliciesOf(context, queueArnOf),
    schedules: context.each('AWS::Scheduler::Schedule', (stackName, logicalId) =>
      scheduleOf(context, stackName, logicalId),
    ),
    scheduleGroups: context.each('AWS::Scheduler::ScheduleGroup', (stackName, logicalId) =>
      scheduleGroupOf(context, stackName, logicalId),
    ),
  };
}
