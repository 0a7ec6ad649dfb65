/**
 * Slice's local SNS: the topics and subscriptions of the templates, `Publish` and
 * `PublishBatch`, filter policies, and the deliveries, through injected targets so the local
 * cloud plugs in its queues and functions.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import { SnsError } from './errors';
import { compileFilterPolicy } from './filter-policy';
import {
  acceptMessage,
  envelope,
  lambdaEvent,
  messageFor,
  type MessageAttributeValue,
  type PublishedMessage,
  type PublishInput,
  type SnsLambdaEvent,
} from './messages';
import type { SubscriptionConfig, TopicConfig } from './resources';

/** A message for a queue: its body and SQS message attributes. */
export interface SqsDelivery {
  readonly queueArn: string;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  /** The topic it comes from, for the queue policy's `aws:SourceArn`. */
  readonly sourceArn: string;
}

/** Where the local SNS delivers; a target that cannot take a message throws. */
export interface SnsTargets {
  sqs(delivery: SqsDelivery): Promise<void>;
  lambda(delivery: {
    readonly functionArn: string;
    readonly event: SnsLambdaEvent;
    readonly sourceArn: string;
  }): Promise<void>;
}

/**
 * A failure a target reports. A client error (the endpoint is gone, its policy denies SNS) is not
 * retried, as SNS does not retry it; anything else a target throws is a server error.
 */
export class DeliveryFailure extends Error {
  override readonly name = 'DeliveryFailure';

  constructor(
    message: string,
    readonly kind: 'client' | 'server' = 'server',
  ) {
    super(message);
  }
}

/** A message to an email, SMS or HTTP/S endpoint, kept instead of sent. */
export interface CapturedNotification {
  readonly subscriptionArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly messageId: string;
  readonly subject?: string;
  /** What the endpoint would have received: the message, the envelope, or the raw message. */
  readonly body: string;
  readonly timestamp: string;
}

/** A delivery that ended in no endpoint: where it went (a dead-letter queue, or nowhere). */
export interface UndeliveredMessage {
  readonly subscriptionArn: string;
  readonly messageId: string;
  readonly error: string;
  readonly attempts: number;
  readonly deadLetterTargetArn?: string;
}

export interface SnsOptions {
  readonly clock: Clock;
  readonly targets: SnsTargets;
  /** Message ids; random UUIDs unless a test fixes them. */
  readonly newId?: () => string;
}

/** SNS retries a server error three times at once before it backs off (the immediate-retry phase). */
const IMMEDIATE_RETRIES = 3;
const MAX_KEPT = 1000;

/** Most recent last, at most {@link MAX_KEPT}. */
const keep = <T>(list: T[], item: T): void => {
  list.push(item);
  if (list.length > MAX_KEPT) list.shift();
};

/**
 * The local SNS.
 *
 * @example
 * ```ts
 * const sns = new Sns({ clock, targets: { sqs: sendToQueue, lambda: invokeFunction } });
 * sns.putTopic(readTopic({ TopicName: 'orders' }, site));
 * sns.putSubscription(readSubscription({ TopicArn, Protocol: 'sqs', Endpoint: queueArn }, site));
 * await sns.publish({ TopicArn, Message: 'hi' }); // { MessageId }
 * ```
 */
export class Sns {
  private readonly topics = new Map<string, TopicConfig>();
  private readonly subscriptions = new Map<
    string,
    SubscriptionConfig & { matches?: ReturnType<typeof compileFilterPolicy> }
  >();
  private readonly captured: CapturedNotification[] = [];
  private readonly undelivered: UndeliveredMessage[] = [];
  private readonly newId: () => string;

  constructor(private readonly options: SnsOptions) {
    this.newId = options.newId ?? randomUUID;
  }

  putTopic(topic: TopicConfig): void {
    this.topics.set(topic.arn, topic);
  }

  /** Removes a topic and its subscriptions. */
  removeTopic(topicArn: string): void {
    this.topics.delete(topicArn);
    for (const [arn, subscription] of this.subscriptions)
      if (subscription.topicArn === topicArn) this.subscriptions.delete(arn);
  }

  putSubscription(subscription: SubscriptionConfig): void {
    const matches = subscription.filterPolicy
      ? compileFilterPolicy(subscription.filterPolicy, subscription.filterPolicyScope)
      : undefined;
    this.subscriptions.set(subscription.arn, { ...subscription, ...(matches ? { matches } : {}) });
  }

  removeSubscription(subscriptionArn: string): void {
    this.subscriptions.delete(subscriptionArn);
  }

  /** Every topic with its subscriptions, for listings. */
  describe(): ReadonlyArray<TopicConfig & { readonly subscriptions: readonly SubscriptionConfig[] }> {
    return [...this.topics.values()].map((topic) => ({
      ...topic,
      subscriptions: [...this.subscriptions.values()]
        .filter((subscription) => subscription.topicArn === topic.arn)
        .map(({ matches: _matches, ...subscription }) => subscription),
    }));
  }

  /** The email, SMS and HTTP/S notifications captured, oldest first. */
  notifications(): readonly CapturedNotification[] {
    return [...this.captured];
  }

