/**
 * Topics and subscriptions as the templates declare them (`AWS::SNS::Topic`,
 * `AWS::SNS::Subscription`, their intrinsic functions already resolved), checked as SNS checks
 * them when CloudFormation creates them.
 */
import { SnsTemplateError } from './errors';
import { compileFilterPolicy, InvalidFilterPolicyError, type FilterPolicyScope } from './filter-policy';

/** The protocols the local SNS delivers (`sqs`, `lambda`) or captures (the rest). */
export type SnsProtocol = 'sqs' | 'lambda' | 'email' | 'email-json' | 'sms' | 'http' | 'https';

const PROTOCOLS: ReadonlySet<string> = new Set([
  'sqs',
  'lambda',
  'email',
  'email-json',
  'sms',
  'http',
  'https',
]);
/** SNS accepts `RawMessageDelivery` only where an envelope would otherwise wrap the message. */
const RAW_PROTOCOLS: ReadonlySet<string> = new Set(['sqs', 'http', 'https']);

/** A standard topic. */
export interface TopicConfig {
  readonly arn: string;
  readonly name: string;
}

/** A subscription of a topic to an endpoint. */
export interface SubscriptionConfig {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: SnsProtocol;
  /** A queue or function ARN, an address, a phone number or a URL. */
  readonly endpoint: string;
  readonly filterPolicy?: Readonly<Record<string, unknown>>;
  readonly filterPolicyScope: FilterPolicyScope;
  readonly rawMessageDelivery: boolean;
  /** The queue undeliverable messages go to. */
  readonly deadLetterTargetArn?: string;
}

/** Where a resource of a template lives, for its ARN and for errors that name it. */
export interface ResourceSite {
  /** `<stackName>/<logicalId>`. */
  readonly id: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly region: string;
  readonly accountId: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** CloudFormation takes a JSON property as an object or as its text. */
function jsonProperty(value: unknown, site: ResourceSite, name: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SnsTemplateError(`${site.id}: ${name} is not valid JSON`);
    }
  }
  if (!isRecord(parsed)) throw new SnsTemplateError(`${site.id}: ${name} must be a JSON object`);
  return parsed;
}

const booleanProperty = (value: unknown): boolean => value === true || value === 'true';

/**
 * A topic from its `AWS::SNS::Topic` properties. FIFO topics are refused: the local SNS does not
 * keep message groups or deduplicate, so a FIFO topic would silently lose its guarantees.
 *
 * @example
 * ```ts
 * readTopic({ TopicName: 'orders' }, site); // { arn: 'arn:aws:sns:eu-west-1:000000000000:orders', name: 'orders' }
 * ```
 */
export function readTopic(properties: Readonly<Record<string, unknown>>, site: ResourceSite): TopicConfig {
  const declared = typeof properties['TopicName'] === 'string' ? properties['TopicName'] : undefined;
  if (booleanProperty(properties['FifoTopic']) || declared?.endsWith('.fifo'))
    throw new SnsTemplateError(
      `${site.id}: FIFO topics are not supported by the local cloud (message groups and deduplication are not emulated); use a standard topic`,
    );
  const name = declared ?? `${site.stackName}-${site.logicalId}`;
  return { arn: `arn:aws:sns:${site.region}:${site.accountId}:${name}`, name };
}

function filterScope(value: unknown, site: ResourceSite): FilterPolicyScope {
  if (value === undefined || value === 'MessageAttributes') return 'MessageAttributes';
  if (value === 'MessageBody') return 'MessageBody';
  throw new SnsTemplateError(`${site.id}: FilterPolicyScope must be MessageAttributes or MessageBody`);
}

/**
 * A subscription from its `AWS::SNS::Subscription` properties, with its filter policy checked as
 * SNS checks it at `Subscribe`. Its ARN is `<topic ARN>:<logical id>`.
 *
 * @example
 * ```ts
 * readSubscription({ TopicArn, Protocol: 'sqs', Endpoint: queueArn, RawMessageDelivery: true }, site);
 * ```
 */
export function readSubscription(
  properties: Readonly<Record<string, unknown>>,
  site: ResourceSite,
): SubscriptionConfig {
  const { TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint } = properties;
  if (typeof topicArn !== 'string' || typeof endpoint !== 'string' || typeof protocol !== 'string')
    throw new SnsTemplateError(`${site.id}: TopicArn, Protocol and Endpoint are required strings`);
  if (!PROTOCOLS.has(protocol))
    throw new SnsTemplateError(
      `${site.id}: protocol ${protocol} is not served by the local cloud (it serves ${[...PROTOCOLS].join(', ')})`,
    );
  const rawMessageDelivery = booleanProperty(properties['RawMessageDelivery']);
  if (rawMessageDelivery && !RAW_PROTOCOLS.has(protocol))
    throw new SnsTemplateError(
      `${site.id}: Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [true]. Must be false.`,
    );
  const filterPolicyScope = filterScope(properties['FilterPolicyScope'], site);
  const filterPolicy = jsonProperty(properties['FilterPolicy'], site, 'FilterPolicy');
  if (filterPolicy) {
    try {
      compileFilterPolicy(filterPolicy, filterPolicyScope);
    } catch (error) {
      if (error instanceof InvalidFilterPolicyError)
        throw new SnsTemplateError(`${site.id}: Invalid parameter: FilterPolicy: ${error.message}`);
      throw error;
    }
  }
  const redrive = jsonProperty(properties['RedrivePolicy'], site, 'RedrivePolicy');
  const deadLetterTargetArn = redrive?.['deadLetterTargetArn'];
  if (redrive && (typeof deadLetterTargetArn !== 'string' || !deadLetterTargetArn.startsWith('arn:aws:sqs:')))
    throw new SnsTemplateError(`${site.id}: RedrivePolicy needs a deadLetterTargetArn naming an SQS queue`);
  return {
    arn: `${topicArn}:${site.logicalId}`,
    topicArn,
    protocol: protocol as SnsProtocol,
    endpoint,
    ...(filterPolicy ? { filterPolicy } : {}),
    filterPolicyScope,
    rawMessageDelivery,
    ...(typeof deadLetterTargetArn === 'string' ? { deadLetterTargetArn } : {}),
  };
}
