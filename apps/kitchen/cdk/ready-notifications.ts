import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { NotificationChannel } from '@slice/contracts-kitchen';

/** Props of {@link ReadyNotifications}. */
export interface ReadyNotificationsProps {
  /** Where the SMS subscription sends (E.164), for the messages whose `channel` is `sms`. */
  readonly smsNumber: string;
  /** Where the email subscription sends, for the messages whose `channel` is `email`. */
  readonly emailAddress: string;
}

const onChannel = (channel: NotificationChannel) => ({
  filterPolicy: { channel: sns.SubscriptionFilter.stringFilter({ allowlist: [channel] }) },
});

/**
 * The "your order is ready" topic: the workflow publishes one message per ready order with
 * `channel`, `customerId` and `orderId` attributes, and each subscription's filter policy takes the
 * messages of its channel, so a customer gets one SMS or one email, never both.
 *
 * @example
 * ```ts
 * const notifications = new ReadyNotifications(this, 'Notifications', { smsNumber: '+31612345678', emailAddress: 'ready@example.com' });
 * ```
 */
export class ReadyNotifications extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: ReadyNotificationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Slice: your order is ready',
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    this.topic.addSubscription(new subscriptions.SmsSubscription(props.smsNumber, onChannel('sms')));
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.emailAddress, onChannel('email')));
  }
}