  /** The deliveries that failed, oldest first. */
  failures(): readonly UndeliveredMessage[] {
    return [...this.undelivered];
  }

  /** The topic ARN a `Publish` names, checked to exist. */
  topicOf(input: Pick<PublishInput, 'TopicArn' | 'TargetArn' | 'PhoneNumber'>): string {
    if (input.PhoneNumber !== undefined)
      throw new SnsError(
        'InvalidParameter',
        'Invalid parameter: PhoneNumber Reason: direct SMS publishing is not served by the local cloud',
      );
    const arn = input.TopicArn ?? input.TargetArn;
    if (arn === undefined || arn === '')
      throw new SnsError(
        'InvalidParameter',
        'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
      );
    if (!/^arn:aws[a-z-]*:sns:[^:]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(arn))
      throw new SnsError('InvalidParameter', 'Invalid parameter: TopicArn');
    if (!this.topics.has(arn)) throw new SnsError('NotFound', 'Topic does not exist');
    return arn;
  }

  /**
   * Publishes one message: checks it as SNS does, then delivers it to every subscription of the
   * topic whose filter policy matches. Resolves once every delivery ended (delivered, captured,
   * dead-lettered or dropped), so a test sees the outcome at once.
   */
  async publish(input: PublishInput): Promise<{ MessageId: string }> {
    const topicArn = this.topicOf(input);
    const message = acceptMessage(input, topicArn, {
      messageId: this.newId(),
      timestamp: new Date(this.options.clock.now()).toISOString(),
    });
    await this.fanOut(message);
    return { MessageId: message.messageId };
  }

  private async fanOut(message: PublishedMessage): Promise<void> {
    const matching = [...this.subscriptions.values()].filter(
      (subscription) =>
        subscription.topicArn === message.topicArn && (subscription.matches?.(message) ?? true),
    );
    await Promise.all(matching.map((subscription) => this.deliver(subscription, message)));
  }

  private async deliver(subscription: SubscriptionConfig, message: PublishedMessage): Promise<void> {
    const payload = payloadFor(subscription, message);
    if (subscription.protocol !== 'sqs' && subscription.protocol !== 'lambda') {
      keep(this.captured, {
        subscriptionArn: subscription.arn,
        protocol: subscription.protocol,
        endpoint: subscription.endpoint,
        messageId: message.messageId,
        ...(message.subject === undefined ? {} : { subject: message.subject }),
        body: payload.body,
        timestamp: message.timestamp,
      });
      return;
    }
    let attempts = 0;
    for (;;) {
      attempts += 1;
      try {
        await this.send(subscription, message, payload);
        return;
      } catch (error) {
        const client = error instanceof DeliveryFailure && error.kind === 'client';
        if (client || attempts > IMMEDIATE_RETRIES)
          return this.deadLetter(subscription, message, payload, error, attempts);
      }
    }
  }

  private send(subscription: SubscriptionConfig, message: PublishedMessage, payload: Payload): Promise<void> {
    if (subscription.protocol === 'lambda')
      return this.options.targets.lambda({
        functionArn: subscription.endpoint,
        event: lambdaEvent(message, subscription.arn),
        sourceArn: message.topicArn,
      });
    return this.options.targets.sqs({
      queueArn: subscription.endpoint,
      body: payload.body,
      messageAttributes: payload.attributes,
      sourceArn: message.topicArn,
    });
  }

  /** The redrive policy: the payload the endpoint would have had goes to the subscription's DLQ. */
  private async deadLetter(
    subscription: SubscriptionConfig,
    message: PublishedMessage,
    payload: Payload,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const record = {
      subscriptionArn: subscription.arn,
      messageId: message.messageId,
      error: reason,
      attempts,
    };
    const dlq = subscription.deadLetterTargetArn;
    if (dlq === undefined) return keep(this.undelivered, record);
    const body =
      subscription.protocol === 'lambda' ? envelope(message, subscription.arn, 'lambda') : payload.body;
    try {
      await this.options.targets.sqs({
        queueArn: dlq,
        body,
        messageAttributes: payload.attributes,
        sourceArn: message.topicArn,
      });
      keep(this.undelivered, { ...record, deadLetterTargetArn: dlq });
    } catch (dlqError) {
      const lost = dlqError instanceof Error ? dlqError.message : String(dlqError);
      keep(this.undelivered, {
        ...record,
        error: `${reason}; the dead-letter queue refused it too: ${lost}`,
      });
    }
  }
}

interface Payload {
  readonly body: string;
  /** SQS message attributes: the message's, with raw delivery only. */
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
}

/** Raw delivery sends the message itself (and, to SQS, its attributes as the queue's); else the envelope. */
function payloadFor(subscription: SubscriptionConfig, message: PublishedMessage): Payload {
  const protocol = subscription.protocol;
  if (subscription.rawMessageDelivery)
    return { body: messageFor(message, protocol), attributes: message.messageAttributes };
  if (protocol === 'email' || protocol === 'sms')
    return { body: messageFor(message, protocol), attributes: {} };
  return { body: envelope(message, subscription.arn, protocol), attributes: {} };
}
