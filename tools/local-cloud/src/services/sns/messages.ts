/**
 * What a `Publish` carries and what SNS makes of it: the checks AWS applies to the message, its
 * subject and its attributes, and the forms an endpoint receives (the JSON envelope, the raw
 * message, the Lambda event).
 */
import { createHash } from 'node:crypto';
import { SnsError } from './errors';

/** A message attribute as `Publish` takes it. */
export interface MessageAttributeValue {
  /** `String`, `String.Array`, `Number` or `Binary`, optionally with a custom suffix (`Number.float`). */
  readonly DataType: string;
  readonly StringValue?: string;
  /** Base64, for `Binary`. */
  readonly BinaryValue?: string;
}

/** One message to publish to a topic. */
export interface PublishInput {
  readonly TopicArn?: string;
  readonly TargetArn?: string;
  readonly PhoneNumber?: string;
  readonly Message?: string;
  readonly Subject?: string;
  /** `json`: `Message` is an object holding a message per protocol and a `default`. */
  readonly MessageStructure?: string;
  readonly MessageAttributes?: Readonly<Record<string, MessageAttributeValue>>;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

/** A message SNS accepted, as every subscription sees it. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  /** The message, or with `MessageStructure: json` the object of a message per protocol. */
  readonly message: string;
  readonly perProtocol?: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  /** ISO-8601 with milliseconds, from the local cloud's clock. */
  readonly timestamp: string;
}

const MAX_MESSAGE_BYTES = 262_144;
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;

const invalid = (message: string): SnsError => new SnsError('InvalidParameter', message);
const invalidValue = (message: string): SnsError => new SnsError('InvalidParameterValue', message);

function checkAttribute(name: string, attribute: MessageAttributeValue): number {
  if (!ATTRIBUTE_NAME.test(name) || RESERVED_PREFIX.test(name))
    throw invalidValue(`The message attribute name '${name}' is invalid.`);
  const [type] = attribute.DataType.split('.');
  if (type !== 'String' && type !== 'Number' && type !== 'Binary')
    throw invalidValue(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  const value = type === 'Binary' ? attribute.BinaryValue : attribute.StringValue;
  if (value === undefined || value === '')
    throw invalidValue(
      `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
    );
  if (type === 'Number' && (value.trim() === '' || !Number.isFinite(Number(value))))
    throw invalidValue(`Could not cast message attribute '${name}' value to number.`);
  if (attribute.DataType.startsWith('String.Array') && !isArrayText(value))
    throw invalidValue(`The message attribute '${name}' with type 'String.Array' must be a JSON array.`);
  return Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType) + Buffer.byteLength(value);
}

const isArrayText = (text: string): boolean => {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
};

/** Subjects are ASCII, start with a letter, number or punctuation, hold no line breaks, < 100 characters. */
function checkSubject(subject: string): void {
  if (subject.length === 0 || subject.length >= 100 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(subject))
    throw invalid('Invalid parameter: Subject');
}

function perProtocolMessages(message: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalid('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid('Invalid parameter: Message Structure - JSON message body failed to parse');
  const messages = parsed as Record<string, unknown>;
  if (typeof messages['default'] !== 'string')
    throw invalid('Invalid parameter: Message Structure - No default entry in JSON message body');
  return Object.fromEntries(
    Object.entries(messages).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/**
 * Checks a `Publish` as SNS does before it accepts it, and returns the message every
 * subscription will see. The target must have been resolved to a topic ARN by the caller.
 * Refusals are {@link SnsError}s with AWS's codes.
 *
 * @example
 * ```ts
 * const message = acceptMessage({ TopicArn, Message: 'hi' }, TopicArn, { messageId: 'm-1', timestamp: '2026-12-01T09:00:00.000Z' });
 * ```
 */
export function acceptMessage(
  input: PublishInput,
  topicArn: string,
  stamp: { readonly messageId: string; readonly timestamp: string },
): PublishedMessage {
  if (typeof input.Message !== 'string' || input.Message === '')
    throw invalid('Invalid parameter: Empty message');
  if (input.Subject !== undefined) checkSubject(input.Subject);
  if (input.MessageStructure !== undefined && input.MessageStructure !== 'json')
    throw invalid('Invalid parameter: MessageStructure');
  const attributes = input.MessageAttributes ?? {};
  let bytes = Buffer.byteLength(input.Message);
  for (const [name, attribute] of Object.entries(attributes)) bytes += checkAttribute(name, attribute);
  if (bytes > MAX_MESSAGE_BYTES) throw invalid('Invalid parameter: Message too long');
  const perProtocol = input.MessageStructure === 'json' ? perProtocolMessages(input.Message) : undefined;
  return {
    messageId: stamp.messageId,
    topicArn,
    ...(input.Subject === undefined ? {} : { subject: input.Subject }),
    message: perProtocol ? (perProtocol['default'] ?? '') : input.Message,
    ...(perProtocol ? { perProtocol } : {}),
    messageAttributes: attributes,
    timestamp: stamp.timestamp,
  };
}

/** The message a protocol receives: its own entry of a `json` structure, else the default. */
export const messageFor = (message: PublishedMessage, protocol: string): string =>
  message.perProtocol?.[protocol] ?? message.message;

/** Attributes as the envelope writes them: `{ Type, Value }`, binary values in base64. */
const envelopeAttributes = (attributes: PublishedMessage['messageAttributes']) =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, attribute]) => [
      name,
      { Type: attribute.DataType, Value: attribute.StringValue ?? attribute.BinaryValue ?? '' },
    ]),
  );

/** Where the envelope points for the signing certificate and unsubscribing, in the topic's region. */
const urls = (message: PublishedMessage, subscriptionArn: string) => {
  const region = message.topicArn.split(':')[3] ?? 'us-east-1';
  return {
    cert: `https://sns.${region}.amazonaws.com/SimpleNotificationService-local.pem`,
    unsubscribe: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
  };
};

/**
 * The local signature: a digest of the fields SNS signs, base64. It has AWS's shape, not AWS's
 * key: it cannot be verified against a certificate (no AWS key exists on a laptop).
 */
const signature = (message: PublishedMessage, body: string): string =>
  createHash('sha1')
    .update(
      [
        'Message',
        body,
        'MessageId',
        message.messageId,
        'Timestamp',
        message.timestamp,
        'TopicArn',
        message.topicArn,
      ].join('\n'),
    )
    .digest('base64');

/**
 * The JSON envelope SNS delivers to SQS, HTTP/S and `email-json` endpoints without raw delivery:
 * `Subject` only when published with one, `MessageAttributes` only when there are some.
 *
 * @example
 * ```ts
 * JSON.parse(envelope(message, subscriptionArn, 'sqs')).Type; // 'Notification'
 * ```
 */
export function envelope(message: PublishedMessage, subscriptionArn: string, protocol: string): string {
  const body = messageFor(message, protocol);
  const { cert, unsubscribe } = urls(message, subscriptionArn);
  const attributes = envelopeAttributes(message.messageAttributes);
  return JSON.stringify({
    Type: 'Notification',
    MessageId: message.messageId,
    TopicArn: message.topicArn,
    ...(message.subject === undefined ? {} : { Subject: message.subject }),
    Message: body,
    Timestamp: message.timestamp,
    SignatureVersion: '1',
    Signature: signature(message, body),
    SigningCertURL: cert,
    UnsubscribeURL: unsubscribe,
    ...(Object.keys(attributes).length === 0 ? {} : { MessageAttributes: attributes }),
  });
}

/** The event a Lambda function subscribed to a topic is invoked with. */
export interface SnsLambdaEvent {
  readonly Records: ReadonlyArray<{
    readonly EventSource: 'aws:sns';
    readonly EventVersion: '1.0';
    readonly EventSubscriptionArn: string;
    readonly Sns: {
      readonly Type: 'Notification';
      readonly MessageId: string;
      readonly TopicArn: string;
      readonly Subject: string | null;
      readonly Message: string;
      readonly Timestamp: string;
      readonly SignatureVersion: '1';
      readonly Signature: string;
      readonly SigningCertUrl: string;
      readonly UnsubscribeUrl: string;
      readonly MessageAttributes: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
    };
  }>;
}

/**
 * The Lambda event for one message: one record whose `Sns` holds the envelope, with Lambda's
 * spelling (`SigningCertUrl`, `UnsubscribeUrl`), `Subject` `null` when absent and
 * `MessageAttributes` always present.
 */
export function lambdaEvent(message: PublishedMessage, subscriptionArn: string): SnsLambdaEvent {
  const body = messageFor(message, 'lambda');
  const { cert, unsubscribe } = urls(message, subscriptionArn);
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: message.messageId,
          TopicArn: message.topicArn,
          Subject: message.subject ?? null,
          Message: body,
          Timestamp: message.timestamp,
          SignatureVersion: '1',
          Signature: signature(message, body),
          SigningCertUrl: cert,
          UnsubscribeUrl: unsubscribe,
          MessageAttributes: envelopeAttributes(message.messageAttributes),
        },
      },
    ],
  };
}
